import { generateHTML } from "@tiptap/html";
import * as Y from "yjs";
import type { Queryable } from "@twinning/db";
import { schemaExtensions, yDocToNode } from "@twinning/editor";

/**
 * The document's last committed content as HTML, rendered with the shared schema: what the page shows
 * before (or without) the live editor, so it is never blank.
 */
export async function renderDocumentHtml(sql: Queryable, documentId: string): Promise<string> {
  const [snapshot] = await sql<{ state: Uint8Array; lastSeq: string }[]>`select state, last_seq from document_snapshots where document_id = ${documentId}`;
  const updates = await sql<{ update: Uint8Array }[]>`
    select update from document_updates where document_id = ${documentId} and seq > ${snapshot?.lastSeq ?? 0} order by seq`;
  const ydoc = new Y.Doc();
  try {
    if (snapshot) Y.applyUpdate(ydoc, snapshot.state);
    for (const row of updates) Y.applyUpdate(ydoc, row.update);
    return generateHTML(yDocToNode(ydoc).toJSON(), schemaExtensions());
  } finally {
    ydoc.destroy();
  }
}
