import type { Sql } from "@twinning/db";
import * as Y from "yjs";
import { GroupCommit, WRITE_STALL_MS } from "./group-commit";
import type { CollabLog } from "./options";
import type { ReadOnlyReason } from "./access-message";
import { WriteRefused, type CollabPersistence, type CompactionResult, type LogEntry, type StoredDocument } from "./persistence";

/** Options of {@link PgPersistence}. */
export interface PgPersistenceOptions {
  log?: CollabLog;
  /**
   * Test hook: runs inside the compaction transaction after the snapshot is written and before the
   * compacted rows are deleted. Throwing rolls the whole compaction back.
   */
  beforeDeleteCompacted?: (documentId: string) => void | Promise<void>;
  /**
   * Appends the rows instead of a plain insert, returning per row its seq or why its document may no
   * longer be written (the app's sign lock: one statement that key-share-locks the documents' rows, so a
   * document signed or archived meanwhile is seen as such, and signing waits for appends in flight).
   * Refused rows are not stored: their `append` rejects with {@link WriteRefused}. Without it every row
   * is stored.
   */
  appendRows?: (sql: Sql, rows: LogRow[]) => Promise<(number | ReadOnlyReason)[]>;
  /** At most one append statement per this many milliseconds, over all documents (`COMMIT_CADENCE_MS`). */
  commitCadenceMs?: number;
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

export interface LogRow {
  documentId: string;
  update: Uint8Array;
  userId: string;
}

/**
 * Documents in PostgreSQL (tables of migrations 00004 and 00022): an append-only update log and a
 * snapshot. A document is its snapshot plus all its remaining log rows; compaction folds rows into the
 * snapshot and deletes exactly those rows in the same transaction, so a crash at any point loses
 * nothing and applying a row twice is harmless (Yjs updates are idempotent).
 */
export class PgPersistence implements CollabPersistence {
  private readonly appends: GroupCommit<LogRow, number | ReadOnlyReason>;

  constructor(
    private readonly sql: Sql,
    private readonly options: PgPersistenceOptions = {},
  ) {
    this.appends = new GroupCommit((rows) => this.insert(rows), MAX_ROWS_PER_INSERT, WRITE_STALL_MS, options.commitCadenceMs);
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
  async append(documentId: string, entries: LogEntry[]): Promise<number[]> {
    const seqs = await this.appends.submit(entries.map((e) => ({ documentId, update: e.update, userId: e.userId })));
    // A document's rows are stored all or none (one status check per document and statement).
    const refused = seqs.find((seq): seq is ReadOnlyReason => typeof seq === "string");
    if (refused) throw new WriteRefused(documentId, refused);
    return seqs as number[];
  }

  /** Rows after `afterSeq` (and `alsoFromSeq`…`alsoSeq`), plus the snapshot when it folded rows not read before. */
  async readSince(documentId: string, afterSeq: number, alsoSeq = afterSeq + 1, alsoFromSeq = alsoSeq): Promise<StoredDocument> {
    // The snapshot is included when it merged rows this instance has not read (another instance
    // compacted them): any after `afterSeq`, or any of the late range, whose lowest it then covers.
    const rows = await this.sql<Row[]>`
      select true as snapshot, last_seq as seq, state as data from document_snapshots
      where document_id = ${documentId} and (last_seq > ${afterSeq} or last_seq >= ${alsoFromSeq})
      union all
      select false, seq, update from document_updates
      where document_id = ${documentId} and (seq > ${afterSeq} or seq between ${alsoFromSeq} and ${alsoSeq})
      order by snapshot desc, seq`;
    const stored = toStored(rows);
    return { ...stored, lastSeq: Math.max(stored.lastSeq, afterSeq) };
  }

  /**
   * Folds every log row into the snapshot and deletes exactly those rows, in one transaction. One
   * compactor per document at a time over all instances: when another holds the lock, this returns
   * at once (`busy`) rather than holding a connection to wait and then fold what the other just did.
   */
  async compact(documentId: string): Promise<CompactionResult> {
    return this.sql.begin(async (tx) => {
      const [{ locked }] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${COMPACTION_LOCK_CLASS}, hashtext(${documentId})) as locked`;
      if (!locked) return { compactedRows: 0, lastSeq: 0, snapshotBytes: 0, busy: true };
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
        insert into document_snapshots (space_id, document_id, state, last_seq, updated_at)
        values ((select space_id from documents where id = ${documentId}), ${documentId}, ${state}, ${stored.lastSeq}, now())
        on conflict (document_id) do update set state = excluded.state, last_seq = excluded.last_seq, updated_at = now()`;
      await this.options.beforeDeleteCompacted?.(documentId);
      // Exactly the rows merged: a row committed meanwhile may carry a lower seq than the highest read.
      await tx`delete from document_updates where document_id = ${documentId} and seq = any(${logSeqs}::bigint[])`;
      return { compactedRows: logSeqs.length, lastSeq: stored.lastSeq, snapshotBytes: state.length };
    });
  }

  /** Each row's seq, or why its document may no longer be written (then it was not stored). */
  private async insert(rows: LogRow[]): Promise<(number | ReadOnlyReason)[]> {
    return this.options.appendRows ? this.options.appendRows(this.sql, rows) : this.insertRows(this.sql, rows);
  }

  private async insertRows(sql: Sql, rows: LogRow[]): Promise<number[]> {
    // Each row carries its document's space (the distribution column), read in the same statement.
    const values = rows.map((r, i) => [i, r.documentId, r.update, r.userId]);
    const inserted = await sql<{ seq: string }[]>`
      insert into document_updates (space_id, document_id, update, user_id)
      select (select space_id from documents where id = v.document_id::uuid), v.document_id::uuid, v.update::bytea, v.user_id::text
      from (values ${sql(values as never)}) as v (ord, document_id, update, user_id)
      order by v.ord::int returning seq`;
    // Rows of one INSERT … VALUES draw their identity values in list order; sorting makes that explicit.
    return inserted.map((r) => Number(r.seq)).sort((a, b) => a - b);
  }

  /**
   * Merges the rows in one step (`Y.mergeUpdates`: one integration, not one per row, each of which
   * re-merged whatever was pending), applies that to a fresh document (which garbage-collects deleted
   * content) and encodes it. Should the merge fail, row by row, skipping what cannot be read.
   */
  private merge(documentId: string, updates: Uint8Array[]): Uint8Array {
    const doc = new Y.Doc();
    try {
      let merged: Uint8Array | null = null;
      try {
        merged = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
      } catch (error) {
        this.options.log?.error({ documentId, err: error }, "collab: could not merge stored updates, applying them one by one");
      }
      for (const update of merged ? [merged] : updates) {
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
