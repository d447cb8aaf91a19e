import type { Sql } from "@twinning/db";
import * as Y from "yjs";
import { GroupCommit } from "./group-commit";
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
  /** bigint, which postgres.js returns as a string. */
  seq: string;
  data: Uint8Array;
}

// First key of the two-key advisory lock that serialises compactions of one document across instances.
const COMPACTION_LOCK_CLASS = 72_616;
// postgres.js sends one parameter per column; stay well below PostgreSQL's 65,535.
const MAX_ROWS_PER_INSERT = 1_000;

interface LogRow {
  documentId: string;
  update: Uint8Array;
  userId: string;
}

/**
 * Documents in PostgreSQL (tables of migration 00004_documents.sql): an append-only update log and a
 * snapshot. A document is its snapshot plus all its remaining log rows; compaction folds rows into the
 * snapshot and deletes exactly those rows in the same transaction, so a crash at any point loses
 * nothing and applying a row twice is harmless (Yjs updates are idempotent).
 */
export class PgPersistence implements CollabPersistence {
  private readonly appends: GroupCommit<LogRow>;

  constructor(
    private readonly sql: Sql,
    private readonly options: PgPersistenceOptions = {},
  ) {
    this.appends = new GroupCommit((rows) => this.insert(rows), MAX_ROWS_PER_INSERT);
  }

  /** Snapshot first, then every remaining log row in seq order. */
  async load(documentId: string): Promise<StoredDocument> {
    // One statement, so a compaction committing meanwhile cannot hide rows from us.
    const rows = await this.sql<Row[]>`
      select true as snapshot, last_seq as seq, state as data from document_snapshots where document_id = ${documentId}
      union all
      select false, seq, update from document_updates where document_id = ${documentId}
      order by snapshot desc, seq`;
    return toStored(rows);
  }

  /** Appends in one statement shared with the appends of other documents made meanwhile (group commit). */
  append(documentId: string, entries: LogEntry[]): Promise<number[]> {
    return this.appends.submit(entries.map((e) => ({ documentId, update: e.update, userId: e.userId })));
  }

  /** Rows after `afterSeq` (and `alsoSeq`), plus the snapshot when it folded rows not read before. */
  async readSince(documentId: string, afterSeq: number, alsoSeq = afterSeq + 1): Promise<StoredDocument> {
    // The snapshot is included when it merged rows this instance has not read (another instance compacted them).
    const rows = await this.sql<Row[]>`
      select true as snapshot, last_seq as seq, state as data from document_snapshots
      where document_id = ${documentId} and (last_seq > ${afterSeq} or last_seq >= ${alsoSeq})
      union all
      select false, seq, update from document_updates
      where document_id = ${documentId} and (seq > ${afterSeq} or seq = ${alsoSeq})
      order by snapshot desc, seq`;
    const stored = toStored(rows);
    return { ...stored, lastSeq: Math.max(stored.lastSeq, afterSeq) };
  }

  /** Folds every log row into the snapshot and deletes exactly those rows, in one transaction. */
  async compact(documentId: string): Promise<CompactionResult> {
    return this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${COMPACTION_LOCK_CLASS}, hashtext(${documentId}))`;
      // Read after taking the lock, so a compaction that committed meanwhile is seen.
      const rows = await tx<Row[]>`
        select true as snapshot, last_seq as seq, state as data from document_snapshots where document_id = ${documentId}
        union all
        select false, seq, update from document_updates where document_id = ${documentId}
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

  private async insert(rows: LogRow[]): Promise<number[]> {
    const inserted = await this.sql<{ seq: string }[]>`insert into document_updates ${this.sql(rows)} returning seq`;
    // Rows of one INSERT … VALUES draw their identity values in list order; sorting makes that explicit.
    return inserted.map((r) => Number(r.seq)).sort((a, b) => a - b);
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
