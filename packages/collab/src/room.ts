import * as Y from "yjs";
import { BatchQueue } from "./batch-queue";
import { CloseCodes, type CloseCode } from "./close-codes";
import type { Connection } from "./connection";
import { DebouncedTask } from "./debounced-task";
import { readClientFrame } from "./frame-reader";
import type { AwarenessHook, CollabLimits, CollabLog, CollabTiming, DeriveHook, PersistedHook, QuietHook } from "./options";
import { WriteRefused, type CollabPersistence, type StoredDocument } from "./persistence";
import { Presence } from "./presence";
import { syncStep1Frame, syncStep2Frame, syncStep2FrameOf, updateFrame } from "./protocol";
import { encodeAccessMessage, type ReadOnlyReason } from "./access-message";
import { encodeSavedMessage } from "./saved-message";
import { isConnectionError } from "@twinning/db/connection-errors";
import type { StoreOutage } from "./store-outage";
import { checkUpdates, countNodes } from "./update-check";

/** What a room needs from the server that loaded it. */
export interface RoomContext {
  persistence: CollabPersistence;
  log: CollabLog;
  limits: CollabLimits;
  timing: CollabTiming;
  onDerive?: DeriveHook;
  onPersisted?: PersistedHook;
  onAwareness?: AwarenessHook;
  onQuiet?: QuietHook;
  presenceColors?: readonly string[];
  /** The database being away, shared by the server's rooms: writes are retried meanwhile. */
  outage: StoreOutage;
  /**
   * The room's doc holds updates the log refused or could not store: the server unloads it at once
   * and closes its connections with `close`, so everyone reconnects to the document as stored.
   */
  reset: (room: Room, close: CloseCode) => void;
}

/** Per-room figures for `CollabServer.stats()`. */
export interface RoomStats {
  documentId: string;
  connections: number;
  lastSeq: number;
  logRows: number;
}

interface PendingWrite {
  /** null: a change the server made itself (`applyServerChange`), acknowledged to nobody. */
  connection: Connection | null;
  /** Applied to the doc already, to be stored; null: nothing to store, only to acknowledge in order. */
  update: Uint8Array | null;
  /** The client's sync step 2: its acknowledgement covers the updates dropped before it. */
  step2?: boolean;
  /** Who the log row is attributed to, for a server change. */
  userId?: string;
  /** Settled once a server change is committed and applied (or could not be stored). */
  done?: { resolve: () => void; reject: (error: unknown) => void };
}

/** Transaction origin of changes the server makes itself (a restored version). */
export const SERVER_ORIGIN = "server";

// Transaction origin of updates read from the log (written by another instance).
const REMOTE = "remote";

/**
 * One loaded document: its Y.Doc and awareness, its connections, and the write path. An update is
 * checked against the doc, applied (the doc's update event relays it to the other connections at
 * once) and queued for the log; "saved" is sent after the commit, so it still means committed. Until
 * then the sender and every receiver hold the update: should the log refuse it (the document was
 * signed meanwhile) or fail to store it, the room is reset — unloaded, its clients reconnected to the
 * document as stored, resending what is theirs where they may still write. So what the log holds is
 * what everybody ends up with, and no acknowledged edit is lost.
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
  /**
   * The whole of `doc` as one update, kept until the doc next changes: what a client without a copy
   * is sent (a long document's encoding costs as much as decoding it). From load, the stored updates
   * merged, so a first sync of a document just loaded encodes nothing.
   */
  private encoded: Uint8Array | null = null;
  /** Shared types (nodes) in `doc` when last counted, plus those created since (an overestimate). */
  private nodeEstimate: number;
  private destroyed = false;
  /** The doc holds what the log refused or could not store: nothing more is accepted, stored or derived. */
  private stale = false;
  private compacting: Promise<void> | null = null;
  private remoteReads: Promise<void> = Promise.resolve();
  private readonly writes = new BatchQueue<PendingWrite>(
    (batch) => this.commit(batch),
    (error) => this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: write batch failed"),
  );
  private readonly derive: DebouncedTask | null;
  /** `onQuiet`, a quiet period after the last change made here; and who made changes since it last ran. */
  private readonly quiet: DebouncedTask | null;
  private readonly editorsSinceQuiet = new Set<string>();

  constructor(
    readonly documentId: string,
    stored: StoredDocument,
    private readonly ctx: RoomContext,
  ) {
    this.encoded = this.applyStored(stored.updates, null);
    this.lastSeq = this.readSeq = stored.lastSeq;
    this.logRows = stored.logRows;
    this.sizeEstimate = this.wholeState().length;
    this.nodeEstimate = countNodes(this.doc);
    const onAwareness = ctx.onAwareness;
    this.presence = new Presence(
      this.doc,
      ctx.limits,
      (frame) => {
        for (const c of this.connections) c.send(frame);
      },
      onAwareness
        ? (update) => {
            try {
              onAwareness(documentId, update);
            } catch (error) {
              ctx.log.error({ documentId, err: error }, "collab: onAwareness failed");
            }
          }
        : undefined,
    );
    this.doc.on("update", this.onDocUpdate);
    const onDerive = ctx.onDerive;
    // Each room's longest wait between half and all of deriveMaxWaitMs: documents loaded and typed in
    // together (after a restart, say) would otherwise all derive in the same moment, every time.
    const deriveMaxWait = ctx.timing.deriveMaxWaitMs * (0.5 + Math.random() / 2);
    this.derive = onDerive
      ? new DebouncedTask(() => onDerive(documentId, this.doc), ctx.timing.deriveDebounceMs, deriveMaxWait, (error) =>
          ctx.log.error({ documentId, err: error }, "collab: onDerive failed"),
        )
      : null;
    const onQuiet = ctx.onQuiet;
    this.quiet = onQuiet
      ? new DebouncedTask(
          () => {
            const editors = [...this.editorsSinceQuiet];
            this.editorsSinceQuiet.clear();
            return onQuiet(documentId, this.doc, { editors });
          },
          ctx.timing.quietMs,
          Number.POSITIVE_INFINITY,
          (error) => ctx.log.error({ documentId, err: error }, "collab: onQuiet failed"),
        )
      : null;
    if (this.logRows >= ctx.limits.compactAfterUpdates) this.compactSoon();
  }

  /**
   * A change made by the server (e.g. restoring a version): `change` runs in one Yjs transaction on a
   * copy of the document, and the resulting update takes the write path of any client's — applied
   * and broadcast to every connection, then committed to the log in order with the others. Resolves
   * once committed.
   */
  applyServerChange(change: (doc: Y.Doc) => void, userId: string): Promise<void> {
    const copy = new Y.Doc();
    const made: { update?: Uint8Array } = {};
    try {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
      // Exactly what the transaction changed (Yjs emits nothing for a transaction that changed nothing).
      copy.on("update", (u: Uint8Array) => (made.update = u));
      copy.transact(() => change(copy), SERVER_ORIGIN);
    } finally {
      copy.destroy();
    }
    const update = made.update;
    if (!update) return Promise.resolve();
    if (this.stale) return Promise.reject(new Error("the document is being reloaded"));
    if (!this.fits(update.length)) return Promise.reject(new Error("the change would make the document too large"));
    this.sizeEstimate += update.length;
    this.applySafely(update, SERVER_ORIGIN);
    return new Promise((resolve, reject) => this.writes.push({ connection: null, update, userId, done: { resolve, reject } }));
  }

  /** Starts serving a connection: our state vector (writers only), current presence, then its frames. */
  add(connection: Connection): void {
    this.pickColor(connection);
    this.connections.add(connection);
    // Read-only clients get no sync step 1, so they have no reason to send a step 2 we would drop.
    if (!connection.readOnly) this.sendStep1(connection);
    else connection.sendExtra("access", encodeAccessMessage({ readOnly: true, reason: connection.identity.readOnlyReason ?? "role" }));
    const presence = this.presence.allStatesFrame();
    if (presence) connection.send(presence);
    connection.attach((frame) => this.receive(connection, frame));
  }

  /** The user's colour in this document: the one their other connections have, else their own unless another user has it. */
  private pickColor(connection: Connection): void {
    const others = [...this.connections];
    const same = others.find((c) => c.user.userId === connection.user.userId);
    if (same) return void (connection.user.color = same.user.color);
    const taken = new Set(others.map((c) => c.user.color));
    if (!taken.has(connection.user.color)) return;
    const free = this.ctx.presenceColors?.find((color) => !taken.has(color));
    if (free) connection.user.color = free;
  }

  /** A read-only connection may write again: ask it for what it has that we lack. */
  becameWritable(connection: Connection): void {
    if (this.connections.has(connection)) this.sendStep1(connection);
  }

  /** Asks the client for what it has that we lack; its step 2 in answer carries all of it. */
  private sendStep1(connection: Connection): void {
    connection.step2Awaited++;
    connection.send(syncStep1Frame(this.doc));
  }

  /** Forgets a connection and withdraws its presence; returns how many remain. */
  remove(connection: Connection): number {
    if (this.connections.delete(connection) && !this.destroyed) this.presence.remove(connection);
    return this.connections.size;
  }

  /**
   * Reads log rows this instance has not seen (another instance wrote them) and applies them: those
   * after the last seq read, and `fromSeq`…`seq` (another instance's range, told by its NOTIFY), in
   * case some of them committed after a higher seq was read here.
   */
  applyRemote(seq: number, fromSeq = seq): Promise<void> {
    this.remoteReads = this.remoteReads.then(() => this.readRemote(seq, fromSeq));
    return this.remoteReads;
  }

  /** Waits for pending writes, runs the last derive, compacts, and frees the document. */
  async close(): Promise<void> {
    await this.writes.idle();
    await this.remoteReads;
    await this.compacting;
    // A reset room's doc is not the stored document: nothing is derived from it.
    if (!this.stale) {
      await this.derive?.flush();
      await this.quiet?.flush();
    }
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
    this.quiet?.cancel();
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
        connection.sentStep1 = true;
        let reply;
        try {
          reply = Y.decodeStateVector(message.stateVector).size === 0 ? syncStep2FrameOf(this.wholeState()) : syncStep2Frame(this.doc, message.stateVector);
        } catch (error) {
          return connection.close(CloseCodes.Malformed, `state vector: ${errorMessage(error)}`);
        }
        return connection.send(reply);
      }
      case "update": {
        if (!connection.charge()) return;
        // Sent after its own step 1 and before its step 2 answering ours: see `screen`.
        const early = connection.sentStep1 && connection.step2Awaited > 0 && !message.step2;
        if (message.step2 && connection.step2Awaited > 0) connection.step2Awaited--;
        if (connection.readOnly) {
          // Counted as handled, so acknowledgements stay in step with the client's count should the
          // connection become writable again; it is then asked (sync step 1) for what it has.
          connection.updatesAcknowledged++;
          this.ctx.log.debug({ documentId: this.documentId, userId: connection.identity.userId }, "collab: dropped update of a read-only connection");
          return;
        }
        return this.acceptUpdate(connection, message.update, early, message.step2);
      }
      case "awareness":
        return this.presence.receive(connection, message.update);
      case "queryAwareness": {
        if (!connection.charge()) return;
        const presence = this.presence.allStatesFrame();
        return presence ? connection.send(presence) : undefined;
      }
    }
  }

  /** Checks an update, applies it (relaying it to the others) and queues it for the log. */
  private acceptUpdate(connection: Connection, update: Uint8Array, early: boolean, step2: boolean): void {
    // Its connection is being closed; the client resends what is its own to the document reloaded.
    if (this.stale) return;
    if (update.length === 0) return this.writes.push({ connection, update: null, step2 });
    let decoded;
    try {
      // A pure parse: a malformed update must never be stored, or every later load would trip on it.
      decoded = Y.decodeUpdate(update);
    } catch (error) {
      return connection.close(CloseCodes.Malformed, `update: ${errorMessage(error)}`);
    }
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return this.writes.push({ connection, update: null, step2 });
    if (!this.fits(update.length)) return connection.close(CloseCodes.DocumentTooLarge, `${update.length} more bytes`);
    const stored = this.screen(connection, update, decoded, early);
    if (!stored) return;
    this.sizeEstimate += stored.length;
    this.applySafely(stored, connection);
    this.writes.push({ connection, update: stored, step2 });
  }

  private fits(bytes: number): boolean {
    const max = this.ctx.limits.maxDocumentBytes;
    if (this.sizeEstimate + bytes <= max) return true;
    // Near the limit: measure (the estimate overcounts, as merged and deleted content shrink).
    this.sizeEstimate = this.wholeState().length;
    return this.sizeEstimate + bytes <= max;
  }

  /**
   * Commits one batch (group commit) of updates the doc holds already, then acknowledges it in
   * order: "saved" follows the commit. Refused or not stored, the room is reset (see the class).
   */
  private async commit(batch: PendingWrite[]): Promise<void> {
    if (this.stale) return this.abandon(batch, new Error("the document was reset"));
    const rows = batch.filter((w): w is PendingWrite & { update: Uint8Array } => w.update !== null);
    let seqs: number[] = [];
    if (rows.length > 0) {
      const entries = rows.map((w) => ({ update: w.update, userId: w.connection?.identity.userId ?? w.userId ?? "" }));
      const { outage } = this.ctx;
      // The database away (connection lost, restarting): the batch stays here and is retried until it
      // is stored, while later writes queue behind it in order; sockets stay open and nothing is
      // acknowledged meanwhile, so editors show "Saving…". Should a lost connection have committed the
      // rows after all, storing them again is harmless: a Yjs update applied twice changes nothing.
      for (let attempt = 0; ; attempt++) {
        try {
          seqs = await this.ctx.persistence.append(this.documentId, entries);
          outage.succeeded();
          break;
        } catch (error) {
          if (error instanceof WriteRefused) {
            this.ctx.log.info({ documentId: this.documentId, writes: batch.length, reason: error.reason }, "collab: dropped updates to a document that can no longer be written");
            this.refuseWriters(error.reason);
            return this.resetWith(batch, error, CloseCodes.Unavailable);
          }
          if (isConnectionError(error) && outage.mayRetry()) {
            outage.failed(this.documentId, error, rows.length);
            await outage.wait(attempt);
            continue;
          }
          this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not store updates");
          // Their clients still hold the changes and resend them to the document reloaded.
          return this.resetWith(batch, error, { code: CloseCodes.Unavailable.code, reason: "could not store update" });
        }
      }
    }
    for (const w of rows) {
      const editor = w.connection?.identity.userId ?? w.userId;
      if (editor) this.editorsSinceQuiet.add(editor);
      this.quiet?.touch();
    }
    this.lastSeq = Math.max(this.lastSeq, ...seqs);
    this.logRows += rows.length;
    const acknowledged = new Set<Connection>();
    for (const w of batch) {
      w.done?.resolve();
      if (!w.connection) continue;
      acknowledge(w);
      acknowledged.add(w.connection);
    }
    for (const c of acknowledged) {
      if (!c.readOnly) c.sendExtra("saved", encodeSavedMessage({ acknowledged: c.updatesAcknowledged, seq: this.lastSeq }));
    }
    if (seqs.length > 0) {
      try {
        this.ctx.onPersisted?.(this.documentId, this.lastSeq, Math.min(...seqs));
      } catch (error) {
        this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: onPersisted failed");
      }
    }
    if (this.logRows >= this.ctx.limits.compactAfterUpdates) this.compactSoon();
  }

  /**
   * The log refused or could not store a batch the doc already holds: nothing more is accepted, and
   * the server unloads the room and closes its connections, which reconnect to the document as
   * stored. Nothing of the batch (or queued after it) is acknowledged.
   */
  private resetWith(batch: PendingWrite[], error: unknown, close: CloseCode): void {
    this.abandon(batch, error);
    if (this.stale) return;
    this.stale = true;
    this.derive?.cancel();
    this.quiet?.cancel();
    this.ctx.reset(this, close);
  }

  private abandon(batch: PendingWrite[], error: unknown): void {
    for (const w of batch) w.done?.reject(error);
  }

  /**
   * Turns this document's writers read-only at once, told why (the access message), as the access
   * watcher does a moment later (which then finds nothing to change); their later updates are dropped.
   */
  private refuseWriters(reason: ReadOnlyReason): void {
    for (const c of this.connections) {
      if (c.readOnly) continue;
      c.readOnly = true;
      c.identity.readOnlyReason = reason;
      c.sendExtra("access", encodeAccessMessage({ readOnly: true, reason }));
    }
  }

  private compactSoon(): void {
    this.compacting ??= this.compactNow().finally(() => (this.compacting = null));
  }

  private async compactNow(): Promise<void> {
    try {
      const result = await this.ctx.persistence.compact(this.documentId);
      // Busy: another instance is folding the log right now, this instance's rows with it.
      this.logRows = result.busy ? 0 : Math.max(0, this.logRows - result.compactedRows);
      this.ctx.log.debug({ documentId: this.documentId, ...result }, "collab: compacted");
    } catch (error) {
      this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: compaction failed (the log is intact)");
    }
  }

  private async readRemote(seq: number, fromSeq: number): Promise<void> {
    if (this.destroyed || this.stale) return;
    let stored;
    try {
      stored = await this.ctx.persistence.readSince(this.documentId, this.readSeq, seq, Math.min(fromSeq, seq));
    } catch (error) {
      return this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not read remote updates");
    }
    if (this.destroyed || this.stale) return;
    // Our own rows come back too; applying them again changes nothing and broadcasts nothing.
    this.applyStored(stored.updates, REMOTE);
    for (const update of stored.updates) this.sizeEstimate += update.length;
    this.readSeq = Math.max(this.readSeq, stored.lastSeq);
    this.lastSeq = Math.max(this.lastSeq, stored.lastSeq);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.encoded = null;
    const frame = updateFrame(update);
    for (const c of this.connections) if (c !== origin) c.send(frame);
    if (!this.stale) this.derive?.touch();
  };

  /**
   * Checks a client's update against the document before it is applied or stored: an update whose
   * dependencies the document lacks, that breaks the content limits or would make Yjs's conflict
   * resolution slow (`update-check.ts`) closes its connection and is never applied (one with missing
   * dependencies sent before the client's sync step 2 is only dropped: `droppedEarly`). Returns what
   * to apply and store, or null when refused.
   */
  private screen(connection: Connection, update: Uint8Array, decoded: ReturnType<typeof Y.decodeUpdate>, early: boolean): Uint8Array | null {
    const { limits } = this.ctx;
    if (this.nodeEstimate >= limits.maxContentNodes) this.nodeEstimate = countNodes(this.doc);
    const verdict = checkUpdates(this.doc, [decoded], {
      maxContentDepth: limits.maxContentDepth,
      maxNewNodes: limits.maxContentNodes - this.nodeEstimate,
      maxIntegrationSteps: limits.maxIntegrationSteps,
      allowedRoots: limits.allowedRoots,
    });
    if (verdict.ok) {
      this.nodeEstimate += verdict.newNodes;
      return this.onlyWhatIsNew(update, decoded);
    }
    if (verdict.kind === "dependencies" && early && this.droppedEarly(connection, update.length, verdict.detail)) return null;
    const code = verdict.kind === "dependencies" ? CloseCodes.MissingDependencies : CloseCodes.ContentLimit;
    this.ctx.log.warn({ documentId: this.documentId, userId: connection.identity.userId, bytes: update.length, refused: verdict.kind, detail: verdict.detail }, "collab: refused an update");
    connection.close(code, verdict.detail);
    return null;
  }

  /**
   * An update with missing dependencies sent between the client's sync step 1 and its step 2 answering
   * ours: a stock client reconnecting with unsaved edits types on before it has our step 1, so its
   * keystroke builds on edits it sends only with its step 2 — which carries its whole state, this
   * update's content included. So it is dropped (never stored, as any refused update), not closed
   * (4409, after which the stock client would not reconnect); it is acknowledged with the step 2, so
   * "saved" never runs ahead. Returns false — close as after sync — past `maxQueuedMessages` frames or
   * `maxQueuedBytes` bytes dropped so: a client that sent its step 1 but never answers ours.
   */
  private droppedEarly(c: Connection, bytes: number, detail: string): boolean {
    c.earlyDropped++;
    c.earlyDroppedBytes += bytes;
    const { limits } = this.ctx;
    if (c.earlyDropped > limits.maxQueuedMessages || c.earlyDroppedBytes > limits.maxQueuedBytes) return false;
    c.earlyUnacknowledged++;
    this.ctx.log.debug({ documentId: this.documentId, userId: c.identity.userId, bytes, detail }, "collab: dropped an update sent before the client's sync step 2");
    return true;
  }

  /**
   * Reduces an update that repeats clocks the document holds to what it lacks (`Y.diffUpdate`): Yjs
   * ignores repeated clocks, so the log must not keep them — a forged repeat with other content would
   * win when rows are merged (`Y.mergeUpdates` keeps the longer struct) and the stored document would
   * differ from the one everybody was sent.
   */
  private onlyWhatIsNew(update: Uint8Array, decoded: ReturnType<typeof Y.decodeUpdate>): Uint8Array {
    const repeats = decoded.structs.some((s) => s.id.clock < Y.getState(this.doc.store, s.id.client));
    return repeats ? Y.diffUpdate(update, Y.encodeStateVector(this.doc)) : update;
  }

  /** The whole document as one update (see `encoded`). */
  private wholeState(): Uint8Array {
    return (this.encoded ??= Y.encodeStateAsUpdate(this.doc));
  }

  /**
   * Applies stored rows merged into one update (`Y.mergeUpdates`, one integration instead of one
   * per row); should the merge fail, row by row, skipping what cannot be read. Returns the merged
   * update when it was applied whole.
   */
  private applyStored(updates: Uint8Array[], origin: unknown): Uint8Array | null {
    if (updates.length === 0) return null;
    let merged: Uint8Array | null = null;
    try {
      merged = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    } catch (error) {
      this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not merge stored updates, applying them one by one");
    }
    if (merged) return this.applySafely(merged, origin) ? merged : null;
    for (const update of updates) this.applySafely(update, origin);
    return null;
  }

  private applySafely(update: Uint8Array, origin: unknown): boolean {
    try {
      Y.applyUpdate(this.doc, update, origin);
      return true;
    } catch (error) {
      this.ctx.log.error({ documentId: this.documentId, err: error }, "collab: could not apply a stored update");
      return false;
    }
  }
}

/** Counts a client's write as handled; its sync step 2 also covers the updates dropped before it. */
function acknowledge(w: PendingWrite): void {
  const c = w.connection;
  if (!c) return;
  c.updatesAcknowledged++;
  if (!w.step2) return;
  c.updatesAcknowledged += c.earlyUnacknowledged;
  c.earlyUnacknowledged = 0;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
