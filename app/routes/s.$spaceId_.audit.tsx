import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { spaceAudit } from "@twinning/db";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

/** The space's audit log, for the host's admins. Read-only: nothing in the app edits audit events. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.viewAudit");
    return { space: { id: space.id, title: space.title }, events: await spaceAudit(tx, space.id) };
  });
}

export default function SpaceAudit() {
  const { space, events } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="stack">
      <p>
        <Link to={`/s/${space.id}`}>← {space.title}</Link>
      </p>
      <h1>{t("audit.spaceTitle", { space: space.title })}</h1>
      <AuditList events={events} />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
