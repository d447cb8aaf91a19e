import type { WebSocket } from "ws";
import { CloseCodes } from "./close-codes";
import { Connection } from "./connection";
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMING,
  type CollabIdentity,
  type CollabLimits,
  type CollabServerOptions,
  type CollabTiming,
} from "./options";
import { Room, type RoomContext, type RoomStats } from "./room";

/** Selects connections by who is on them and which document they are on. */
export type ConnectionPredicate = (identity: CollabIdentity, documentId: string) => boolean;

/** What `CollabServer.stats()` reports. */
export interface CollabStats {
  /** Documents loaded in memory. */
  documents: number;
  loading: number;
  unloading: number;
  /** Open connections, including those waiting for their document to load. */
  connections: number;
  perDocument: RoomStats[];
}

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
  private readonly heartbeat: NodeJS.Timeout;
  private destroyed = false;

  constructor(private readonly options: CollabServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.ctx = { ...options, limits: this.limits, timing: this.timing };
    this.heartbeat = setInterval(() => this.beat(), this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Serves an authenticated, authorised socket for `documentId` (a uuid). Frames arriving while the
   * document loads are queued (within limits) and handled after the load.
   */
  handleConnection(ws: WebSocket, documentId: string, identity: CollabIdentity): void {
    // Gone during the upgrade: no 'close' event would ever come to clean up after it.
    if (ws.readyState !== ws.OPEN) return;
    const connection = new Connection(ws, documentId, identity, this.limits, this.options.log);
    if (this.destroyed) return connection.close(CloseCodes.ShuttingDown);
    if (!UUID.test(documentId)) return connection.close(CloseCodes.Malformed, "document id is not a uuid");
    this.connections.add(connection);
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
  setReadOnly(predicate: ConnectionPredicate, readOnly: boolean): number {
    let changed = 0;
    for (const c of this.connections) {
      if (!predicate(c.identity, c.documentId) || c.readOnly === readOnly) continue;
      c.readOnly = readOnly;
      changed++;
    }
    return changed;
  }

  /**
   * For scale-out: another instance committed `seq` for `documentId` (e.g. told by NOTIFY). When the
   * document is loaded here, the rows this instance has not seen are read, applied and broadcast.
   */
  async applyRemote(documentId: string, seq: number): Promise<void> {
    await this.rooms.get(documentId)?.applyRemote(seq);
  }

  /** Loaded documents and connection counts. */
  stats(): CollabStats {
    return {
      documents: this.rooms.size,
      loading: this.loading.size,
      unloading: this.unloading.size,
      connections: this.connections.size,
      perDocument: [...this.rooms.values()].map((r) => r.stats()),
    };
  }

  /** Graceful shutdown: closes every connection, then stores, compacts and unloads every document. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    clearInterval(this.heartbeat);
    for (const c of [...this.connections]) c.close(CloseCodes.ShuttingDown);
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
      const room = new Room(documentId, stored, this.ctx);
      this.rooms.set(documentId, room);
      // Armed now and cancelled by the first add, so a room whose openers all left during the load still unloads.
      this.armUnload(room);
      return room;
    })();
    this.loading.set(documentId, load);
    const settle = () => this.loading.delete(documentId);
    load.then(settle, settle);
    return load;
  }

  private forget(connection: Connection): void {
    this.connections.delete(connection);
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
