import { createHash } from "node:crypto";
import type { DocumentStatus, DocumentType, Locale } from "@twinning/domain";
import { recordAudit } from "./audit";
import { replaceDocumentLinks } from "./boards";
import { updateThreadAnchors } from "./comments";
import { saveSearchBlocks } from "./search";
import { saveDocumentBlocks, type DerivedBlock } from "./translations";
import { announceAccess } from "./access";
import { instantKey, toPage, type Page, type PageRequest } from "./keyset";
import type { Queryable, Sql } from "./client";
import { transactionWith } from "./database";

export interface DocumentRow {
  id: string;
  spaceId: string;
  type: DocumentType;
  title: string;
  language: Locale;
  status: DocumentStatus;
  template: string | null;
  archivedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  lastEditedBy: string | null;
  lastEditedAt: Date | null;
  derivedTitle: string | null;
  plainText: string;
  outline: { level: number; text: string }[];
}

export interface DocumentListing extends Omit<DocumentRow, "plainText" | "outline"> {
  lastEditorName: string | null;
  /** The source this document is a translation of (its link in the same space), listed with it; null for any other document. Only `listDocuments` reads it. */
  translationOf?: string | null;
}

export interface DocumentFilter {
  type?: DocumentType;
  status?: DocumentStatus;
  language?: Locale;
  /** List archived documents too (marked as such), not only current ones. */
  archived?: boolean;
}

/** A document with its initial Yjs state (from a template) as its first snapshot. */
export async function createDocument(
  tx: Queryable,
  input: { spaceId: string; type: DocumentType; title: string; language: Locale; template: string; initialState: Uint8Array; actorId: string },
): Promise<DocumentRow> {
  const [doc] = await tx<DocumentRow[]>`
    insert into documents (space_id, type, title, language, template, created_by, last_edited_by, last_edited_at)
    values (${input.spaceId}, ${input.type}, ${input.title}, ${input.language}, ${input.template}, ${input.actorId}, ${input.actorId}, now())
    returning *`;
  await tx`insert into document_snapshots (space_id, document_id, state, last_seq) values (${doc.spaceId}, ${doc.id}, ${Buffer.from(input.initialState)}, 0)`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.spaceId, action: "document.created", details: { title: doc.title } });
  return doc;
}

/** A document, found only in the space it is asked for in. */
export async function findDocument(sql: Queryable, spaceId: string, id: string): Promise<DocumentRow | undefined> {
  const [doc] = await sql<DocumentRow[]>`select * from documents where id = ${id} and space_id = ${spaceId}`;
  return doc;
}

/** A space's documents, newest edit first, with who edited last and, for a translation, its source. */
export async function listDocuments(sql: Queryable, spaceId: string, filter: DocumentFilter = {}): Promise<(DocumentListing & { translationOf: string | null })[]> {
  return sql<(DocumentListing & { translationOf: string | null })[]>`
    select d.id, d.space_id, d.type, d.title, d.language, d.status, d.template, d.archived_at, d.created_by, d.created_at,
           d.last_edited_by, d.last_edited_at, d.derived_title, u.name as last_editor_name, t.source_id as translation_of
    from documents d left join users u on u.id = d.last_edited_by
      left join document_translations t on t.document_id = d.id and t.space_id = d.space_id
    where d.space_id = ${spaceId}
      ${filter.archived ? sql`` : sql`and d.archived_at is null`}
      ${filter.type ? sql`and d.type = ${filter.type}` : sql``}
      ${filter.status ? sql`and d.status = ${filter.status}` : sql``}
      ${filter.language ? sql`and d.language = ${filter.language}` : sql``}
    order by coalesce(d.last_edited_at, d.created_at) desc`;
}

/** A page of a space's current documents for the API: newest edit first, then by id (keyset on `coalesce(last_edited_at, created_at), id`). */
export async function documentsPage(sql: Queryable, spaceId: string, page: PageRequest): Promise<Page<DocumentListing>> {
  const edited = sql`coalesce(d.last_edited_at, d.created_at)`;
  const rows = await sql<(DocumentListing & { sortKey: string[] })[]>`
    select d.id, d.space_id, d.type, d.title, d.language, d.status, d.template, d.archived_at, d.created_by, d.created_at,
           d.last_edited_by, d.last_edited_at, d.derived_title, u.name as last_editor_name, array[${instantKey(sql, edited)}, d.id::text] as sort_key
    from documents d left join users u on u.id = d.last_edited_by
    where d.space_id = ${spaceId} and d.archived_at is null
      ${page.after ? sql`and (${edited}, d.id) < (${page.after[0]}::timestamptz, ${page.after[1]}::uuid)` : sql``}
    order by ${edited} desc, d.id desc limit ${page.limit + 1}`;
  return toPage(rows, page.limit);
}

/** The document a command acts on, as the caller authorised it. */
export interface DocumentRef {
  id: string;
  spaceId: string;
}

export async function renameDocument(tx: Queryable, input: { doc: DocumentRef; title: string; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`update documents set title = ${input.title} where id = ${input.doc.id} and space_id = ${input.doc.spaceId} returning *`;
  if (doc) await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.renamed", details: { title: doc.title } });
}

/**
 * The sign lock for a change of whether a document may be written (archived, a status), as signing
 * takes it: waits for the appends in flight (which key-share-lock the row), and those after it see
 * the change.
 */
async function lockAgainstAppends(tx: Queryable, doc: DocumentRef): Promise<void> {
  await tx`select id from documents where id = ${doc.id} and space_id = ${doc.spaceId} for update`;
}

export async function setDocumentArchived(tx: Queryable, input: { doc: DocumentRef; archived: boolean; actorId: string }): Promise<void> {
  await lockAgainstAppends(tx, input.doc);
  const [doc] = await tx<DocumentRow[]>`
    update documents set archived_at = ${input.archived ? new Date() : null} where id = ${input.doc.id} and space_id = ${input.doc.spaceId} returning *`;
  if (!doc) return;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: input.archived ? "document.archived" : "document.restored", details: { title: doc.title } });
  await announceDocumentAccess(tx, input.doc);
}

export async function setDocumentStatus(tx: Queryable, input: { doc: DocumentRef; status: DocumentStatus; actorId: string }): Promise<void> {
  await lockAgainstAppends(tx, input.doc);
  const [doc] = await tx<DocumentRow[]>`update documents set status = ${input.status} where id = ${input.doc.id} and space_id = ${input.doc.spaceId} returning *`;
  if (!doc) return;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.statusChanged", details: { title: doc.title, status: input.status } });
  await announceDocumentAccess(tx, input.doc);
}

/** A document's type (agreement, minutes, …), within the space it was authorised in. */
export async function setDocumentType(tx: Queryable, input: { doc: DocumentRef; type: DocumentType; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`update documents set type = ${input.type} where id = ${input.doc.id} and space_id = ${input.doc.spaceId} returning *`;
  if (doc) await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.typeChanged", details: { title: doc.title, type: input.type } });
}

/** The language a document is written in (its text's `lang`, its templates), within the space it was authorised in. */
export async function setDocumentLanguage(tx: Queryable, input: { doc: DocumentRef; language: Locale; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`update documents set language = ${input.language} where id = ${input.doc.id} and space_id = ${input.doc.spaceId} returning *`;
  if (doc) await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.languageChanged", details: { title: doc.title, language: input.language } });
}

/** Open editors are authorised afresh on commit (read-only once signed or archived). */
function announceDocumentAccess(tx: Queryable, doc: DocumentRef): Promise<void> {
  return announceAccess(tx, { spaceId: doc.spaceId, documentId: doc.id });
}

/**
 * Work the collaboration server does for no single user (derived data, last editor): one
 * transaction marked `app.system`, which the documents policies let through.
 */
export function asSystem<T>(sql: Sql, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return transactionWith(sql, "app.system", "on", fn);
}

/** What was derived from a document's content (`deriveFromYDoc` of the editor package). */
export interface DerivedContent {
  documentId: string;
  title: string | null;
  plainText: string;
  outline: { level: number; text: string }[];
  links: { cardId: string; context: string }[];
  /** Comment threads whose marks are in the text. */
  commentThreadIds: string[];
  /** The text blocks, for search (left as they are when absent). */
  blocks?: { index: number; text: string }[];
  /** The top-level blocks with ids, for translations (left as they are when absent). */
  topBlocks?: DerivedBlock[];
}

/**
 * Fingerprints of what `saveDerived` last wrote for a document's blocks (hashes, not the text), so
 * the next call writes only the blocks that changed: a keystroke changes one block, and rewriting
 * every block's search entry (with its Chinese word split) each time was most of the database's work
 * while many documents were typed in. Only the derive writes these rows, so what it wrote last is
 * what they hold. (Card links and thread anchors are written every time: comment threads and cards
 * are also created by requests, so their rows can change between two derives.)
 */
export interface DerivedWritten {
  /** Search block index → hash of its text; null when the blocks were not written. */
  blocks: Map<number, string> | null;
  topBlocks: string | null;
}

const fingerprint = (text: string) => createHash("sha1").update(text).digest("base64");

/**
 * Stores what was derived from a document's content: title, plain text, outline, card links, which
 * comment threads keep their text, the search index of its blocks and its top-level blocks. Given
 * what the previous call wrote (`previous`, its return value), writes only what changed since.
 */
export async function saveDerived(sql: Sql, input: DerivedContent, previous?: DerivedWritten): Promise<DerivedWritten> {
  const written: DerivedWritten = {
    blocks: input.blocks ? new Map(input.blocks.map((b) => [b.index, fingerprint(b.text)])) : (previous?.blocks ?? null),
    topBlocks: input.topBlocks ? fingerprint(JSON.stringify(input.topBlocks)) : (previous?.topBlocks ?? null),
  };
  await asSystem(sql, async (tx) => {
    await tx`
      update documents set derived_title = ${input.title}, plain_text = ${input.plainText}, outline = ${tx.json(input.outline)}
      where id = ${input.documentId}`;
    await replaceDocumentLinks(tx, input.documentId, input.links);
    await updateThreadAnchors(tx, { documentId: input.documentId, present: input.commentThreadIds });
    if (input.blocks) {
      const before = previous?.blocks;
      const after = written.blocks!;
      // Without what was written before, every block; else the changed, added and removed ones.
      const changed = before ? input.blocks.filter((b) => before.get(b.index) !== after.get(b.index)) : input.blocks;
      const removed = before ? [...before.keys()].filter((index) => !after.has(index)) : [];
      if (!before || changed.length || removed.length) {
        await saveSearchBlocks(tx, { documentId: input.documentId, blocks: changed, only: before ? [...changed.map((b) => b.index), ...removed] : undefined });
      }
    }
    if (input.topBlocks && written.topBlocks !== previous?.topBlocks) await saveDocumentBlocks(tx, { documentId: input.documentId, blocks: input.topBlocks });
  });
  return written;
}

/** Who edited each document last, and when: one statement for every document edited since the last call. */
export async function recordEdits(sql: Sql, edits: readonly { documentId: string; userId: string; at: Date }[]): Promise<void> {
  if (!edits.length) return;
  const values = edits.map((e) => [e.documentId, e.userId, e.at.toISOString()]);
  await asSystem(
    sql,
    (tx) => tx`
      update documents d set last_edited_by = v.user_id, last_edited_at = v.at::timestamptz
      from (values ${tx(values as never)}) as v (id, user_id, at)
      where d.id = v.id::uuid`,
  );
}

/**
 * A document's committed Yjs state — its snapshot, then its remaining log rows — in one statement, so
 * a compaction committing meanwhile cannot hide rows. Read as the user: row-level security lets only
 * those who see the document read it.
 */
export async function documentUpdates(sql: Queryable, documentId: string): Promise<Uint8Array[]> {
  const rows = await sql<{ data: Uint8Array }[]>`
    select data from (
      select 0 as part, last_seq as seq, state as data from document_snapshots where document_id = ${documentId}
      union all
      select 1, seq, update from document_updates where document_id = ${documentId}
    ) x order by part, seq`;
  return rows.map((r) => r.data);
}

/** What the collaboration server needs to authorise a socket: the document's space and state. */
export async function documentAccessFacts(sql: Queryable, documentId: string): Promise<Pick<DocumentRow, "id" | "spaceId" | "status" | "archivedAt"> | undefined> {
  const [doc] = await sql<DocumentRow[]>`select id, space_id, status, archived_at from documents where id = ${documentId}`;
  return doc;
}
