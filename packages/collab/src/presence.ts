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

  constructor(
    doc: Y.Doc,
    private readonly limits: CollabLimits,
    private readonly broadcast: (frame: Uint8Array) => void,
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
    for (const id of [...added, ...updated, ...removed]) this.changed.add(id);
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
  };
}
