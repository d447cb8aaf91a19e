import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listBoards, listDocuments, participantsOf, partnersOf, recentCardEvents, spaceAudit } from "@twinning/db";
import { can, documentFilterSchema } from "@twinning/domain";
import { DocumentList } from "~/components/DocumentList";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { SpaceIconGlyph } from "~/components/SpaceLook";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor, access } = await authorizeSpace(tx, user, params.spaceId, "space.view");
    const manage = can(actor, "space.manage", { type: "space", space: facts });
    const filter = documentFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const [partners, participants, activity, host, documents, boards, cardActivity] = await Promise.all([
      partnersOf(tx, space.id),
      participantsOf(tx, space.id),
      manage ? spaceAudit(tx, space.id, 10) : [],
      tx<{ name: string; kind: string; country: string; slug: string }[]>`select name, kind, country, slug from tenants where id = ${space.hostTenantId}`,
      listDocuments(tx, space.id, { ...filter, archived: filter.archived === "1" }),
      listBoards(tx, space.id),
      recentCardEvents(tx, space.id),
    ]);
    // Partner tenants this user administers: they choose their members or leave from here.
    const adminOf = new Set(actor.memberships.filter((m) => m.role === "owner" || m.role === "admin").map((m) => m.tenantId));
    return {
      space: { id: space.id, title: space.title, purpose: space.purpose, color: space.color, icon: space.icon, private: space.private, archived: space.archivedAt !== null },
      host: host[0],
      access,
      manage,
      partners: partners
        .filter((p) => p.status === "active" || (manage && p.status === "invited"))
        .map((p) => ({ ...p, mine: adminOf.has(p.tenantId) && p.status === "active" })),
      participants,
      activity,
      documents,
      boards: boards.map((b) => ({ id: b.id, title: b.title, cards: b.cards })),
      cardActivity,
      filter,
      canCreate: can(actor, "space.edit", { type: "space", space: facts }),
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.space.title} — Twinning` : "Twinning" }];

export default function SpaceOverview() {
  const { space, host, access, manage, partners, participants, activity, documents, boards, cardActivity, filter, canCreate } = useLoaderData<typeof loader>();
  const { t, date } = useT();
  const byTenant = new Map<string, typeof participants>();
  for (const p of participants) byTenant.set(p.tenantName, [...(byTenant.get(p.tenantName) ?? []), p]);
  return (
    <section className="stack">
      <header className={`space-header color-${space.color}`}>
        <SpaceIconGlyph icon={space.icon} />
        <div>
          <h1>{space.title}</h1>
          <p className="muted">
            {t("space.hostedBy", { host: host.name })} · {t("space.yourAccess", { access: t(`access.${access}`) })}
            {space.private ? ` · ${t("space.privateBadge")}` : ""}
          </p>
        </div>
      </header>
      {space.archived ? (
        <p role="status" className="notice">
          {t("space.archivedNotice")}
        </p>
      ) : null}
      {space.purpose ? <p>{space.purpose}</p> : null}
      {manage ? (
        <p className="inline-form">
          <Link to={`/s/${space.id}/settings`}>{t("space.settings")}</Link>
          <Link to={`/s/${space.id}/audit`}>{t("audit.spaceLink")}</Link>
        </p>
      ) : null}

      <h2 id="partners-heading">{t("space.partners")}</h2>
      <div className="table-wrap">
        <table aria-labelledby="partners-heading">
          <thead>
            <tr>
              <th scope="col">{t("space.partnerName")}</th>
              <th scope="col">{t("tenant.kind")}</th>
              <th scope="col">{t("tenant.country")}</th>
              <th scope="col">{t("space.role")}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{host.name}</td>
              <td>{t(`kinds.${host.kind}`)}</td>
              <td>{t(`countries.${host.country}`, { defaultValue: host.country })}</td>
              <td>{t("space.hostRole")}</td>
            </tr>
            {partners.map((p) => (
              <tr key={p.tenantId}>
                <td>
                  {p.name}
                  {p.mine ? (
                    <>
                      {" "}
                      <Link to={`/s/${space.id}/partners/${p.tenantId}`}>{t("space.managePartnership")}</Link>
                    </>
                  ) : null}
                </td>
                <td>{t(`kinds.${p.kind}`)}</td>
                <td>{t(`countries.${p.country}`, { defaultValue: p.country })}</td>
                <td>
                  {t(`spaceRoles.${p.role}`)}
                  {p.status === "invited" ? ` (${t("space.statusInvited")})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t("space.people")}</h2>
      <ul className="people">
        {[...byTenant.entries()].map(([tenantName, people]) => (
          <li key={tenantName}>
            <strong>{tenantName}</strong>: {people.map((p) => p.name).join(", ")}
          </li>
        ))}
      </ul>

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

      <h2>{t("space.recentActivity")}</h2>
      {cardActivity.length ? (
        <ul className="history">
          {cardActivity.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.at).toISOString()}>{date(e.at)}</time> — {e.actorName ?? "—"}:{" "}
              {String(t(`board.events.${e.action}`, { ...e.details, defaultValue: e.action }))} —{" "}
              <Link to={`/s/${space.id}/boards/${e.boardId}/cards/${e.cardId}`}>{e.cardTitle}</Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("audit.empty")}</p>
      )}
      {manage ? (
        <>
          <h2>{t("space.spaceEvents")}</h2>
          <AuditList events={activity} />
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
