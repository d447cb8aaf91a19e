import { recordAudit } from "./audit";
import type { Queryable, Sql } from "./client";
import { instantKey, toPage, type Page, type PageRequest } from "./keyset";
import { asSystem, type DocumentRef } from "./documents";

/**
 * Versions of a document (migration 00009): named by an editor, or kept automatically by the
 * collaboration server after a quiet period. Every command takes the document its caller authorised
 * and scopes the version id in its own SQL, so a version of another document is simply not found.
 */

export type VersionKind = "named" | "auto";

/** A version as lists show it (without its state and content). */
export interface VersionListing {
  id: string;
  documentId: string;
  name: string | null;
  kind: VersionKind;
  contentHash: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
}

/** A version with what it stores. */
export interface VersionRow extends VersionListing {
  state: Uint8Array;
  content: { type: "doc"; content?: unknown[] };
}

/** What a new version stores: the Yjs state, the ProseMirror JSON and its hash. */
export interface VersionContent {
  state: Uint8Array;
  content: { type: "doc"; content?: unknown[] };
  contentHash: string;
}

const listing = (sql: Queryable) => sql`
  v.id, v.document_id, v.name, v.kind, v.content_hash, v.created_by, u.name as created_by_name, v.created_at`;

/** A document's versions, newest first. */
export async function listVersions(sql: Queryable, doc: DocumentRef, limit = 200): Promise<VersionListing[]> {
  return sql<VersionListing[]>`
    select ${listing(sql)} from document_versions v left join users u on u.id = v.created_by
    where v.document_id = ${doc.id} and v.space_id = ${doc.spaceId}
    order by v.created_at desc, v.id limit ${limit}`;
}

/** A page of a document's versions for the API: newest first, then by id (keyset on `created_at, id`, the index's order). */
export async function versionsPage(sql: Queryable, doc: DocumentRef, page: PageRequest): Promise<Page<VersionListing>> {
  const rows = await sql<(VersionListing & { sortKey: string[] })[]>`
    select ${listing(sql)}, array[${instantKey(sql, sql`v.created_at`)}, v.id::text] as sort_key
    from document_versions v left join users u on u.id = v.created_by
    where v.document_id = ${doc.id} and v.space_id = ${doc.spaceId}
      ${page.after ? sql`and (v.created_at, v.id) < (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)` : sql``}
    order by v.created_at desc, v.id desc limit ${page.limit + 1}`;
  return toPage(rows, page.limit);
}

/** One version, found only among the versions of the document it is asked for in. */
export async function findVersion(sql: Queryable, doc: DocumentRef, versionId: string): Promise<VersionRow | undefined> {
  const [row] = await sql<VersionRow[]>`
    select ${listing(sql)}, v.state, v.content from document_versions v left join users u on u.id = v.created_by
    where v.id = ${versionId} and v.document_id = ${doc.id} and v.space_id = ${doc.spaceId}`;
  return row;
}

/** An editor names the document's current content ("Udkast sendt til Wuxi"). */
export async function saveNamedVersion(tx: Queryable, input: { doc: DocumentRef; name: string; actorId: string; content: VersionContent }): Promise<VersionListing> {
  const [row] = await tx<{ id: string }[]>`
    insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
    values (${input.doc.id}, ${input.doc.spaceId}, ${input.name}, 'named', ${Buffer.from(input.content.state)}, ${tx.json(input.content.content as never)},
            ${input.content.contentHash}, ${input.actorId})
    returning id`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.doc.spaceId, action: "document.versionSaved", details: { name: input.name } });
  const [saved] = await tx<VersionListing[]>`select ${listing(tx)} from document_versions v left join users u on u.id = v.created_by where v.id = ${row.id}`;
  return saved;
}

/**
 * The collaboration server keeps a version after a quiet period, unless the content is the same as
 * the latest version's (same hash). Under a per-document advisory lock, so two instances going quiet
 * together keep one. Returns whether one was kept.
 */
export async function saveAutoVersion(sql: Sql, input: { documentId: string; editorId: string | null; content: VersionContent }): Promise<boolean> {
  return asSystem(sql, async (tx) => {
    const [doc] = await tx<{ spaceId: string }[]>`select space_id from documents where id = ${input.documentId}`;
    if (!doc) return false;
    await tx`select pg_advisory_xact_lock(hashtextextended(${`versions:${input.documentId}`}, 0))`;
    const [latest] = await tx<{ contentHash: string }[]>`
      select content_hash from document_versions where document_id = ${input.documentId} order by created_at desc, id limit 1`;
    if (latest?.contentHash === input.content.contentHash) return false;
    await tx`
      insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
      values (${input.documentId}, ${doc.spaceId}, null, 'auto', ${Buffer.from(input.content.state)}, ${tx.json(input.content.content as never)},
              ${input.content.contentHash}, ${input.editorId})`;
    return true;
  });
}

/** Records that a version was restored (the change itself went through the collaboration server). */
export async function recordVersionRestored(tx: Queryable, input: { doc: DocumentRef; version: VersionListing; actorId: string }): Promise<void> {
  await recordAudit(tx, {
    actorId: input.actorId,
    spaceId: input.doc.spaceId,
    action: "document.versionRestored",
    details: { name: input.version.name ?? "", at: input.version.createdAt.toISOString() },
  });
}
