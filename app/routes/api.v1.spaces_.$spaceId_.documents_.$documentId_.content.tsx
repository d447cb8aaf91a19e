import { Node } from "@tiptap/pm/model";
import { findVersion } from "@twinning/db";
import { exportCards } from "@twinning/db/exports";
import { isUuid } from "@twinning/domain";
import { UTC_CLOCK } from "@twinning/i18n";
import { deriveFromNode, editorSchema, type DocJSON } from "@twinning/editor";
import { toMarkdown } from "@twinning/export/markdown";
import { cardIdsOf, cleanDocument, type PMNode } from "@twinning/export/model";
import { authorize } from "~/lib/access.server";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute } from "~/lib/api.server";
import { exportMeta } from "~/lib/export.server";
import { liveVersionContent } from "~/lib/versions.server";

/**
 * `GET /api/v1/spaces/{spaceId}/documents/{documentId}/content?format=prosemirror|markdown|text[&version=…]`:
 * the current text (as last committed) or a saved version, as ProseMirror JSON of the shared schema,
 * as the Markdown export writes it, or as the plain text search indexes.
 */
export const loader = apiRoute(OPERATIONS.getDocumentContent, async ({ tx, document, query, user }) => {
  const { doc, space, actor, resource } = await document("document.view");
  let content: DocJSON;
  if (query.version !== undefined) {
    authorize(actor, "document.viewHistory", resource);
    const version = isUuid(query.version) ? await findVersion(tx, doc, query.version) : undefined;
    if (!version) throw new ApiProblem(404, "notFound");
    content = version.content as DocJSON;
  } else {
    content = (await liveVersionContent(tx, doc.id)).content;
  }
  const base = { documentId: doc.id, versionId: query.version ?? null, format: query.format };
  if (query.format === "prosemirror") return { ...base, content };
  if (query.format === "text") return { ...base, content: deriveFromNode(Node.fromJSON(editorSchema, content)).plainText };
  const cards = await exportCards(
    tx,
    doc,
    cardIdsOf(content as PMNode).filter((id) => isUuid(id))
  );
  // Only the space under the title: the export's "exported at" would change the ETag on every request.
  const meta = exportMeta({ locale: user.locale, doc, space, version: null, signed: null, clock: UTC_CLOCK });
  return { ...base, content: toMarkdown(cleanDocument({ meta: { ...meta, facts: meta.facts.slice(0, 1) }, content: content as PMNode, cards })) };
});
