import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { afterAll } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Sql } from "@twinning/db";
import {
  CollabServer,
  PgPersistence,
  extraMessagesParams,
  isDocumentUpdateFrame,
  readExtraMessages,
  readAccessMessage,
  readSavedMessage,
  type AccessMessage,
  type CollabServerOptions,
  type SavedMessage,
} from "../../packages/collab/src/index";
import { freshDatabase } from "../helpers/db";
import { detachFromDocuments } from "./tables";

/** A fresh migrated database whose collab tables accept any document id. */
export async function collabDatabase(): Promise<{ url: string; sql: Sql }> {
  const db = await freshDatabase();
  await detachFromDocuments(db.sql);
  return db;
}

/** A pino logger whose lines are kept in memory, to assert on what was logged. */
export function memoryLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

export interface RunningCollab {
  collab: CollabServer;
  /** ws://127.0.0.1:port/collab — y-websocket appends `/<documentId>`. */
  url: string;
  /** Stops listening and destroys the collab server (flushing documents). */
  close(): Promise<void>;
}

/**
 * A real http.Server with a noServer WebSocketServer, mounted like the app will: `/collab/<id>`.
 * The identity comes from query parameters (`user`, `readOnly=1`, `space`, `name`); the extra messages
 * the client wants from `messages`, as in the app.
 */
export async function startCollab(sql: Sql, options: Partial<CollabServerOptions> = {}): Promise<RunningCollab> {
  const collab = new CollabServer({ persistence: new PgPersistence(sql), log: pino({ level: "silent" }), ...options });
  const wss = new WebSocketServer({ noServer: true, maxPayload: collab.limits.maxMessageBytes });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/collab\/([^/]+)$/.exec(url.pathname);
    if (!match) return socket.destroy();
    const user = url.searchParams.get("user") ?? "anonymous";
    const identity = {
      userId: user,
      name: url.searchParams.get("name") ?? `Name of ${user}`,
      tenantName: `Tenant of ${user}`,
      color: "#336699",
      readOnly: url.searchParams.get("readOnly") === "1",
      spaceId: url.searchParams.get("space") ?? "space-1",
    };
    wss.handleUpgrade(req, socket, head, (ws) => collab.handleConnection(ws, match[1], identity, readExtraMessages(url.searchParams)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await collab.destroy();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  afterAll(close);
  return { collab, url: `ws://127.0.0.1:${port}/collab`, close };
}

/**
 * The browser recipe for the saved indicator: a WebSocket that counts the document-changing frames it
 * sends, to compare with the `acknowledged` of saved messages.
 */
export class CountingWebSocket extends WebSocket {
  sentUpdates = 0;

  override send(data: any, options?: any, cb?: any): void {
    if (isDocumentUpdateFrame(data)) this.sentUpdates++;
    super.send(data, options, cb);
  }
}

export interface Client {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  /** Every saved message received, in order. */
  saved: SavedMessage[];
  /** Every access message (read-only or not, and why) received, in order. */
  access: AccessMessage[];
  /** Resolves once synced with the server. */
  synced(): Promise<void>;
  /** Resolves once everything this client sent on its current socket is committed. */
  allSaved(): Promise<void>;
  destroy(): void;
}

/**
 * A stock y-websocket client in Node (no BroadcastChannel, so only the server connects clients) that
 * asks for the saved and access messages, as our editor does (pass `messages: ""` to ask for none).
 */
export function connect(url: string, documentId: string, params: Record<string, string>): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, documentId, doc, {
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    params: { ...extraMessagesParams(), ...params },
    disableBc: true,
    connect: true,
  });
  const saved: SavedMessage[] = [];
  const access: AccessMessage[] = [];
  provider.messageHandlers[100] = (_encoder, decoder) => void saved.push(readSavedMessage(decoder));
  provider.messageHandlers[101] = (_encoder, decoder) => void access.push(readAccessMessage(decoder));
  const client: Client = {
    doc,
    text: doc.getText("body"),
    provider,
    saved,
    access,
    synced: () => waitFor(() => provider.synced, 5_000, "synced"),
    allSaved: () =>
      waitFor(
        () => {
          const ws = provider.ws as unknown as CountingWebSocket | null;
          return provider.synced && ws !== null && (saved.at(-1)?.acknowledged ?? 0) >= ws.sentUpdates;
        },
        5_000,
        "all saved",
      ),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  afterAll(() => client.destroy());
  return client;
}

/** A raw ws socket to `/collab/<id>`, open, asking for the saved and access messages unless `params` says otherwise. */
export async function rawSocket(url: string, documentId: string, params: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${url}/${documentId}?${new URLSearchParams({ ...extraMessagesParams(), ...params })}`);
  ws.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("close", (code) => reject(new Error(`closed before open: ${code}`)));
  });
  return ws;
}

/** Resolves with the close code (and reason) of a socket, or rejects after `timeoutMs`. */
export function closeOf(ws: WebSocket, timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.reject(new Error("already closed; listen before it closes"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("socket not closed in time")), timeoutMs);
    ws.once("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

/** Polls `predicate` until true. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new document id. */
export const newDocumentId = () => randomUUID();

/** The document as stored: snapshot plus log, applied to a fresh Y.Doc. */
export async function storedText(sql: Sql, documentId: string, name = "body"): Promise<string> {
  const stored = await new PgPersistence(sql).load(documentId);
  const doc = new Y.Doc();
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  const text = doc.getText(name).toString();
  doc.destroy();
  return text;
}

/** Number of log rows of a document. */
export async function logRows(sql: Sql, documentId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${documentId}`;
  return row.n;
}
