import type { Logger } from "pino";
import * as Y from "yjs";
import { documentUpdates, type Queryable } from "@twinning/db";
import { renderHtml } from "@twinning/editor/html";
import { LIMITS } from "@twinning/domain";
import { convertYDoc, schemaExtensions } from "@twinning/editor";
import type { JSONContent } from "@tiptap/core";
import type { Node as ProseMirrorNode } from "@tiptap/pm/model";

/** A document's content as the page shows it before (or without) the live editor. */
export interface RenderedDocument {
  html: string;
  /**
   * False when the content could not be converted whole (beyond the nesting or node limits, or a
   * conversion error): the page then shows this read-only, with a notice, and opens no editor.
   */
  intact: boolean;
  /** Set when only the first blocks were rendered (`preview`): how many of how many top-level blocks. */
  partial: { shown: number; total: number } | null;
}

/**
 * The document's last committed content as HTML, rendered with the shared schema, so the page is
 * never blank. Never throws for what the content holds: a document that cannot be converted whole is
 * logged with its id and shown as far as it converts, else as its last derived plain text. With
 * `preview`, only the first top-level blocks within `LIMITS.documentPreviewBlocks` and
 * `documentPreviewChars` (at least one): what the page shows until the editor has the whole text.
 */
export async function renderDocument(
  sql: Queryable,
  doc: { id: string; plainText: string },
  log: Pick<Logger, "warn" | "error">,
  options: { preview?: boolean } = {},
): Promise<RenderedDocument> {
  const updates = await documentUpdates(sql, doc.id);
  const ydoc = new Y.Doc();
  try {
    if (updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(updates));
    const { node, truncated } = convertYDoc(ydoc);
    if (truncated) log.warn({ documentId: doc.id }, "document: content beyond the nesting or node limits left out of the page");
    const json = node.toJSON() as JSONContent;
    const total = node.childCount;
    const shown = options.preview ? previewBlocks(node) : total;
    if (shown < total) json.content = json.content?.slice(0, shown);
    return { html: await renderHtml(json, schemaExtensions()), intact: !truncated, partial: shown < total ? { shown, total } : null };
  } catch (error) {
    log.error({ documentId: doc.id, err: error }, "document: could not convert the content; showing its last derived text");
    return { html: plainTextHtml(doc.plainText), intact: false, partial: null };
  } finally {
    ydoc.destroy();
  }
}

/** How many of the first top-level blocks fit the preview's limits (at least one). */
function previewBlocks(node: ProseMirrorNode): number {
  let chars = 0;
  let count = 0;
  for (; count < node.childCount && count < LIMITS.documentPreviewBlocks; count++) {
    chars += node.child(count).textContent.length;
    if (chars > LIMITS.documentPreviewChars && count > 0) break;
  }
  return count;
}

/** Plain text (blocks separated by newlines) as escaped paragraphs. */
function plainTextHtml(text: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => `<p>${escape(line)}</p>`)
    .join("");
}
