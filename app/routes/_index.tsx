import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadActor, spacesForActor } from "@twinning/db";
import { Link, useLoaderData } from "@remix-run/react";
import { Notice } from "~/components/Field";
import { useT } from "~/lib/i18n";
import { useRootData } from "~/root";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const notice = new URL(request.url).searchParams.get("notice");
  const user = context.user;
  const spaces = user ? await context.tx(async (tx) => spacesForActor(tx, await loadActor(tx, user.id))) : [];
  return {
    notice,
    spaces: spaces.map((s) => ({ id: s.id, title: s.title, hostName: s.hostName, access: s.access, color: s.color, archived: s.archivedAt !== null })),
  };
}

export default function Home() {
  const root = useRootData();
  return root?.user ? <Dashboard /> : <Landing />;
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

function Dashboard() {
  const { t } = useT();
  const root = useRootData()!;
  const { notice, spaces } = useLoaderData<typeof loader>();
  const current = root.currentTenant;
  return (
    <section className="stack">
      <h1>{t("home.welcome", { name: root.user!.name })}</h1>
      {notice === "joined" && current ? <Notice>{t("invitation.accepted", { tenant: current.name })}</Notice> : null}
      {current ? (
        <p className="current-tenant">
          {t("home.currentTenant", { tenant: current.name })} — <Link to={`/t/${current.slug}`}>{t("home.open")}</Link>
        </p>
      ) : (
        <p>{t("home.noTenants")}</p>
      )}
      <h2>{t("home.yourSpaces")}</h2>
      {spaces.length ? (
        <ul className="grid">
          {spaces.map((s) => (
            <li key={s.id} className={`card space-card color-${s.color}`}>
              <Link to={`/s/${s.id}`}>{s.title}</Link>
              <p className="muted">
                {t("space.hostedBy", { host: s.hostName })} · {t("space.yourAccess", { access: t(`access.${s.access}`) })}
                {s.archived ? ` · ${t("space.archived")}` : ""}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("home.noSpaces")}</p>
      )}
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
