import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { extraMessagesParams, readAccessMessage, readSavedMessage, type AccessMessage } from "../../packages/collab/src/index";

/**
 * What a browser keeps open on a running app: the stock y-websocket client on `/collab` (with a
 * session cookie) and a space's event stream, each recording what the server told it.
 */

export interface LiveSocket {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  synced: Promise<void>;
  /** Close events: code and reason. */
  closes: { code: number; reason: string }[];
  /** Access messages (type 101) received. */
  access: AccessMessage[];
  /** Appends a paragraph to the document (a change the server stores, or drops when read-only). */
  type(text: string): void;
  destroy(): void;
}

/** The stock client in Node, sending the session cookie and asking for the saved and access messages like our editor does. */
export function openSocket(baseUrl: string, documentId: string, cookie: string): LiveSocket {
  const headers = { Cookie: cookie, Origin: baseUrl };
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace("http", "ws")}/collab`, documentId, ydoc, {
    WebSocketPolyfill: CookieSocket as never,
    disableBc: true,
    params: extraMessagesParams(),
  });
  const closes: { code: number; reason: string }[] = [];
  const access: AccessMessage[] = [];
  provider.on("connection-close", (event) => void (event && closes.push({ code: event.code, reason: event.reason })));
  provider.messageHandlers[100] = (_encoder, decoder) => void readSavedMessage(decoder);
  provider.messageHandlers[101] = (_encoder, decoder) => void access.push(readAccessMessage(decoder));
  const synced = new Promise<void>((resolve) => provider.once("sync", () => resolve()));
  return {
    ydoc,
    provider,
    synced,
    closes,
    access,
    type(text) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(text)]);
      const fragment = ydoc.getXmlFragment("default");
      fragment.insert(fragment.length, [paragraph]);
    },
    destroy() {
      provider.destroy();
      ydoc.destroy();
    },
  };
}

export interface LiveStream {
  status: number;
  /** Every event received, by name, with its data. */
  events: { event: string; data: unknown }[];
  /** True once the server ended the stream. */
  ended(): boolean;
  stop(): Promise<void>;
}

/** Opens `/s/<spaceId>/events` with a cookie and reads it until it ends or is stopped. */
export function openStream(baseUrl: string, spaceId: string, cookie: string): Promise<LiveStream> {
  return openEventStream(baseUrl, `/s/${spaceId}/events`, cookie);
}

/** Opens an event stream at `path` (a space's, or the user's own `/inbox/events`) with a cookie and reads it until it ends or is stopped. */
export async function openEventStream(baseUrl: string, path: string, cookie: string): Promise<LiveStream> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie }, signal: controller.signal, redirect: "manual" });
  const events: { event: string; data: unknown }[] = [];
  let ended = false;
  const reading = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const blocks = buffer.split("\n\n");
        buffer = blocks.pop() ?? "";
        for (const block of blocks) {
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : null });
        }
      }
      ended = true;
    } catch {
      /* aborted */
    }
  })();
  return {
    status: res.status,
    events,
    ended: () => ended,
    async stop() {
      controller.abort();
      await reading;
    },
  };
}
