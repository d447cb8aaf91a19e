import type { SerializeFrom } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { tenantAudit } from "@twinning/db";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeTenant, requireUser } from "~/lib/access.server";
import { tenantCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

/** The tenant's audit log, for its admins. Read-only: nothing in the app edits audit events. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { tenant } = await authorizeTenant(tx, user, params.slug, "tenant.viewAudit");
    return { tenant: { slug: tenant.slug, name: tenant.name }, events: await tenantAudit(tx, tenant.id) };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle({ matches }, "audit.tenantTitle", { tenant: data?.tenant.name ?? "" });

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ tenant }) => tenantCrumbs(tenant) };

export default function TenantAudit() {
  const { tenant, events } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="stack">
      <h1>{t("audit.tenantTitle", { tenant: tenant.name })}</h1>
      <AuditList events={events} showSpace />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
