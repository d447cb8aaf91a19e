import type { Sql } from "@twinning/db";
import * as Y from "yjs";
import type { CollabLog } from "./options";
import type { CollabPersistence, CompactionResult, LogEntry, StoredDocument } from "./persistence";

/** Options of {@link PgPersistence}. */
export interface PgPersistenceOptions {
  log?: CollabLog;
  /**
   * Test hook: runs inside the compaction transaction after the snapshot is written and before the
   * compacted rows are deleted. Throwing rolls the whole compaction back.
   */
  beforeDeleteCompacted?: (documentId: string) => void | Promise<void>;
}

interface Row {
  snapshot: boolean;
  seq: string;
  data: Uint8Array;
}

// First key of the two-key advisory lock that serialises compactions of one document across instances.
const COMPACTION_LOCK_CLASS = 72_616;
// postgres.js sends one parameter per column; stay well below PostgreSQL's 65,535.
const MAX_ROWS_PER_INSERT = 1_000;

/**
 * Documents in PostgreSQL (tables in packages/collab/schema.sql): an append-only update log and a
 * snapshot. A document is its snapshot plus all its remaining log rows; compaction folds rows into the
 * snapshot and deletes exactly those rows in the same transaction, so a crash at any point loses
 * nothing and applying a row twice is harmless (Yjs updates are idempotent).
 */
export class PgPersistence implements CollabPersistence {
  constructor(
    private readonly sql: Sql,
    private readonly options: PgPersistenceOptions = {},
  ) {}

  async load(documentId: string): Promise<StoredDocument> {
    // One statement, so a compaction committing meanwhile cannot hide rows from us.
    const rows = await this.sql<Row[]>`
      select true as snapshot, last_seq::text as seq, state as data from document_snapshots where document_id = ${documentId}
      union all
      select false, seq::text, update from document_updates where document_id = ${documentId}
      order by snapshot desc, seq`;
    return toStored(rows);
  }

  async append(documentId: string, entries: LogEntry[]): Promise<number[]> {
    const seqs: number[] = [];
    for (let i = 0; i < entries.length; i += MAX_ROWS_PER_INSERT) {
      const values = entries.slice(i, i + MAX_ROWS_PER_INSERT).map((e) => ({ documentId, update: e.update, userId: e.userId }));
      const inserted = await this.sql<{ seq: string }[]>`insert into document_updates ${this.sql(values)} returning seq`;
      for (const row of inserted) seqs.push(Number(row.seq));
    }
    return seqs;
  }

  async readSince(documentId: string, afterSeq: number, alsoSeq = afterSeq): Promise<StoredDocument> {
    // The snapshot is included when it merged rows this instance has not read (another instance compacted them).
    const rows = await this.sql<Row[]>`
      select true as snapshot, last_seq::text as seq, state as data from document_snapshots
      where document_id = ${documentId} and (last_seq > ${afterSeq} or last_seq >= ${alsoSeq})
      union all
      select false, seq::text, update from document_updates
      where document_id = ${documentId} and (seq > ${afterSeq} or seq = ${alsoSeq})
      order by snapshot desc, seq`;
    const stored = toStored(rows);
    return { ...stored, lastSeq: Math.max(stored.lastSeq, afterSeq) };
  }

  async compact(documentId: string): Promise<CompactionResult> {
    return this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${COMPACTION_LOCK_CLASS}, hashtext(${documentId}))`;
      // Read after taking the lock, so a compaction that committed meanwhile is seen.
      const rows = await tx<Row[]>`
        select true as snapshot, last_seq::text as seq, state as data from document_snapshots where document_id = ${documentId}
        union all
        select false, seq::text, update from document_updates where document_id = ${documentId}
        order by snapshot desc, seq`;
      const logSeqs = rows.filter((r) => !r.snapshot).map((r) => r.seq);
      const stored = toStored(rows);
      if (logSeqs.length === 0) return { compactedRows: 0, lastSeq: stored.lastSeq, snapshotBytes: 0 };
      const state = this.merge(documentId, stored.updates);
      await tx`
        insert into document_snapshots (document_id, state, last_seq, updated_at)
        values (${documentId}, ${state}, ${stored.lastSeq}, now())
        on conflict (document_id) do update set state = excluded.state, last_seq = excluded.last_seq, updated_at = now()`;
      await this.options.beforeDeleteCompacted?.(documentId);
      // Exactly the rows merged: a row committed meanwhile may carry a lower seq than the highest read.
      await tx`delete from document_updates where document_id = ${documentId} and seq = any(${logSeqs}::bigint[])`;
      return { compactedRows: logSeqs.length, lastSeq: stored.lastSeq, snapshotBytes: state.length };
    });
  }

  /** Applies every update to a fresh document (which garbage-collects deleted content) and encodes it. */
  private merge(documentId: string, updates: Uint8Array[]): Uint8Array {
    const doc = new Y.Doc();
    try {
      for (const update of updates) {
        try {
          Y.applyUpdate(doc, update);
        } catch (error) {
          this.options.log?.error({ documentId, err: error }, "collab: skipped an unreadable stored update while compacting");
        }
      }
      return Y.encodeStateAsUpdate(doc);
    } finally {
      doc.destroy();
    }
  }
}

function toStored(rows: Row[]): StoredDocument {
  let lastSeq = 0;
  let logRows = 0;
  for (const row of rows) {
    lastSeq = Math.max(lastSeq, Number(row.seq));
    if (!row.snapshot) logRows++;
  }
  return { updates: rows.map((r) => r.data), lastSeq, logRows };
}
