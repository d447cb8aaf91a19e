import type { WebSocket } from "ws";
import type * as Y from "yjs";
import { encodeAccessMessage, type ReadOnlyReason } from "./access-message";
import { CloseCodes, type CloseCode } from "./close-codes";
import { Connection } from "./connection";
import type { ExtraMessage } from "./extra-messages";
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMING,
  type CollabIdentity,
  type CollabLimits,
  type CollabServerOptions,
  type CollabTiming,
} from "./options";
import type { StoredDocument } from "./persistence";
import { syncStep2FrameOf } from "./protocol";
import { Room, type RoomContext, type RoomStats } from "./room";
import { StoreOutage } from "./store-outage";
import { SharedBuckets } from "./token-bucket";

/** Selects connections by who is on them and which document they are on. */
export type ConnectionPredicate = (identity: CollabIdentity, documentId: string) => boolean;

/** What a connection may do from now on: change the document, only read it (and why), or nothing (closed). */
export type ConnectionAccess = { readOnly: false } | { readOnly: true; reason: ReadOnlyReason } | { close: CloseCode };

/** What `CollabServer.stats()` reports. */
export interface CollabStats {
  /** Documents loaded in memory. */
  documents: number;
  loading: number;
  unloading: number;
  /** Open connections, including those waiting for their document to load. */
  connections: number;
  perDocument: RoomStats[];
  /** Whether writes are failing for want of the database now; outages seen, and updates retried in them. */
  store: { unavailable: boolean; outages: number; retriedUpdates: number };
}

// How long shutdown waits for a client to answer its close (a stock client answers at once).
const SHUTDOWN_DRAIN_MS = 2_000;
// A stored document from which a load answers clients without a copy before integrating it (see
// `answerBeforeLoading`), and how long it waits for that answer to be on its way. Below that size
// integrating takes a few milliseconds and the answer waits for it.
const EARLY_ANSWER_MIN_BYTES = 256 * 1024;
const EARLY_ANSWER_WAIT_MS = 250;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The server side of the y-websocket protocol. The caller authenticates and authorises the HTTP
 * upgrade, then hands the socket over with `handleConnection`. Documents load on first use (one
 * shared load per document), stay while used, and unload a grace period after the last client left.
 */
export class CollabServer {
  readonly limits: CollabLimits;
  readonly timing: CollabTiming;
  private readonly ctx: RoomContext;
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly connections = new Set<Connection>();
  /** Presence changes per user, over all of their connections. */
  private readonly presenceBuckets: SharedBuckets;
  private readonly heartbeat: NodeJS.Timeout;
  private destroyed = false;

  constructor(private readonly options: CollabServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.ctx = {
      ...options,
      limits: this.limits,
      timing: this.timing,
      outage: new StoreOutage(options.log),
      reset: (room, close) => this.reset(room, close),
    };
    this.presenceBuckets = new SharedBuckets(this.limits.presencePerUser, this.limits.rateWindowMs);
    this.heartbeat = setInterval(() => this.beat(), this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Serves an authenticated, authorised socket for `documentId` (a uuid). Frames arriving while the
   * document loads are queued (within limits) and handled after the load. `wants`: which of our
   * messages beyond the y-websocket protocol the client asked for (`readExtraMessages` of its URL);
   * none by default, so a stock client gets only the standard protocol.
   */
  handleConnection(ws: WebSocket, documentId: string, identity: CollabIdentity, wants: Iterable<ExtraMessage> = []): void {
    // Gone during the upgrade: no 'close' event would ever come to clean up after it.
    if (ws.readyState !== ws.OPEN) return;
    const connection = new Connection(ws, documentId, identity, this.limits, this.options.log);
    connection.wants = new Set(wants);
    if (this.destroyed) return connection.close(CloseCodes.ShuttingDown);
    if (!UUID.test(documentId)) return connection.close(CloseCodes.Malformed, "document id is not a uuid");
    this.connections.add(connection);
    connection.presenceBucket = this.presenceBuckets.hold(identity.userId);
    connection.onClose((c) => this.forget(c));
    this.cancelUnload(documentId);
    this.room(documentId).then(
      (room) => {
        if (!connection.closed) room.add(connection);
      },
      (error) => {
        this.options.log.error({ documentId, err: error }, "collab: could not load document");
        connection.close(CloseCodes.Unavailable, "could not load document");
      },
    );
  }

  /** Closes every connection matching `predicate` (e.g. a user lost access to a space); returns how many. */
  closeWhere(predicate: ConnectionPredicate, code: number = CloseCodes.Revoked.code, reason: string = CloseCodes.Revoked.reason): number {
    let closed = 0;
    for (const c of [...this.connections]) {
      if (!predicate(c.identity, c.documentId)) continue;
      c.close({ code, reason });
      closed++;
    }
    return closed;
  }

  /** Makes matching connections read-only (their updates dropped) or writable again; returns how many. */
  setReadOnly(predicate: ConnectionPredicate, readOnly: boolean, reason: ReadOnlyReason = "role"): number {
    const access: ConnectionAccess = readOnly ? { readOnly, reason } : { readOnly };
    const { readOnly: r, writable } = this.setAccess((who, doc) => (predicate(who, doc) ? access : undefined));
    return r + writable;
  }

  /** Who is connected to what, now (a copy): for a caller deciding whose access to change. */
  openConnections(): { identity: Readonly<CollabIdentity>; documentId: string }[] {
    return [...this.connections].map((c) => ({ identity: c.identity, documentId: c.documentId }));
  }

  /**
   * Changes the access of open connections in place, in one pass: `decide` returns what a connection
   * may do from now on, or undefined to leave it alone. A connection turned read-only drops its later
   * updates and is told why (the access message); one turned writable again is told so and asked for
   * what it has (sync step 1); a closed one gets the given close code. Returns how many changed.
   */
  setAccess(decide: (identity: Readonly<CollabIdentity>, documentId: string) => ConnectionAccess | undefined): { readOnly: number; writable: number; closed: number } {
    const counts = { readOnly: 0, writable: 0, closed: 0 };
    for (const c of [...this.connections]) {
      const access = decide(c.identity, c.documentId);
      if (!access) continue;
      if ("close" in access) {
        c.close(access.close);
        counts.closed++;
        continue;
      }
      const reason = access.readOnly ? access.reason : undefined;
      if (c.readOnly === access.readOnly && c.identity.readOnlyReason === reason) continue;
      c.readOnly = access.readOnly;
      c.identity.readOnlyReason = reason;
      c.sendExtra("access", encodeAccessMessage({ readOnly: access.readOnly, reason: reason ?? "" }));
      if (access.readOnly) counts.readOnly++;
      else {
        counts.writable++;
        this.rooms.get(c.documentId)?.becameWritable(c);
      }
    }
    return counts;
  }

  /**
   * For scale-out: another instance committed `seq` for `documentId` (e.g. told by NOTIFY). When the
   * document is loaded here, the rows this instance has not seen are read, applied and broadcast.
   */
  async applyRemote(documentId: string, seq: number, fromSeq = seq): Promise<void> {
    await this.rooms.get(documentId)?.applyRemote(seq, fromSeq);
  }

  /**
   * For scale-out: another instance's awareness update for `documentId` (its clients' carets and
   * presence, or their removal), applied when the document is loaded here and sent on to its local
   * connections. A client id one of this instance's connections controls is left alone. Returns
   * whether the document is loaded here; throws on a malformed update.
   */
  applyRemoteAwareness(documentId: string, update: Uint8Array): boolean {
    const room = this.rooms.get(documentId);
    room?.presence.applyRemote(update);
    return room !== undefined;
  }

  /** For scale-out: another instance loaded `documentId` and asks who is here; `onAwareness` is told every local state soon. */
  announcePresence(documentId: string): void {
    this.rooms.get(documentId)?.presence.announce();
  }

  /** Whether a document is in memory here: loaded, loading, or still being stored as it unloads. */
  holds(documentId: string): boolean {
    return this.rooms.has(documentId) || this.loading.has(documentId) || this.unloading.has(documentId);
  }

  /** Ids of the documents loaded here (e.g. to catch up on all of them after missed notifications). */
  loadedDocuments(): string[] {
    return [...this.rooms.keys()];
  }

  /**
   * Applies a change the server makes itself (e.g. restoring a version) to a document, loading it if
   * needed: `change` runs in one Yjs transaction (origin `"server"`) on a copy of the document, and
   * the update it makes is committed to the log like any client's before every connection gets it.
   * Resolves once committed and broadcast. Whether the document may change at all (signed, archived)
   * is the caller's to decide before calling.
   */
  async applyServerUpdate(documentId: string, change: (doc: Y.Doc) => void, options: { userId: string }): Promise<void> {
    if (this.destroyed) throw new Error("collab server is shutting down");
    if (!UUID.test(documentId)) throw new Error("document id is not a uuid");
    const room = await this.room(documentId);
    await room.applyServerChange(change, options.userId);
  }

  /** Loaded documents and connection counts. */
  stats(): CollabStats {
    return {
      documents: this.rooms.size,
      loading: this.loading.size,
      unloading: this.unloading.size,
      connections: this.connections.size,
      perDocument: [...this.rooms.values()].map((r) => r.stats()),
      store: { unavailable: this.ctx.outage.active, outages: this.ctx.outage.counts.outages, retriedUpdates: this.ctx.outage.counts.retries },
    };
  }

  /**
   * Graceful shutdown: closes every connection — storing what each client sent until it answered the
   * close (at most `SHUTDOWN_DRAIN_MS`) — then stores, compacts and unloads every document.
   */
  async destroy(): Promise<void> {
    this.destroyed = true;
    clearInterval(this.heartbeat);
    // The database away at shutdown: pending writes are retried a while, then given up (their
    // clients, told to go, still hold the edits and resend them to another instance).
    this.ctx.outage.stopRetryingAfter();
    await Promise.all([...this.connections].map((c) => c.drain(CloseCodes.ShuttingDown, SHUTDOWN_DRAIN_MS)));
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled(this.loading.values());
    await Promise.all([...this.rooms.values()].map((room) => this.unload(room)));
    await Promise.allSettled(this.unloading.values());
  }

  /** The loaded room, or its load (shared by everyone opening it meanwhile). */
  private room(documentId: string): Promise<Room> {
    const loaded = this.rooms.get(documentId);
    if (loaded) return Promise.resolve(loaded);
    const pending = this.loading.get(documentId);
    if (pending) return pending;
    const load = (async () => {
      // A document being unloaded is stored first, then loaded afresh.
      await this.unloading.get(documentId);
      const stored = await this.options.persistence.load(documentId);
      await this.answerBeforeLoading(documentId, stored);
      const room = new Room(documentId, stored, this.ctx);
      this.rooms.set(documentId, room);
      try {
        this.options.onLoaded?.(documentId, room.doc);
      } catch (error) {
        this.options.log.error({ documentId, err: error }, "collab: onLoaded failed");
      }
      // Armed now and cancelled by the first add, so a room whose openers all left during the load still unloads.
      this.armUnload(room);
      return room;
    })();
    this.loading.set(documentId, load);
    const settle = () => this.loading.delete(documentId);
    load.then(settle, settle);
    return load;
  }

  /**
   * A long document takes its client as long to integrate as the server (10 MB: about 400 ms each).
   * Clients waiting for it that have no copy (their sync step 1 asks for everything: a first open)
   * are sent the stored document before the room integrates it, so both integrate at once. The
   * room holds exactly that document once built, so its answer would have been the same bytes (an
   * update Yjs cannot apply fails the same way in the client). Only for a document stored as one
   * update (usually its snapshot: a room compacts as it unloads); several are merged by the room.
   */
  private async answerBeforeLoading(documentId: string, stored: StoredDocument): Promise<void> {
    const [whole] = stored.updates;
    if (stored.updates.length !== 1 || whole.length < EARLY_ANSWER_MIN_BYTES) return;
    const fresh = [...this.connections].filter((c) => c.documentId === documentId && c.takeQueuedFreshStep1());
    if (fresh.length === 0) return;
    const frame = syncStep2FrameOf(whole);
    // Integrating blocks the event loop: wait until the answer has left, within a bound.
    await Promise.all(fresh.map((c) => c.sendFlushed(frame, EARLY_ANSWER_WAIT_MS)));
  }

  private forget(connection: Connection): void {
    this.connections.delete(connection);
    this.presenceBuckets.release(connection.identity.userId);
    const room = this.rooms.get(connection.documentId);
    if (room && room.remove(connection) === 0) this.armUnload(room);
  }

  private armUnload(room: Room): void {
    if (this.destroyed) return;
    this.cancelUnload(room.documentId);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.documentId);
      const waiting = [...this.connections].some((c) => c.documentId === room.documentId);
      if (room.connections.size === 0 && !waiting && this.rooms.get(room.documentId) === room) void this.unload(room);
    }, this.timing.unloadGraceMs);
    timer.unref();
    this.unloadTimers.set(room.documentId, timer);
  }

  private cancelUnload(documentId: string): void {
    const timer = this.unloadTimers.get(documentId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(documentId);
  }

  private unload(room: Room): Promise<void> {
    const { documentId } = room;
    this.rooms.delete(documentId);
    const done = room
      .close()
      .catch((error) => this.options.log.error({ documentId, err: error }, "collab: unload failed"))
      .finally(() => this.unloading.delete(documentId));
    this.unloading.set(documentId, done);
    return done;
  }

  /**
   * A room whose doc holds what the log refused or could not store: unloaded at once (a connection
   * arriving now waits for that and loads the document as stored), and its clients closed, so they
   * reconnect and resend what is theirs.
   */
  private reset(room: Room, close: CloseCode): void {
    if (this.rooms.get(room.documentId) === room) void this.unload(room);
    for (const c of [...room.connections]) c.close(close);
  }

  /** Pings everyone; whoever did not answer the previous ping is dropped. */
  private beat(): void {
    for (const c of [...this.connections]) {
      if (!c.alive) {
        c.terminate();
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        c.terminate();
      }
    }
  }
}
