import type { ReadOnlyReason } from "./access-message";

/** One row to append to a document's update log. */
export interface LogEntry {
  update: Uint8Array;
  userId: string;
}

/** The document can no longer be written (signed or archived since its sockets were authorised): nothing was stored. */
export class WriteRefused extends Error {
  constructor(
    readonly documentId: string,
    readonly reason: ReadOnlyReason,
  ) {
    super(`document ${documentId} can no longer be written (${reason})`);
    this.name = "WriteRefused";
  }
}

/** A stored document: updates to apply in order (snapshot first), and the highest seq among them. */
export interface StoredDocument {
  updates: Uint8Array[];
  lastSeq: number;
  /** Log rows not yet folded into the snapshot. */
  logRows: number;
}

/** What one compaction did. */
export interface CompactionResult {
  compactedRows: number;
  /** Another instance was compacting this document: nothing was done here (it folds the rows). */
  busy?: boolean;
  lastSeq: number;
  snapshotBytes: number;
}

/**
 * Where documents live. `PgPersistence` is the implementation; the interface lets tests wrap it
 * (slow loads, counting) without a second database.
 */
export interface CollabPersistence {
  /** Snapshot plus every remaining log row, read consistently. */
  load(documentId: string): Promise<StoredDocument>;
  /**
   * Appends and commits rows in one statement; returns their sequence numbers in order. Rejects with
   * {@link WriteRefused} when the document may no longer be written (nothing stored).
   */
  append(documentId: string, entries: LogEntry[]): Promise<number[]>;
  /**
   * What was stored after `afterSeq`, and the rows `alsoFromSeq`…`alsoSeq` (default: `alsoSeq` alone),
   * in case they committed after a higher seq was read.
   */
  readSince(documentId: string, afterSeq: number, alsoSeq?: number, alsoFromSeq?: number): Promise<StoredDocument>;
  /** Folds the log into the snapshot in one transaction. */
  compact(documentId: string): Promise<CompactionResult>;
}
