import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cardsDueInSpace, findTenantById, listBoards, listDocuments, participantsOf, partnersOf, recentCardEvents, spaceAudit } from "@twinning/db";
import { can, documentFilterSchema } from "@twinning/domain";
import { DocumentList } from "~/components/DocumentList";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { ChangeFeed } from "~/components/dashboard/ChangeFeed";
import { DueCardList } from "~/components/dashboard/DueCardList";
import { headerSpace, SpaceHeader } from "~/components/dashboard/SpaceHeader";
import { authorizeSpace, notFound, requireUser } from "~/lib/access.server";
import { todayIso } from "~/lib/home.server";
import { useT } from "~/lib/i18n";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";

/**
 * A space's overview, as a dashboard of the space: what changed (card history for everyone taking
 * part, the audit log for the host's admins), what is due (overdue first), its documents (with the
 * filters), its boards and a short summary of who takes part. Partners and people have their own tab,
 * `s.$spaceId_.people.tsx`.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor, access } = await authorizeSpace(tx, user, params.spaceId, "space.view");
    const manage = can(actor, "space.manage", { type: "space", space: facts });
    const filter = documentFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const [partners, participants, activity, host, documents, boards, cardActivity, due] = await Promise.all([
      partnersOf(tx, space.id),
      participantsOf(tx, space.id),
      can(actor, "space.viewAudit", { type: "space", space: facts }) ? spaceAudit(tx, space.id, 10) : [],
      findTenantById(tx, space.hostTenantId),
      listDocuments(tx, space.id, { ...filter, archived: filter.archived === "1" }),
      listBoards(tx, space.id),
      recentCardEvents(tx, space.id),
      cardsDueInSpace(tx, { spaceId: space.id, today: todayIso(), limit: 8 }),
    ]);
    if (!host) notFound();
    const active = partners.filter((p) => p.status === "active");
    return {
      space: headerSpace(space),
      hostName: host.name,
      access,
      manage,
      // Who takes part, in short: the host and the active partners, and how many people.
      takingPart: {
        tenants: [{ id: host.id, name: host.name, host: true }, ...active.map((p) => ({ id: p.tenantId, name: p.name, host: false }))],
        people: new Set(participants.map((p) => p.userId)).size,
        invited: manage ? partners.filter((p) => p.status === "invited").length : 0,
      },
      activity,
      documents,
      boards: boards.map((b) => ({ id: b.id, title: b.title, cards: b.cards })),
      cardActivity: cardActivity.map((e) => ({
        id: e.id,
        kind: "card" as const,
        at: new Date(e.at).toISOString(),
        actorName: e.actorName,
        action: e.action,
        details: e.details,
        tenantName: null,
        subject: e.cardTitle,
        href: `/s/${space.id}/boards/${e.boardId}/cards/${e.cardId}`,
      })),
      due,
      filter,
      canCreate: can(actor, "space.edit", { type: "space", space: facts }),
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.space.title} — Twinning` : "Twinning" }];

export const links = () => [{ rel: "stylesheet", href: dashboardStyles }];

export default function SpaceOverview() {
  const { space, hostName, access, manage, takingPart, activity, documents, boards, cardActivity, due, filter, canCreate } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="stack space-page">
      <SpaceHeader space={space} hostName={hostName} access={access} manage={manage} current="overview" />

      <div className="dashboard-grid">
        <section aria-labelledby="due-heading" className="dashboard-section">
          <h2 id="due-heading">{t("spaceDashboard.dueSoon")}</h2>
          {due.cards.length ? (
            <>
              <p className="muted">{t("spaceDashboard.dueCounts", { total: due.total, overdue: due.overdue })}</p>
              <DueCardList cards={due.cards} showAssignees />
            </>
          ) : (
            <p className="muted">{t("spaceDashboard.noDue")}</p>
          )}
        </section>

        <section aria-labelledby="activity-heading" className="dashboard-section">
          <h2 id="activity-heading">{t("space.recentActivity")}</h2>
          <ChangeFeed items={cardActivity} empty={t("audit.empty")} />
        </section>

        <section aria-labelledby="taking-part-heading" className="dashboard-section">
          <h2 id="taking-part-heading">{t("spaceDashboard.takingPart")}</h2>
          <p>{t("spaceDashboard.takingPartSummary", { tenants: takingPart.tenants.length, people: takingPart.people })}</p>
          <ul className="tenant-chips">
            {takingPart.tenants.map((tenant) => (
              <li key={tenant.id}>
                {tenant.name}
                {tenant.host ? <span className="muted"> ({t("spaceDashboard.hostTag")})</span> : null}
              </li>
            ))}
          </ul>
          {takingPart.invited ? <p className="muted">{t("spaceDashboard.invitedCount", { count: takingPart.invited })}</p> : null}
          <p>
            <Link to={`/s/${space.id}/people`}>{t("spaceDashboard.seePeople")}</Link>
          </p>
        </section>
      </div>

      <h2 id="documents-heading">{t("space.documents")}</h2>
      {canCreate ? (
        <p>
          <Link className="button" to={`/s/${space.id}/docs/new`}>
            {t("document.new")}
          </Link>
        </p>
      ) : null}
      <DocumentList spaceId={space.id} documents={documents} filter={filter} />

      <h2>{t("space.boards")}</h2>
      {boards.length ? (
        <ul className="grid">
          {boards.map((b) => (
            <li key={b.id} className="card">
              <Link to={`/s/${space.id}/boards/${b.id}`}>{b.title}</Link>
              <p className="muted">{t("board.cardCount", { count: b.cards })}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("space.noBoards")}</p>
      )}
      {canCreate ? (
        <p>
          <Link className="button" to={`/s/${space.id}/boards/new`}>
            {t("board.new")}
          </Link>
        </p>
      ) : null}

      {manage ? (
        <>
          <h2>{t("space.spaceEvents")}</h2>
          <AuditList events={activity} />
          <p>
            <Link to={`/s/${space.id}/audit`}>{t("spaceDashboard.allAudit")}</Link>
          </p>
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
