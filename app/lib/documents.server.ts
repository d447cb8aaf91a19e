import type { Logger } from "pino";
import * as Y from "yjs";
import { documentUpdates, type Queryable } from "@twinning/db";
import { renderHtml } from "@twinning/editor/html";
import { convertYDoc, schemaExtensions } from "@twinning/editor";

/** A document's content as the page shows it before (or without) the live editor. */
export interface RenderedDocument {
  html: string;
  /**
   * False when the content could not be converted whole (beyond the nesting or node limits, or a
   * conversion error): the page then shows this read-only, with a notice, and opens no editor.
   */
  intact: boolean;
}

/**
 * The document's last committed content as HTML, rendered with the shared schema, so the page is
 * never blank. Never throws for what the content holds: a document that cannot be converted whole is
 * logged with its id and shown as far as it converts, else as its last derived plain text.
 */
export async function renderDocument(sql: Queryable, doc: { id: string; plainText: string }, log: Pick<Logger, "warn" | "error">): Promise<RenderedDocument> {
  const updates = await documentUpdates(sql, doc.id);
  const ydoc = new Y.Doc();
  try {
    if (updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(updates));
    const { node, truncated } = convertYDoc(ydoc);
    if (truncated) log.warn({ documentId: doc.id }, "document: content beyond the nesting or node limits left out of the page");
    return { html: await renderHtml(node.toJSON(), schemaExtensions()), intact: !truncated };
  } catch (error) {
    log.error({ documentId: doc.id, err: error }, "document: could not convert the content; showing its last derived text");
    return { html: plainTextHtml(doc.plainText), intact: false };
  } finally {
    ydoc.destroy();
  }
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
