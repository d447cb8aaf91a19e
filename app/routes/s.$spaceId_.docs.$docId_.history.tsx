import type { SerializeFrom } from "@remix-run/node";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { findVersion, listVersions, recordVersionRestored, saveNamedVersion } from "@twinning/db";
import { can } from "@twinning/domain";
import { keepComments, yDocToNode } from "@twinning/editor";
import { replaceContent } from "@twinning/editor/versions";
import { ErrorPage } from "~/components/ErrorPage";
import { Notice } from "~/components/Field";
import { HistoryPanel, VersionError } from "~/components/document/HistoryPanel";
import { authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { liveVersionContent, publicVersion, versionNode, versionWriteRefusal } from "~/lib/versions.server";

/**
 * A document's versions: the list (this page, and the data of the document page's history panel),
 * saving a named version, and restoring one as a new change of the live document.
 */

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.viewHistory");
    const versions = await listVersions(tx, doc);
    return {
      space: { id: space.id, title: space.title },
      doc: { id: doc.id, title: doc.title },
      versions: versions.map(publicVersion),
      canSave: can(actor, "document.saveVersion", resource),
      canRestore: can(actor, "document.restoreVersion", resource),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.viewHistory");
    const input = readAction("routes/s.$spaceId_.docs.$docId_.history", formData);
    const name = String(formData.get("name") ?? "");
    if (!input.ok) return data({ intent: input.intent, error: input.error, name }, { status: 400 });
    switch (input.intent) {
      case "saveVersion": {
        const refusal = versionWriteRefusal(actor, "document.saveVersion", resource);
        if (refusal) return data({ intent: input.intent, error: "versions.saveLocked", name }, { status: 409 });
        const content = await liveVersionContent(tx, doc.id);
        const version = await saveNamedVersion(tx, { doc, name: input.data.name, actorId: user.id, content });
        context.log.info({ documentId: doc.id, versionId: version.id }, "version saved");
        return { intent: input.intent, notice: "saved" as const, version: publicVersion(version) };
      }
      case "restoreVersion": {
        const version = await findVersion(tx, doc, input.data.versionId);
        if (!version) notFound();
        const refusal = versionWriteRefusal(actor, "document.restoreVersion", resource);
        if (refusal) return data({ intent: input.intent, error: refusal, name }, { status: 409 });
        const target = versionNode(version);
        // Comment threads on the live text stay where their text is in the restored one.
        const outcome = await context.applyServerChange(doc.id, user.id, (ydoc) => replaceContent(ydoc, keepComments(yDocToNode(ydoc), target)));
        // Signed or archived meanwhile (the server checks again, under a lock): nothing was changed.
        if (outcome === "missing") notFound();
        if (outcome !== "applied") return data({ intent: input.intent, error: outcome === "signed" ? "versions.restoreSigned" : "versions.restoreArchived", name }, { status: 409 });
        await recordVersionRestored(tx, { doc, version, actorId: user.id });
        context.log.info({ documentId: doc.id, versionId: version.id }, "version restored");
        return { intent: input.intent, notice: "restored" as const, version: publicVersion(version) };
      }
    }
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function DocumentHistory() {
  const history = useLoaderData<typeof loader>();
  const { space, doc } = history;
  const actionData = useActionData<typeof action>() as { notice?: string; error?: string } | undefined;
  const { t } = useT();
  return (
    <article className="stack history-page">
      <h1>{t("versions.historyOf", { title: doc.title })}</h1>
      {/* Without JavaScript a restore posts here: its outcome is shown on this page. */}
      {actionData?.notice === "restored" ? <Notice>{t("versions.restored")}</Notice> : null}
      <VersionError id="history-error" error={actionData?.error} />
      <HistoryPanel spaceId={space.id} documentId={doc.id} initial={history} standalone />
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
