import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCodes, extraMessagesParams, readSavedMessage, type SavedMessage } from "../../packages/collab/src/index";
import { syncFrame } from "./frames";
import { CountingWebSocket, closeOf, collabDatabase, memoryLog, newDocumentId, rawSocket, startCollab, storedText, waitFor } from "./helpers";

/**
 * The reconnect race (issue 16, faults): a client with edits the server does not have (unsaved when
 * its instance died) reconnects and types on before it has the server's sync step 1. That keystroke's
 * update builds on the unsent edits, which reach the server only with the client's sync step 2. The
 * server used to close such a socket as MissingDependencies (4409), after which the stock client does
 * not reconnect and its edits stay on it. Now an update with missing dependencies sent between the
 * client's step 1 and its step 2 is dropped, the step 2 brings everything, and nothing is lost.
 */
const MISSING = CloseCodes.MissingDependencies.code;

/** Everything a raw socket receives, in order, and its saved messages. */
function listen(ws: WebSocket): { frames: Uint8Array[]; saved: SavedMessage[] } {
  const frames: Uint8Array[] = [];
  const saved: SavedMessage[] = [];
  ws.on("message", (data: Buffer) => {
    const frame = new Uint8Array(data);
    frames.push(frame);
    if (frame[0] === 100) {
      const decoder = decoding.createDecoder(frame);
      decoding.readVarUint(decoder);
      saved.push(readSavedMessage(decoder));
    }
  });
  return { frames, saved };
}

/** The state vector of the server's sync step 1 (`[0, 0, sv]`) among `frames`, once it came. */
async function serverStep1(frames: Uint8Array[]): Promise<Uint8Array> {
  await waitFor(() => frames.some((f) => f[0] === 0 && f[1] === 0), 5_000, "the server's sync step 1");
  const decoder = decoding.createDecoder(frames.find((f) => f[0] === 0 && f[1] === 0)!);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

/** A client document with `earlier` typed (never sent), and the update of `later` typed after it. */
function clientWithUnsentEdits(earlier: string, later: string): { doc: Y.Doc; laterUpdate: Uint8Array } {
  const doc = new Y.Doc();
  doc.getText("body").insert(0, earlier);
  const before = Y.encodeStateVector(doc);
  doc.getText("body").insert(earlier.length, later);
  return { doc, laterUpdate: Y.encodeStateAsUpdate(doc, before) };
}

describe("an update sent before the client's sync step 2", async () => {
  const { sql } = await collabDatabase();
  const { log, lines } = memoryLog();
  const { url } = await startCollab(sql, { log, limits: { maxQueuedMessages: 5 } });

  it("that depends on edits only the step 2 brings is dropped, not closed; the step 2 lands and acknowledges both", async () => {
    const id = newDocumentId();
    const { doc, laterUpdate } = clientWithUnsentEdits("unsaved when the instance died, ", "typed while reconnecting");
    const ws = await rawSocket(url, id);
    const { frames, saved } = listen(ws);
    const closed = closeOf(ws, 10_000).catch(() => null);
    // As the stock client does: its step 1 on opening, then a keystroke before the server's step 1 has come.
    ws.send(syncFrame(0, Y.encodeStateVector(doc)));
    ws.send(syncFrame(2, laterUpdate));
    // Its answer to the server's step 1: everything the server lacks.
    ws.send(syncFrame(1, Y.encodeStateAsUpdate(doc, await serverStep1(frames))));
    await waitFor(() => (saved.at(-1)?.acknowledged ?? 0) >= 2, 5_000, "both frames acknowledged");
    // Never "saved" ahead of the store: the dropped update was acknowledged with the step 2, not before it.
    expect(saved.map((s) => s.acknowledged)).toEqual([2]);
    expect(await storedText(sql, id)).toBe(doc.getText("body").toString());
    expect(ws.readyState).toBe(ws.OPEN);
    expect(lines.some((l) => l.msg === "collab: dropped an update sent before the client's sync step 2")).toBe(true);
    ws.close();
    expect((await closed)?.code).not.toBe(MISSING);
    doc.destroy();
  });

  it("from a stock y-websocket client reconnecting with unsent edits and typing on: nothing is lost, the socket stays open", async () => {
    const id = newDocumentId();
    const doc = new Y.Doc();
    const text = doc.getText("body");
    // Edits made while the client had no server (acknowledged by nobody).
    text.insert(0, "offline ");
    let typed = false;
    const closes: number[] = [];
    class TypingSocket extends CountingWebSocket {
      override send(data: any, options?: any, cb?: any): void {
        super.send(data, options, cb);
        // Right after its sync step 1 (sent on opening), a key: before the server's step 1 can be read.
        if (!typed && data[0] === 0 && data[1] === 0) {
          typed = true;
          queueMicrotask(() => text.insert(text.length, "typed at once"));
        }
      }
    }
    const provider = new WebsocketProvider(url, id, doc, {
      WebSocketPolyfill: TypingSocket as unknown as typeof globalThis.WebSocket,
      params: extraMessagesParams(),
      disableBc: true,
      connect: false,
    });
    const saved: SavedMessage[] = [];
    provider.messageHandlers[100] = (_encoder, decoder) => void saved.push(readSavedMessage(decoder));
    provider.on("connection-close", (event) => void (event && closes.push(event.code)));
    try {
      provider.connect();
      await waitFor(
        () => {
          const ws = provider.ws as unknown as CountingWebSocket | null;
          return provider.synced && ws !== null && ws.sentUpdates === 2 && (saved.at(-1)?.acknowledged ?? 0) >= ws.sentUpdates;
        },
        5_000,
        "synced and saved",
      );
      expect(typed).toBe(true);
      expect(closes).toEqual([]);
      expect(await storedText(sql, id)).toBe("offline typed at once");
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  it("still closes with 4409 after the step 2, and without a step 1 (not a syncing client)", async () => {
    const afterSync = await rawSocket(url, newDocumentId());
    const { frames } = listen(afterSync);
    const { doc, laterUpdate } = clientWithUnsentEdits("never sent ", "later");
    afterSync.send(syncFrame(0, new Uint8Array([0])));
    await serverStep1(frames);
    afterSync.send(syncFrame(1, Y.encodeStateAsUpdate(new Y.Doc())));
    const closedAfterSync = closeOf(afterSync);
    afterSync.send(syncFrame(2, laterUpdate));
    expect((await closedAfterSync).code).toBe(MISSING);

    const noStep1 = await rawSocket(url, newDocumentId());
    const closedNoStep1 = closeOf(noStep1);
    noStep1.send(syncFrame(2, laterUpdate));
    expect((await closedNoStep1).code).toBe(MISSING);
    doc.destroy();
  });

  it("closes with 4409 a client that sent its step 1 but keeps sending such updates instead of its step 2 (past maxQueuedMessages)", async () => {
    const id = newDocumentId();
    const ws = await rawSocket(url, id);
    const { doc, laterUpdate } = clientWithUnsentEdits("never sent ", "later");
    const { frames } = listen(ws);
    const closed = closeOf(ws);
    ws.send(syncFrame(0, Y.encodeStateVector(doc)));
    // Once the document is loaded (its step 1 came), so that the frames are not queued for the load.
    await serverStep1(frames);
    for (let i = 0; i < 6; i++) ws.send(syncFrame(2, laterUpdate));
    expect((await closed).code).toBe(MISSING);
    expect(await storedText(sql, id)).toBe("");
    doc.destroy();
  });
});
