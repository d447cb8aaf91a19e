import type { Sql } from "@twinning/db";

/**
 * The migrated collab tables without their foreign keys to documents, so the collaboration server can
 * be tested and benchmarked on its own with any document id (whose space, read from documents, is then null).
 */
export async function detachFromDocuments(sql: Sql): Promise<void> {
  await sql.unsafe(`
    alter table document_updates drop constraint if exists document_updates_document, alter column space_id drop not null;
    alter table document_snapshots drop constraint if exists document_snapshots_document, alter column space_id drop not null`);
}
