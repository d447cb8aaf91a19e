import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CalendarClock, FileCheck, History, LayoutGrid, Mail } from "lucide-react";
import type { ReactNode } from "react";
import { Notice } from "~/components/Field";
import { ChangeFeed } from "~/components/dashboard/ChangeFeed";
import { DueCardList } from "~/components/dashboard/DueCardList";
import { SpaceIconGlyph } from "~/components/SpaceLook";
import { loadHome } from "~/lib/home.server";
import { useT } from "~/lib/i18n";
import { useRootData } from "~/root";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";

/**
 * The landing page, and for a signed-in user a home that says what needs them: invitations waiting
 * for their tenants, approvals waiting for them, cards assigned to them (overdue first), recent
 * changes in their spaces, and their spaces — each read through the policy (`lib/home.server.ts`).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const notice = new URL(request.url).searchParams.get("notice");
  const user = context.user;
  if (!user) return { notice, home: null };
  return { notice, home: await context.tx((tx) => loadHome(tx, user)) };
}

export const meta: MetaFunction = (args) => pageTitle(args, "landing.heading");

export const links = () => [{ rel: "stylesheet", href: dashboardStyles }];

export default function Home() {
  const root = useRootData();
  const { home } = useLoaderData<typeof loader>();
  return root?.user && home ? <Dashboard /> : <Landing />;
}

function Landing() {
  const { t } = useT();
  return (
    <section className="stack">
      <h1>{t("landing.heading")}</h1>
      <p>{t("landing.lead")}</p>
      <ul>
        <li>{t("landing.point1")}</li>
        <li>{t("landing.point2")}</li>
        <li>{t("landing.point3")}</li>
      </ul>
      <p className="inline-form">
        <Link className="button" to="/login">
          {t("nav.logIn")}
        </Link>
        <Link to="/signup">{t("nav.signUp")}</Link>
      </p>
    </section>
  );
}

/** One section of the home: a heading with an icon, and its content (or its empty state). */
function Section({ id, title, icon, children }: { id: string; title: string; icon: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="dashboard-section" data-section={id}>
      <h2 id={id} className="section-heading">
        {icon}
        {title}
      </h2>
      {children}
    </section>
  );
}

type HomeData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["home"]>;

function Dashboard() {
  const { t } = useT();
  const root = useRootData()!;
  const { notice, home } = useLoaderData<typeof loader>() as { notice: string | null; home: HomeData };
  const current = root.currentTenant;
  const icon = (Icon: typeof Mail) => <Icon size={20} aria-hidden="true" />;
  return (
    <section className="stack home">
      <h1>{t("home.welcome", { name: root.user!.name })}</h1>
      {notice === "joined" && current ? <Notice>{t("invitation.accepted", { tenant: current.name })}</Notice> : null}
      {current ? (
        <p className="current-tenant">
          {t("home.currentTenant", { tenant: current.name })} — <Link to={`/t/${current.slug}`}>{t("home.open")}</Link>
        </p>
      ) : (
        <p>{t("home.noTenants")}</p>
      )}

      <div className="dashboard-grid">
        <Section id="home-invitations" title={t("dashboard.invitations")} icon={icon(Mail)}>
          <Invitations invitations={home.invitations} />
        </Section>
        <Section id="home-approvals" title={t("dashboard.approvals")} icon={icon(FileCheck)}>
          <Approvals approvals={home.approvals} />
        </Section>
        <Section id="home-cards" title={t("dashboard.cards")} icon={icon(CalendarClock)}>
          {home.cards.length ? <DueCardList cards={home.cards} showSpace /> : <p className="muted">{t("dashboard.noCards")}</p>}
        </Section>
        <Section id="home-changes" title={t("dashboard.changes")} icon={icon(History)}>
          <ChangeFeed items={home.changes} showSpace empty={t("dashboard.noChanges")} />
        </Section>
      </div>

      <Section id="home-spaces" title={t("home.yourSpaces")} icon={icon(LayoutGrid)}>
        {home.spaces.length ? (
          <ul className="grid">
            {home.spaces.map((s) => (
              <li key={s.id} className={`card space-card color-${s.color}`}>
                <p className="space-card-title">
                  <SpaceIconGlyph icon={s.icon} size={18} />
                  <Link to={`/s/${s.id}`}>{s.title}</Link>
                </p>
                <p className="muted">
                  {t("space.hostedBy", { host: s.hostName })} · {t("space.yourAccess", { access: t(`access.${s.access}`) })}
                  {s.archived ? ` · ${t("space.archived")}` : ""}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <>
            <p className="muted">{t("home.noSpaces")}</p>
            <p className="muted">{t("dashboard.noSpacesHint")}</p>
          </>
        )}
      </Section>

      <h2>{t("home.yourTenants")}</h2>
      {root.tenants.length ? (
        <ul className="grid">
          {root.tenants.map((tenant) => (
            <li key={tenant.id} className="card">
              <Link to={`/t/${tenant.slug}`}>{tenant.name}</Link>
              <p className="muted">{t("home.role", { role: t(`roles.${tenant.role}`) })}</p>
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <Link className="button" to="/tenants/new">
          {t("home.createTenant")}
        </Link>
      </p>
    </section>
  );
}

/**
 * Space invitations waiting for a tenant the user administers (the inbox's `waitingInvitations`),
 * answered by the tenant page's own action: the buttons post there, as its page's do.
 */
function Invitations({ invitations }: { invitations: HomeData["invitations"] }) {
  const { t, date } = useT();
  if (!invitations.length) return <p className="muted">{t("dashboard.noInvitations")}</p>;
  return (
    <ul className="dashboard-list">
      {invitations.map((i) => (
        <li key={`${i.spaceId}-${i.tenantSlug}`}>
          <p>{t("inbox.invitation", { host: i.hostName, tenant: i.tenantName, space: i.spaceTitle })}</p>
          <p className="muted">
            {t("tenant.expires", { date: date(i.expiresAt) })} · <Link to={`/t/${i.tenantSlug}`}>{t("inbox.answer", { tenant: i.tenantName })}</Link>
          </p>
          <Form method="post" action={`/t/${i.tenantSlug}`} className="inline-form">
            <input type="hidden" name="spaceId" value={i.spaceId} />
            <button type="submit" name="intent" value="acceptSpace" aria-label={t("dashboard.acceptFor", { space: i.spaceTitle, tenant: i.tenantName })}>
              {t("space.accept")}
            </button>
            <button
              type="submit"
              name="intent"
              value="declineSpace"
              className="secondary"
              aria-label={t("dashboard.declineFor", { space: i.spaceTitle, tenant: i.tenantName })}
            >
              {t("space.decline")}
            </button>
          </Form>
        </li>
      ))}
    </ul>
  );
}

function Approvals({ approvals }: { approvals: HomeData["approvals"] }) {
  const { t, date } = useT();
  if (!approvals.length) return <p className="muted">{t("dashboard.noApprovals")}</p>;
  return (
    <ul className="dashboard-list">
      {approvals.map((a) => {
        const doc = `/s/${a.spaceId}/docs/${a.documentId}`;
        return (
          <li key={`${a.roundId}-${a.tenantId}`}>
            <p>
              <Link to={doc} className="card-title">
                {a.documentTitle}
              </Link>{" "}
              <span className="badge">{t(`documentTypes.${a.documentType}`)}</span>
            </p>
            <p className="muted">
              {t("dashboard.approvalFor", { tenant: a.tenantName })} · <Link to={`/s/${a.spaceId}`}>{t("inbox.inSpace", { space: a.spaceTitle })}</Link>
            </p>
            {a.versionName ? <p className="muted">{t("inbox.version", { version: a.versionName })}</p> : null}
            <p className="muted">{t("dashboard.requested", { name: a.requestedByName ?? "—", date: date(a.requestedAt) })}</p>
            <p>
              <Link to={`${doc}/approval`} aria-label={`${t("dashboard.decide")}: ${a.documentTitle}`}>
                {t("dashboard.decide")}
              </Link>
            </p>
          </li>
        );
      })}
    </ul>
  );
}
