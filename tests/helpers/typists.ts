import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { isDocumentUpdateFrame, readSavedMessage } from "../../packages/collab/src/index";
import { PgPersistence } from "../../packages/collab/src/index";
import type { Sql } from "@twinning/db";

/**
 * Scripted editors for fault tests: stock y-websocket clients that each type into a paragraph of
 * their own, count what they sent and what the server acknowledged as saved (the editor's "Saving…"
 * rule), and remember, for every acknowledged frame, how far their own edits reached when they sent
 * it — so a test can check that "saved" never ran ahead of PostgreSQL.
 */
export interface Typist {
  name: string;
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** Frames sent and acknowledged on the current socket. */
  sent(): number;
  acknowledged(): number;
  /** The editor's indicator: synced and everything sent on this socket acknowledged. */
  saved(): boolean;
  /** The highest clock of this client's own edits that the server has said is saved. */
  savedClock(): number;
  /** This client's own edits so far (its clock). */
  clock(): number;
  /** Sockets this client opened, and their close codes. */
  connects: number;
  closes: number[];
  /** Types one character into its paragraph. */
  key(): void;
  destroy(): void;
}

/**
 * A stock client with a cookie (a browser's session), asking for the saved message as our editor does.
 * `baseUrl` is asked at every (re)connect; every change of its document is also applied to `oracle`.
 */
export function typist(name: string, baseUrl: () => string, documentId: string, cookie: string, oracle: Y.Doc): Typist {
  const ydoc = new Y.Doc();
  ydoc.on("update", (update: Uint8Array) => Y.applyUpdate(oracle, update));
  const wsUrl = () => baseUrl().replace(/^http/, "ws");
  let sent = 0;
  let acknowledged = 0;
  let savedClock = 0;
  // This client's clock as each frame of the current socket was sent.
  let clocks: number[] = [];
  const self = { connects: 0 };
  class TypistSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      // Where to connect is decided per attempt (a test may move it to another instance).
      super(url.replace(/^wss?:\/\/[^/]+/, wsUrl()), protocols, { headers: { Cookie: cookie, Origin: baseUrl() } });
      sent = 0;
      acknowledged = 0;
      clocks = [];
      self.connects++;
    }
    override send(data: any, options?: any, cb?: any): void {
      if (isDocumentUpdateFrame(data)) {
        sent++;
        clocks.push(Y.getState(ydoc.store, ydoc.clientID));
      }
      super.send(data, options, cb);
    }
  }
  const provider = new WebsocketProvider(`${wsUrl()}/collab`, documentId, ydoc, {
    WebSocketPolyfill: TypistSocket as never,
    params: { messages: "saved,access" },
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closes: number[] = [];
  provider.on("connection-close", (event) => void (event && closes.push(event.code)));
  provider.messageHandlers[100] = (_encoder, decoder) => {
    const message = readSavedMessage(decoder);
    acknowledged = message.acknowledged;
    if (acknowledged > 0) savedClock = Math.max(savedClock, clocks[Math.min(acknowledged, clocks.length) - 1] ?? 0);
  };
  let line: Y.XmlText | null = null;
  const typistObject: Typist = {
    name,
    ydoc,
    provider,
    sent: () => sent,
    acknowledged: () => acknowledged,
    saved: () => provider.synced && acknowledged >= sent,
    savedClock: () => savedClock,
    clock: () => Y.getState(ydoc.store, ydoc.clientID),
    get connects() {
      return self.connects;
    },
    closes,
    key() {
      if (!line) {
        const paragraph = new Y.XmlElement("paragraph");
        line = new Y.XmlText("");
        paragraph.insert(0, [line]);
        const fragment = ydoc.getXmlFragment("default");
        fragment.insert(fragment.length, [paragraph]);
      }
      line.insert(line.length, name[line.length % name.length]);
    },
    destroy() {
      provider.destroy();
      ydoc.destroy();
    },
  };
  return typistObject;
}

/** Every typist types a key every `intervalMs` until the returned function is called. */
export function typeAway(typists: Typist[], intervalMs: number): { stop(): void; keys(): number } {
  let keys = 0;
  const timer = setInterval(() => {
    for (const t of typists) {
      t.key();
      keys++;
    }
  }, intervalMs);
  return {
    stop: () => clearInterval(timer),
    keys: () => keys,
  };
}

/** The document as stored in PostgreSQL: snapshot plus log, as a fresh instance would load it. */
export async function storedDoc(sql: Sql, documentId: string): Promise<Y.Doc> {
  const stored = await new PgPersistence(sql).load(documentId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
  return doc;
}

/** Polls `check` every few milliseconds until it holds (no fixed sleeps); rejects after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
