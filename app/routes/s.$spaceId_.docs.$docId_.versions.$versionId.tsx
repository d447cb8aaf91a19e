import type { SerializeFrom } from "@remix-run/node";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { findVersion } from "@twinning/db";
import { can, isUuid } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { VersionError, VersionTime } from "~/components/document/HistoryPanel";
import { ExportLinks } from "~/components/document/useExport";
import { StaticContent } from "~/components/editor/StaticContent";
import { authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { publicVersion, versionHtml } from "~/lib/versions.server";
import type { action as historyAction } from "./s.$spaceId_.docs.$docId_.history";

/** One version, read-only, rendered from its stored JSON with the shared schema; restore it from here. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.viewHistory");
    const version = isUuid(params.versionId) ? await findVersion(tx, doc, params.versionId) : undefined;
    if (!version) notFound();
    return {
      space: { id: space.id, title: space.title },
      doc: { id: doc.id, title: doc.title, language: doc.language },
      version: publicVersion(version),
      html: await versionHtml(version.content),
      canRestore: can(actor, "document.restoreVersion", resource),
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.version.name ?? data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function VersionPage() {
  const { space, doc, version, html, canRestore } = useLoaderData<typeof loader>();
  const { t } = useT();
  const restore = useFetcher<typeof historyAction>();
  const result = restore.data as { notice?: string; error?: string } | undefined;
  const base = `/s/${space.id}/docs/${doc.id}`;
  const name = version.name ?? t("versions.auto");
  return (
    <article className="stack version-page">
      <p>
        <Link to={`${base}/history`}>{t("versions.allVersions")}</Link>
      </p>
      <header>
        <h1>{t("versions.versionTitle", { name, title: doc.title })}</h1>
        <p className="muted">
          {version.createdByName ? `${version.createdByName}, ` : ""}
          <VersionTime value={version.createdAt} />
        </p>
      </header>
      <p className="notice">{t("versions.readOnly")}</p>
      <p className="version-actions">
        <Link to={`${base}/compare?from=${version.id}&to=now`}>{t("versions.compareWithNow")}</Link>
      </p>
      <ExportLinks path={base} version={version.id} />
      {canRestore ? (
        <details className="card restore-confirm">
          <summary>{t("versions.restore")}</summary>
          <h2>{t("versions.restoreTitle", { name })}</h2>
          <p>{t("versions.restoreExplain")}</p>
          <restore.Form method="post" action={`${base}/history`}>
            <input type="hidden" name="intent" value="restoreVersion" />
            <input type="hidden" name="versionId" value={version.id} />
            <button type="submit" disabled={restore.state !== "idle"}>
              {t("versions.restoreConfirm")}
            </button>
          </restore.Form>
          <VersionError id="restore-error" error={restore.state === "idle" ? result?.error : null} />
        </details>
      ) : null}
      <p role="status" className="version-status">
        {restore.state === "idle" && result?.notice === "restored" ? (
          <>
            {t("versions.restored")} <Link to={base}>{t("versions.backToDocument")}</Link>
          </>
        ) : null}
      </p>
      <StaticContent html={html} language={doc.language} />
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
