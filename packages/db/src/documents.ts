import type { DocumentStatus, DocumentType, Locale } from "@twinning/domain";
import { recordAudit } from "./audit";
import { replaceDocumentLinks } from "./boards";
import type { Queryable, Sql } from "./client";

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
}

export interface DocumentFilter {
  type?: DocumentType;
  status?: DocumentStatus;
  language?: Locale;
  /** List archived documents instead of current ones. */
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
  await tx`insert into document_snapshots (document_id, state, last_seq) values (${doc.id}, ${Buffer.from(input.initialState)}, 0)`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.spaceId, action: "document.created", details: { title: doc.title } });
  return doc;
}

export async function findDocument(sql: Queryable, id: string): Promise<DocumentRow | undefined> {
  const [doc] = await sql<DocumentRow[]>`select * from documents where id = ${id}`;
  return doc;
}

/** A space's documents, newest edit first, with who edited last. */
export async function listDocuments(sql: Queryable, spaceId: string, filter: DocumentFilter = {}): Promise<DocumentListing[]> {
  return sql<DocumentListing[]>`
    select d.id, d.space_id, d.type, d.title, d.language, d.status, d.template, d.archived_at, d.created_by, d.created_at,
           d.last_edited_by, d.last_edited_at, d.derived_title, u.name as last_editor_name
    from documents d left join users u on u.id = d.last_edited_by
    where d.space_id = ${spaceId}
      and ${filter.archived ? sql`d.archived_at is not null` : sql`d.archived_at is null`}
      ${filter.type ? sql`and d.type = ${filter.type}` : sql``}
      ${filter.status ? sql`and d.status = ${filter.status}` : sql``}
      ${filter.language ? sql`and d.language = ${filter.language}` : sql``}
    order by coalesce(d.last_edited_at, d.created_at) desc`;
}

export async function renameDocument(tx: Queryable, input: { documentId: string; title: string; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`update documents set title = ${input.title} where id = ${input.documentId} returning *`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.renamed", details: { title: doc.title } });
}

export async function setDocumentArchived(tx: Queryable, input: { documentId: string; archived: boolean; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`
    update documents set archived_at = ${input.archived ? new Date() : null} where id = ${input.documentId} returning *`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: input.archived ? "document.archived" : "document.restored", details: { title: doc.title } });
}

export async function setDocumentStatus(tx: Queryable, input: { documentId: string; status: DocumentStatus; actorId: string }): Promise<void> {
  const [doc] = await tx<DocumentRow[]>`update documents set status = ${input.status} where id = ${input.documentId} returning *`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.statusChanged", details: { title: doc.title, status: input.status } });
}

/**
 * Work the collaboration server does for no single user (derived data, last editor): one
 * transaction marked `app.system`, which the documents policies let through.
 */
export function asSystem<T>(sql: Sql, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('app.system', 'on', true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** Stores what was derived from a document's content: title, plain text, outline and card links. */
export async function saveDerived(
  sql: Sql,
  input: {
    documentId: string;
    title: string | null;
    plainText: string;
    outline: { level: number; text: string }[];
    links: { cardId: string; context: string }[];
  },
): Promise<void> {
  await asSystem(sql, async (tx) => {
    await tx`
      update documents set derived_title = ${input.title}, plain_text = ${input.plainText}, outline = ${tx.json(input.outline)}
      where id = ${input.documentId}`;
    await replaceDocumentLinks(tx, input.documentId, input.links);
  });
}

export async function recordEdit(sql: Sql, input: { documentId: string; userId: string }): Promise<void> {
  await asSystem(sql, (tx) => tx`update documents set last_edited_by = ${input.userId}, last_edited_at = now() where id = ${input.documentId}`);
}

/** What the collaboration server needs to authorise a socket: the document's space and state. */
export async function documentAccessFacts(sql: Queryable, documentId: string): Promise<Pick<DocumentRow, "id" | "spaceId" | "status" | "archivedAt"> | undefined> {
  const [doc] = await sql<DocumentRow[]>`select id, space_id, status, archived_at from documents where id = ${documentId}`;
  return doc;
}
