import type { SerializeFrom } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { spaceAudit } from "@twinning/db";
import { AuditList } from "~/components/AuditList";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

/** The space's audit log, for the host's admins. Read-only: nothing in the app edits audit events. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.viewAudit");
    return { space: { id: space.id, title: space.title }, events: await spaceAudit(tx, space.id) };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle({ matches }, "audit.spaceTitle", { space: data?.space.title ?? "" });

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function SpaceAudit() {
  const { space, events } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="stack">
      <h1>{t("audit.spaceTitle", { space: space.title })}</h1>
      <AuditList events={events} />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
