import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import type * as Y from "yjs";
import { AWARENESS_STATE_TOO_BIG, guardAwarenessUpdate } from "./awareness-guard";
import { CloseCodes } from "./close-codes";
import { Connection } from "./connection";
import type { CollabLimits } from "./options";
import { awarenessFrame } from "./protocol";

/**
 * A room's awareness (who is here, cursors). Each client id belongs to the connection that first set
 * it; other connections cannot change or remove it, and every state carries its owner's server-known
 * identity in `user`. Changes are sent together once per `limits.presenceFanOutMs` (each client's
 * latest state, in one frame for everyone), so with n connections each changing, the server sends n
 * frames per interval instead of one frame to n connections per change: n, not n².
 */
export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners = new Map<number, Connection>();
  private changes = 0;
  /** Client ids changed since the last fan-out. */
  private readonly changed = new Set<number>();
  private fanOut: NodeJS.Timeout | null = null;
  /** Client ids changed here (not applied from another instance) since the last fan-out, for `forward`. */
  private readonly changedHere = new Set<number>();

  /**
   * `forward`, when given, is told this instance's own changes (its connections' states and their
   * removal) once per fan-out interval, as one encoded awareness update, for other instances.
   */
  constructor(
    doc: Y.Doc,
    private readonly limits: CollabLimits,
    private readonly broadcast: (frame: Uint8Array) => void,
    private readonly forward?: (update: Uint8Array) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    // The server itself is nobody.
    this.awareness.setLocalState(null);
    this.awareness.on("update", this.onUpdate);
  }

  /** Applies an awareness frame's payload from `connection`, closing it when the payload is bad. */
  receive(connection: Connection, update: Uint8Array): void {
    // New ids are counted within the message too, so one frame cannot claim hundreds at once.
    let claims = connection.awarenessClients.size;
    const accept = (clientId: number) => {
      const owner = this.owners.get(clientId);
      if (owner) return owner === connection;
      if (claims >= this.limits.maxAwarenessClients) return false;
      claims++;
      return true;
    };
    let guarded;
    try {
      guarded = guardAwarenessUpdate(update, connection.user, accept, this.limits.maxAwarenessStateBytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return connection.close(message === AWARENESS_STATE_TOO_BIG ? CloseCodes.MessageTooBig : CloseCodes.Malformed, `awareness: ${message}`);
    }
    if (!guarded) return;
    const before = this.changes;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, guarded, connection);
    // Only messages that changed something cost tokens (the connection's and its user's): the stock
    // client echoes every state it receives.
    if (this.changes !== before) connection.chargePresence();
  }

  /** Withdraws every state `connection` controls (told to everyone). */
  remove(connection: Connection): void {
    const ids = [...connection.awarenessClients];
    for (const id of ids) if (this.owners.get(id) === connection) this.owners.delete(id);
    connection.awarenessClients.clear();
    awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  /**
   * Applies another instance's awareness update (its clients' states, checked there). Entries for a
   * client id a connection of this instance controls are left out: here, the local connection wins
   * (e.g. a client that moved here from another instance, whose removal arrives from there later).
   * Throws on a malformed update.
   */
  applyRemote(update: Uint8Array): void {
    const kept = withoutClients(update, (clientId) => this.owners.has(clientId));
    if (kept) awarenessProtocol.applyAwarenessUpdate(this.awareness, kept, REMOTE);
  }

  /** Tells `forward` every state this instance's connections control (another instance loaded the document and asks). */
  announce(): void {
    if (!this.forward || this.owners.size === 0) return;
    for (const id of this.owners.keys()) this.changedHere.add(id);
    this.fanOut ??= setTimeout(this.sendChanged, this.limits.presenceFanOutMs);
  }

  /** Every current state, or null when nobody is present. */
  allStatesFrame(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length === 0 ? null : awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  /** Stops listening and frees the awareness (and its timer). */
  destroy(): void {
    if (this.fanOut) clearTimeout(this.fanOut);
    this.fanOut = null;
    this.changed.clear();
    this.changedHere.clear();
    this.awareness.off("update", this.onUpdate);
    this.awareness.destroy();
    this.owners.clear();
  }

  private readonly onUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof Connection) {
      this.changes++;
      // Claimed on any applied state, not only "added": a reconnecting client reuses its id.
      for (const id of [...added, ...updated]) {
        if (!this.awareness.getStates().has(id)) continue;
        this.owners.set(id, origin);
        origin.awarenessClients.add(id);
      }
      for (const id of removed) {
        if (this.owners.get(id) === origin) this.owners.delete(id);
        origin.awarenessClients.delete(id);
      }
    }
    for (const id of [...added, ...updated, ...removed]) {
      this.changed.add(id);
      // Not what another instance told us, nor a remote client's state timing out here (each instance times those out itself).
      if (this.forward && origin !== REMOTE && !(origin === "timeout" && !this.owners.has(id))) this.changedHere.add(id);
    }
    this.fanOut ??= setTimeout(this.sendChanged, this.limits.presenceFanOutMs);
  };

  /** One frame with the current state of every client changed since the last time, to everyone. */
  private readonly sendChanged = (): void => {
    this.fanOut = null;
    // A removed client keeps its meta (clock), so its removal is encoded as a null state.
    const ids = [...this.changed].filter((id) => this.awareness.meta.has(id));
    this.changed.clear();
    // To the sender too: the stock client treats 30 s without any message as a dead connection.
    if (ids.length > 0) this.broadcast(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
    const here = [...this.changedHere].filter((id) => this.awareness.meta.has(id));
    this.changedHere.clear();
    if (here.length > 0) this.forward?.(awarenessProtocol.encodeAwarenessUpdate(this.awareness, here));
  };
}

/** Transaction origin of awareness updates another instance sent. */
const REMOTE = "remote";

/** The awareness update without the entries `drop` names; null when none is left. Throws on a malformed update. */
function withoutClients(update: Uint8Array, drop: (clientId: number) => boolean): Uint8Array | null {
  const entries = readAwarenessEntries(update);
  const kept = entries.filter((e) => !drop(e.clientId));
  if (kept.length === entries.length) return entries.length ? update : null;
  return kept.length ? writeAwarenessEntries(kept) : null;
}

/** One client's entry of an encoded awareness update: its id, clock and state (JSON, as encoded). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Uint8Array;
}

/** The entries of an encoded awareness update (y-protocols' format); throws on malformed input. */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({ clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), state: decoding.readVarUint8Array(decoder) });
  }
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes in awareness update");
  return entries;
}

/** Encodes entries as one awareness update. */
export function writeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarUint8Array(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Splits an awareness update into updates of at most `maxBytes` each (whole entries; e.g. to fit a
 * NOTIFY payload). An entry that alone exceeds `maxBytes` is left out; `skipped` counts those.
 */
export function splitAwarenessUpdate(update: Uint8Array, maxBytes: number): { parts: Uint8Array[]; skipped: number } {
  if (update.length <= maxBytes) return { parts: [update], skipped: 0 };
  const parts: Uint8Array[] = [];
  let skipped = 0;
  let current: AwarenessEntry[] = [];
  // Bounds: a count varUint (≤ 5 bytes), and per entry two varUints (≤ 10 bytes each as lib0 writes them) and the state's length prefix.
  let size = 5;
  for (const entry of readAwarenessEntries(update)) {
    const bytes = 25 + entry.state.length;
    if (5 + bytes > maxBytes) {
      skipped++;
      continue;
    }
    if (size + bytes > maxBytes) {
      parts.push(writeAwarenessEntries(current));
      current = [];
      size = 5;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length) parts.push(writeAwarenessEntries(current));
  return { parts, skipped };
}
