import { isDocumentUpdateFrame, readSavedMessage, SAVED_MESSAGE_TYPE } from "@twinning/collab/saved-message";
import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

/** What the editor shows about its connection and saving. */
export type SaveState = "connecting" | "saved" | "saving" | "offline" | "reconnecting" | "unreachable";

export interface CollabSession {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** True once the browser's own copy (IndexedDB) has been read. */
  localLoaded: boolean;
  state: SaveState;
}

// A server that has not answered within this long after the page opened counts as unreachable.
const UNREACHABLE_AFTER_MS = 4_000;

/**
 * One Y.Doc per open document, kept in IndexedDB (offline edits survive a reload) and synced over the
 * app's own `/collab` socket. Created in an effect and kept in state, so React's StrictMode double
 * mount cannot leave a dead provider behind.
 */
export function useCollabSession(documentId: string): CollabSession | null {
  const [session, setSession] = useState<Omit<CollabSession, "state" | "localLoaded"> | null>(null);
  const [state, setState] = useState<SaveState>("connecting");
  const [localLoaded, setLocalLoaded] = useState(false);

  useEffect(() => {
    const ydoc = new Y.Doc();
    const local = new IndexeddbPersistence(`twinning-doc-${documentId}`, ydoc);
    local.whenSynced.then(() => setLocalLoaded(true));
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
        setState(counter.acknowledged >= counter.sent ? "saved" : "saving");
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
    const onLocalChange = (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider) queueMicrotask(update);
    };
    ydoc.on("update", onLocalChange);
    provider.on("status", update);
    provider.on("sync", update);
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
      void local.destroy();
      ydoc.destroy();
      setSession(null);
      setLocalLoaded(false);
      setState("connecting");
    };
  }, [documentId]);

  return session ? { ...session, state, localLoaded } : null;
}
