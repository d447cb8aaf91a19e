import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findTenantById, participantsOf, partnersOf } from "@twinning/db";
import { can } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { headerSpace, SpaceHeader } from "~/components/dashboard/SpaceHeader";
import { TableScroller } from "~/components/TableScroller";
import { authorizeSpace, notFound, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";
import dashboardStyles from "~/components/dashboard/dashboard.css?url";

/**
 * The space's "Partners and people" tab: the host and partners (kind, country, role; invitations for
 * the host's admins), with each partner's admins' link to choose members or leave, and everyone
 * taking part by organisation. Inviting and removing partners stays in the settings
 * (`s.$spaceId_.settings.tsx`), where the removal asks first.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor, access } = await authorizeSpace(tx, user, params.spaceId, "space.view");
    const manage = can(actor, "space.manage", { type: "space", space: facts });
    const [partners, participants, host] = await Promise.all([partnersOf(tx, space.id), participantsOf(tx, space.id), findTenantById(tx, space.hostTenantId)]);
    if (!host) notFound();
    return {
      space: headerSpace(space),
      host: { name: host.name, kind: host.kind, country: host.country },
      access,
      manage,
      partners: partners
        .filter((p) => p.status === "active" || (manage && p.status === "invited"))
        .map((p) => ({
          tenantId: p.tenantId,
          name: p.name,
          kind: p.kind,
          country: p.country,
          role: p.role,
          status: p.status,
          // Partner tenants this user administers: they choose their members or leave from their partner page.
          mine: p.status === "active" && can(actor, "partner.chooseMembers", { type: "partner", space: facts, tenantId: p.tenantId }),
        })),
      participants,
    };
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? pageTitle(args, "spaceDashboard.peopleTitle", { space: args.data.space.title }) : [{ title: "Twinning" }];

export const links = () => [{ rel: "stylesheet", href: dashboardStyles }];

export default function SpacePeople() {
  const { space, host, access, manage, partners, participants } = useLoaderData<typeof loader>();
  const { t } = useT();
  const byTenant = new Map<string, typeof participants>();
  for (const p of participants) byTenant.set(p.tenantName, [...(byTenant.get(p.tenantName) ?? []), p]);
  return (
    <section className="stack space-page">
      <SpaceHeader space={space} hostName={host.name} access={access} manage={manage} current="people" />

      <h2 id="partners-heading">{t("space.partners")}</h2>
      <TableScroller label={t("space.partners")}>
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
      </TableScroller>
      {manage ? (
        <p className="muted">
          <Link to={`/s/${space.id}/settings`}>{t("spaceDashboard.managePartners")}</Link>
        </p>
      ) : null}

      <h2 id="people-heading">{t("space.people")}</h2>
      <ul className="people">
        {[...byTenant.entries()].map(([tenantName, people]) => (
          <li key={tenantName}>
            <strong>{tenantName}</strong>: {people.map((p) => p.name).join(", ")}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
