import { recordAudit } from "./audit";
import type { Queryable } from "./client";
import type { DocumentRef, DocumentRow } from "./documents";
import type { VersionListing } from "./versions";

/**
 * What exporting a document reads and records. The version id is looked up among the versions of
 * the document the caller authorised, and card ids among the cards of that document's space, in SQL.
 */

/**
 * Large states are read in slices of 1 MiB, each its own row of one statement: postgres.js decodes a
 * row at once on the event loop, and a 10 MB bytea in one row held it for over 100 ms. The export
 * worker joins the slices.
 */
const SLICE = 1 << 20;

/** A version's listing and its Yjs state in slices (not its JSON: the export worker reads the state itself). */
export async function findVersionState(sql: Queryable, doc: DocumentRef, versionId: string): Promise<(VersionListing & { state: Uint8Array[] }) | undefined> {
  const [row] = await sql<VersionListing[]>`
    select v.id, v.document_id, v.name, v.kind, v.content_hash, v.created_by, u.name as created_by_name, v.created_at
    from document_versions v left join users u on u.id = v.created_by
    where v.id = ${versionId} and v.document_id = ${doc.id} and v.space_id = ${doc.spaceId}`;
  if (!row) return undefined;
  const slices = await sql<{ data: Uint8Array }[]>`
    select substring(v.state from i * ${SLICE} + 1 for ${SLICE}) as data
    from document_versions v, generate_series(0, greatest(octet_length(v.state) - 1, 0) / ${SLICE}) i
    where v.id = ${versionId} and v.document_id = ${doc.id} and v.space_id = ${doc.spaceId}
    order by i`;
  return { ...row, state: slices.map((s) => s.data) };
}

/**
 * The document's stored updates (snapshot, then the log), each in slices, in one statement so that a
 * compaction committing meanwhile cannot hide rows (as `documentUpdates`). Read as the user.
 */
export async function documentUpdateSlices(sql: Queryable, documentId: string): Promise<Uint8Array[][]> {
  const rows = await sql<{ part: number; seq: string; data: Uint8Array }[]>`
    select part, seq::text, substring(data from i * ${SLICE} + 1 for ${SLICE}) as data from (
      select 0 as part, last_seq as seq, state as data from document_snapshots where document_id = ${documentId}
      union all
      select 1, seq, update from document_updates where document_id = ${documentId}
    ) x, generate_series(0, greatest(octet_length(x.data) - 1, 0) / ${SLICE}) i
    order by part, x.seq, i`;
  const updates: Uint8Array[][] = [];
  let key = "";
  for (const row of rows) {
    const k = `${row.part}:${row.seq}`;
    if (k !== key) updates.push([]);
    key = k;
    updates.at(-1)!.push(row.data);
  }
  return updates;
}

/** Title and column of the live cards among `ids` that are on a board of the document's space. */
export async function exportCards(sql: Queryable, doc: DocumentRef, ids: string[]): Promise<Record<string, { title: string; column: string }>> {
  if (!ids.length) return {};
  const rows = await sql<{ id: string; title: string; column: string }[]>`
    select c.id, c.title, k.title as column
    from cards c join board_columns k on k.id = c.column_id join boards b on b.id = c.board_id
    where c.id = any(${ids}::uuid[]) and b.space_id = ${doc.spaceId} and c.deleted_at is null`;
  return Object.fromEntries(rows.map((r) => [r.id, { title: r.title, column: r.column }]));
}

/** Records that someone exported the document (format, and which version or the current text). */
export async function recordExport(tx: Queryable, input: { doc: DocumentRef; actorId: string; format: string; title: string; version: string }): Promise<void> {
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.doc.spaceId, action: "document.exported", details: { format: input.format, title: input.title, version: input.version } });
}

/**
 * The document linked to `doc` as its source or as one of its translations (a bilingual export),
 * found through the link in the authorised document's space; undefined for any other id, an
 * archived one included. `role` is what the found document is to `doc`.
 */
export async function linkedDocument(sql: Queryable, doc: DocumentRef, otherId: string): Promise<(DocumentRow & { role: "source" | "translation" }) | undefined> {
  const [row] = await sql<(DocumentRow & { role: "source" | "translation" })[]>`
    select d.*, case when t.document_id = ${doc.id} then 'source' else 'translation' end as role
    from document_translations t
    join documents d on d.id = ${otherId} and d.space_id = t.space_id and d.archived_at is null
    where t.space_id = ${doc.spaceId}
      and ((t.document_id = ${doc.id} and t.source_id = ${otherId}) or (t.source_id = ${doc.id} and t.document_id = ${otherId}))`;
  return row;
}
