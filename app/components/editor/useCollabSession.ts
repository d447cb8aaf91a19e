import { ACCESS_LOST_CLOSE_REASONS, ACCESS_MESSAGE_TYPE, readAccessMessage, type AccessLostReason, type ReadOnlyReason } from "@twinning/collab/access-message";
import { extraMessagesParams } from "@twinning/collab/extra-messages";
import { isDocumentUpdateFrame, readSavedMessage, SAVED_MESSAGE_TYPE } from "@twinning/collab/saved-message";
import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { accessLostFromClose, reportAccessLost, stillSignedIn, useAccessLost } from "~/lib/access-lost";

/** What the editor shows about its connection and saving. */
export type SaveState = "connecting" | "saved" | "saving" | "offline" | "reconnecting" | "unreachable";
/** The save state as the page renders it: saving and saved, which alternate with each keystroke, are one. */
export type ConnectionState = Exclude<SaveState, "saving" | "saved"> | "live";

/**
 * The save state, changing with each keystroke (saving, then saved once committed), for who shows it
 * outside React's rendering: with the focus in the editor, every React commit walks the editor's whole
 * DOM to save and restore the selection (7 ms at 10 MB), so typing must not cause one.
 */
export class SaveStatus {
  private value: SaveState = "connecting";
  private readonly listeners = new Set<(state: SaveState) => void>();
  get(): SaveState {
    return this.value;
  }
  set(next: SaveState): void {
    if (next === this.value) return;
    this.value = next;
    for (const listener of this.listeners) listener(next);
  }
  /** Calls `listener` with each new state; returns the unsubscribe. */
  subscribe(listener: (state: SaveState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

export interface CollabSession {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** True once the browser's own copy (IndexedDB) has been read. */
  localLoaded: boolean;
  connection: ConnectionState;
  /** Saving or saved, kept out of React state (see {@link SaveStatus}). */
  status: SaveStatus;
  /** The server drops this user's changes (role, signed, archived): the editor is read-only. */
  readOnly: boolean;
  /** Why, when the server said so while the page was open ("" otherwise). */
  changedTo: ReadOnlyReason | "writable" | "";
  /** Changes kept on this device that the server never accepted were discarded. */
  refused: boolean;
  /** Access to the space ended for good (partner removed, user removed, session ended). */
  lost: AccessLostReason | null;
}

// A server that has not answered within this long after the page opened counts as unreachable.
const UNREACHABLE_AFTER_MS = 4_000;

/**
 * One Y.Doc per open document, synced over the app's own `/collab` socket. Created in an effect and
 * kept in state, so React's StrictMode double mount cannot leave a dead provider behind.
 *
 * Writable: the Y.Doc is kept in IndexedDB, so offline edits survive a reload and merge later.
 * Read-only (a viewer, a signed or archived document — from the page, or told by the server's access
 * message while open): the Y.Doc holds only what the server sends. The local copy is then compared
 * with the server's document once synced: whatever it holds that the server does not (typed as the
 * document was being locked) is discarded with the copy, and the user is told; the server's content
 * becomes the new local copy. A switch either way starts a fresh session.
 */
export function useCollabSession(documentId: string, spaceId: string, initiallyReadOnly: boolean): CollabSession | null {
  const [session, setSession] = useState<Pick<CollabSession, "ydoc" | "provider"> | null>(null);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [status] = useState(() => new SaveStatus());
  const setState = (next: SaveState | ((current: SaveState) => SaveState)) => {
    const state = typeof next === "function" ? next(status.get()) : next;
    status.set(state);
    setConnection(state === "saving" || state === "saved" ? "live" : state);
  };
  const [localLoaded, setLocalLoaded] = useState(false);
  const [mode, setMode] = useState<{ readOnly: boolean; changedTo: CollabSession["changedTo"] }>({ readOnly: initiallyReadOnly, changedTo: "" });
  const [refused, setRefused] = useState(false);
  const lost = useAccessLost(spaceId);
  const readOnly = mode.readOnly;

  useEffect(() => {
    if (lost) return;
    const ydoc = new Y.Doc();
    const name = `twinning-doc-${documentId}`;
    let local: IndexeddbPersistence | null = null;
    let earlier: { doc: Y.Doc; persistence: IndexeddbPersistence } | null = null;
    if (readOnly) {
      // The earlier local copy, read aside: compared with the server's document once synced.
      const doc = new Y.Doc();
      earlier = { doc, persistence: new IndexeddbPersistence(name, doc) };
      setLocalLoaded(true);
    } else {
      local = new IndexeddbPersistence(name, ydoc);
      local.whenSynced.then(() => setLocalLoaded(true));
    }
    // The server acknowledges, per connection, how many document-changing frames it has committed;
    // counting what this socket sent tells whether everything typed is saved.
    const counter = { sent: 0, acknowledged: 0 };
    class CountingSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        counter.sent = 0;
        counter.acknowledged = 0;
      }
      send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
        if (typeof data !== "string" && !(data instanceof Blob) && isDocumentUpdateFrame(data)) counter.sent++;
        super.send(data);
      }
    }
    const origin = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}`;
    const provider = new WebsocketProvider(`${origin}/collab`, documentId, ydoc, {
      WebSocketPolyfill: CountingSocket,
      // Ask for the "saved" and "access" messages handled below (a stock client gets neither).
      params: extraMessagesParams(["saved", "access"]),
      maxBackoffTime: 5_000,
      // Everything goes through the server, which alone decides what a user may change.
      disableBc: true,
    });
    let everConnected = false;
    const update = () => {
      if (everConnected && !navigator.onLine) {
        setState("offline");
      } else if (provider.wsconnected && provider.synced) {
        everConnected = true;
        setState(readOnly || counter.acknowledged >= counter.sent ? "saved" : "saving");
      } else if (!everConnected) {
        setState((s) => (s === "unreachable" ? s : "connecting"));
      } else {
        setState(navigator.onLine ? "reconnecting" : "offline");
      }
    };
    provider.messageHandlers[SAVED_MESSAGE_TYPE] = (_encoder, decoder) => {
      counter.acknowledged = readSavedMessage(decoder).acknowledged;
      update();
    };
    // The server says this connection's access changed (signed, archived, role): start over in that mode.
    provider.messageHandlers[ACCESS_MESSAGE_TYPE] = (_encoder, decoder) => {
      const message = readAccessMessage(decoder);
      if (message.readOnly === readOnly) return;
      setMode({ readOnly: message.readOnly, changedTo: message.readOnly ? message.reason || "role" : "writable" });
    };
    provider.on("connection-close", (event) => {
      const reason = accessLostFromClose(event, ACCESS_LOST_CLOSE_REASONS);
      if (!reason) return;
      void (async () => {
        // This browser may already hold a new session (its password was changed here): reconnect.
        if (reason === "sessionEnded" && (await stillSignedIn())) {
          if (!ydoc.isDestroyed) provider.connect();
        } else reportAccessLost(spaceId, reason);
      })();
    });
    const onLocalChange = (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider) queueMicrotask(update);
    };
    ydoc.on("update", onLocalChange);
    provider.on("status", update);
    provider.on("sync", update);
    if (earlier) {
      const aside = earlier;
      const compare = async (synced: boolean) => {
        if (!synced) return;
        provider.off("sync", compare);
        await aside.persistence.whenSynced;
        const merged = new Y.Doc();
        Y.applyUpdate(merged, Y.encodeStateAsUpdate(ydoc));
        Y.applyUpdate(merged, Y.encodeStateAsUpdate(aside.doc));
        const differs = merged.getXmlFragment("default").toString() !== ydoc.getXmlFragment("default").toString();
        merged.destroy();
        await aside.persistence.clearData();
        aside.doc.destroy();
        if (differs) setRefused(true);
        // The server's document is the local copy from now on (for reading offline).
        if (!ydoc.isDestroyed) local = new IndexeddbPersistence(name, ydoc);
      };
      provider.on("sync", compare);
    }
    // The browser knows before the socket does: stop and keep changes locally; resume when back.
    const goOffline = () => {
      provider.disconnect();
      update();
    };
    const goOnline = () => {
      provider.connect();
      update();
    };
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    const unreachable = window.setTimeout(() => {
      if (!everConnected) setState("unreachable");
    }, UNREACHABLE_AFTER_MS);
    setSession({ ydoc, provider });
    return () => {
      window.clearTimeout(unreachable);
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      ydoc.off("update", onLocalChange);
      provider.destroy();
      void local?.destroy();
      if (earlier) {
        void earlier.persistence.destroy();
        earlier.doc.destroy();
      }
      ydoc.destroy();
      setSession(null);
      setLocalLoaded(false);
      setState("connecting");
    };
  }, [documentId, spaceId, readOnly, lost]);

  // Access ended for good: nothing of the space stays on this device.
  useEffect(() => {
    if (!lost) return;
    const copy = new IndexeddbPersistence(`twinning-doc-${documentId}`, new Y.Doc());
    void copy.clearData();
  }, [lost, documentId]);

  if (lost) return null;
  return session ? { ...session, connection, status, localLoaded, readOnly, changedTo: mode.changedTo, refused, lost } : null;
}
