import * as Y from "yjs";
import { BatchQueue } from "./batch-queue";
import { CloseCodes } from "./close-codes";
import type { Connection } from "./connection";
import { DebouncedTask } from "./debounced-task";
import { readClientFrame } from "./frame-reader";
import type { CollabLimits, CollabLog, CollabTiming, DeriveHook, PersistedHook } from "./options";
import type { CollabPersistence, StoredDocument } from "./persistence";
import { Presence } from "./presence";
import { syncStep1Frame, syncStep2Frame, updateFrame } from "./protocol";
import { encodeSavedMessage } from "./saved-message";

/** What a room needs from the server that loaded it. */
export interface RoomContext {
  persistence: CollabPersistence;
  log: CollabLog;
  limits: CollabLimits;
  timing: CollabTiming;
  onDerive?: DeriveHook;
  onPersisted?: PersistedHook;
}

/** Per-room figures for `CollabServer.stats()`. */
export interface RoomStats {
  documentId: string;
  connections: number;
  lastSeq: number;
  logRows: number;
}

interface PendingWrite {
  connection: Connection;
  /** null: nothing to store (empty update), only to acknowledge in order. */
  update: Uint8Array | null;
}

// Transaction origin of updates read from the log (written by another instance).
const REMOTE = "remote";

/**
 * One loaded document: its Y.Doc and awareness, its connections, and the write path. An update is
 * committed to the log first, then applied to the doc, whose update event broadcasts it; so the
 * in-memory doc never holds anything uncommitted, and "saved" means committed.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly presence: Presence;
  readonly connections = new Set<Connection>();
  /** Highest log seq contained in `doc`. */
  lastSeq: number;
  /** Highest seq read back from the log (load, applyRemote): where the next remote read starts. */
  private readSeq: number;
  private logRows: number;
  /** Encoded size of `doc` when last measured, plus the size of every update since (an overestimate). */
  private sizeEstimate: number;
  /** Bytes of updates queued for the log, not yet in `doc`. */
  private pendingBytes = 0;
  private destroyed = false;
  private compacting: Promise<void> | null = null;
  private remoteReads: Promise<void> = Promise.resolve();
  private readonly writes = new BatchQueue<PendingWrite>(
    (batch) => this.commit(batch),
    (error) => this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: write batch failed"),
  );
  private readonly derive: DebouncedTask | null;

  constructor(
    readonly documentId: string,
    stored: StoredDocument,
    private readonly ctx: RoomContext,
  ) {
    for (const update of stored.updates) this.applySafely(update, null);
    this.lastSeq = this.readSeq = stored.lastSeq;
    this.logRows = stored.logRows;
    this.sizeEstimate = Y.encodeStateAsUpdate(this.doc).length;
    this.presence = new Presence(this.doc, ctx.limits, (frame) => {
      for (const c of this.connections) c.send(frame);
    });
    this.doc.on("update", this.onDocUpdate);
    const onDerive = ctx.onDerive;
    this.derive = onDerive
      ? new DebouncedTask(() => onDerive(documentId, this.doc), ctx.timing.deriveDebounceMs, ctx.timing.deriveMaxWaitMs, (error) =>
          ctx.log.error({ documentId, err: error }, "collab: onDerive failed"),
        )
      : null;
    if (this.logRows >= ctx.limits.compactAfterUpdates) this.compactSoon();
  }

  /** Starts serving a connection: our state vector (writers only), current presence, then its frames. */
  add(connection: Connection): void {
    this.connections.add(connection);
    // Read-only clients get no sync step 1, so they have no reason to send a step 2 we would drop.
    if (!connection.readOnly) connection.send(syncStep1Frame(this.doc));
    const presence = this.presence.allStatesFrame();
    if (presence) connection.send(presence);
    connection.attach((frame) => this.receive(connection, frame));
  }

  /** Forgets a connection and withdraws its presence; returns how many remain. */
  remove(connection: Connection): number {
    if (this.connections.delete(connection) && !this.destroyed) this.presence.remove(connection);
    return this.connections.size;
  }

  /** Reads log rows this instance has not seen (another instance wrote them) and applies them. */
  applyRemote(seq: number): Promise<void> {
    this.remoteReads = this.remoteReads.then(() => this.readRemote(seq));
    return this.remoteReads;
  }

  /** Waits for pending writes, runs the last derive, compacts, and frees the document. */
  async close(): Promise<void> {
    await this.writes.idle();
    await this.remoteReads;
    await this.compacting;
    await this.derive?.flush();
    await this.compactNow();
    this.destroy();
  }

  /** Connections, last seq and log length, for `CollabServer.stats()`. */
  stats(): RoomStats {
    return { documentId: this.documentId, connections: this.connections.size, lastSeq: this.lastSeq, logRows: this.logRows };
  }

  private destroy(): void {
    this.destroyed = true;
    this.derive?.cancel();
    this.doc.off("update", this.onDocUpdate);
    this.presence.destroy();
    this.doc.destroy();
    this.connections.clear();
  }

  private receive(connection: Connection, frame: Uint8Array): void {
    let message;
    try {
      message = readClientFrame(frame);
    } catch (error) {
      return connection.close(CloseCodes.Malformed, errorMessage(error));
    }
    switch (message.kind) {
      case "syncStep1": {
        if (!connection.charge()) return;
        let reply;
        try {
          reply = syncStep2Frame(this.doc, message.stateVector);
        } catch (error) {
          return connection.close(CloseCodes.Malformed, `state vector: ${errorMessage(error)}`);
        }
        return connection.send(reply);
      }
      case "update":
        if (!connection.charge()) return;
        if (connection.readOnly) {
          this.ctx.log.debug({ documentId: this.documentId, userId: connection.identity.userId }, "collab: dropped update of a read-only connection");
          return;
        }
        return this.acceptUpdate(connection, message.update);
      case "awareness":
        return this.presence.receive(connection, message.update);
      case "queryAwareness": {
        if (!connection.charge()) return;
        const presence = this.presence.allStatesFrame();
        return presence ? connection.send(presence) : undefined;
      }
    }
  }

  /** Checks an update and queues it for the log; nothing reaches the doc before it is committed. */
  private acceptUpdate(connection: Connection, update: Uint8Array): void {
    if (update.length === 0) return this.writes.push({ connection, update: null });
    let decoded;
    try {
      // A pure parse: a malformed update must never be stored, or every later load would trip on it.
      decoded = Y.decodeUpdate(update);
    } catch (error) {
      return connection.close(CloseCodes.Malformed, `update: ${errorMessage(error)}`);
    }
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return this.writes.push({ connection, update: null });
    if (!this.fits(update.length)) return connection.close(CloseCodes.DocumentTooLarge, `${update.length} more bytes`);
    this.sizeEstimate += update.length;
    this.pendingBytes += update.length;
    this.writes.push({ connection, update });
  }

  private fits(bytes: number): boolean {
    const max = this.ctx.limits.maxDocumentBytes;
    if (this.sizeEstimate + bytes <= max) return true;
    // Near the limit: measure (the estimate overcounts, as merged and deleted content shrink).
    this.sizeEstimate = Y.encodeStateAsUpdate(this.doc).length + this.pendingBytes;
    return this.sizeEstimate + bytes <= max;
  }

  /** Commits one batch (group commit), then applies, broadcasts and acknowledges it in order. */
  private async commit(batch: PendingWrite[]): Promise<void> {
    const rows = batch.filter((w): w is PendingWrite & { update: Uint8Array } => w.update !== null);
    let seqs: number[] = [];
    for (const w of rows) this.pendingBytes -= w.update.length;
    if (rows.length > 0) {
      try {
        seqs = await this.ctx.persistence.append(
          this.documentId,
          rows.map((w) => ({ update: w.update, userId: w.connection.identity.userId })),
        );
      } catch (error) {
        this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not store updates");
        // Their clients still hold the changes and resend them after reconnecting.
        for (const w of batch) w.connection.close(CloseCodes.Unavailable, "could not store update");
        return;
      }
    }
    for (const w of rows) this.applySafely(w.update, w.connection);
    this.lastSeq = Math.max(this.lastSeq, ...seqs);
    this.logRows += rows.length;
    const acknowledged = new Set<Connection>();
    for (const w of batch) {
      w.connection.updatesAcknowledged++;
      acknowledged.add(w.connection);
    }
    for (const c of acknowledged) {
      if (!c.readOnly) c.send(encodeSavedMessage({ acknowledged: c.updatesAcknowledged, seq: this.lastSeq }));
    }
    if (seqs.length > 0) {
      try {
        this.ctx.onPersisted?.(this.documentId, this.lastSeq);
      } catch (error) {
        this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: onPersisted failed");
      }
    }
    if (this.logRows >= this.ctx.limits.compactAfterUpdates) this.compactSoon();
  }

  private compactSoon(): void {
    this.compacting ??= this.compactNow().finally(() => (this.compacting = null));
  }

  private async compactNow(): Promise<void> {
    try {
      const result = await this.ctx.persistence.compact(this.documentId);
      this.logRows = Math.max(0, this.logRows - result.compactedRows);
      this.ctx.log.debug({ documentId: this.documentId, ...result }, "collab: compacted");
    } catch (error) {
      this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: compaction failed (the log is intact)");
    }
  }

  private async readRemote(seq: number): Promise<void> {
    if (this.destroyed) return;
    let stored;
    try {
      stored = await this.ctx.persistence.readSince(this.documentId, this.readSeq, seq);
    } catch (error) {
      return this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not read remote updates");
    }
    if (this.destroyed) return;
    // Our own rows come back too; applying them again changes nothing and broadcasts nothing.
    for (const update of stored.updates) {
      this.applySafely(update, REMOTE);
      this.sizeEstimate += update.length;
    }
    this.readSeq = Math.max(this.readSeq, stored.lastSeq);
    this.lastSeq = Math.max(this.lastSeq, stored.lastSeq);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const frame = updateFrame(update);
    for (const c of this.connections) if (c !== origin) c.send(frame);
    this.derive?.touch();
  };

  private applySafely(update: Uint8Array, origin: unknown): void {
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not apply a stored update");
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
