import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { tenantAudit } from "@twinning/db";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeTenant, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

/** The tenant's audit log, for its admins. Read-only: nothing in the app edits audit events. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { tenant } = await authorizeTenant(tx, user, params.slug, "tenant.viewAudit");
    return { tenant: { slug: tenant.slug, name: tenant.name }, events: await tenantAudit(tx, tenant.id) };
  });
}

export default function TenantAudit() {
  const { tenant, events } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="stack">
      <p>
        <Link to={`/t/${tenant.slug}`}>← {tenant.name}</Link>
      </p>
      <h1>{t("audit.tenantTitle", { tenant: tenant.name })}</h1>
      <AuditList events={events} showSpace />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
