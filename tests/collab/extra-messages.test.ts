import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { syncStep1Frame } from "../../packages/collab/src/index";
import { collabDatabase, connect, newDocumentId, sleep, startCollab, waitFor, type CountingWebSocket } from "./helpers";

/** A ws client that records the message type (first byte) of every frame the server sends it. */
class RecordingWebSocket extends WebSocket {
  static last: RecordingWebSocket | null = null;
  readonly received: number[] = [];

  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    RecordingWebSocket.last = this;
    // y-websocket sets binaryType "arraybuffer".
    this.on("message", (data: ArrayBuffer | Buffer) => void this.received.push(new Uint8Array(data)[0]));
  }
}

/** The stock y-websocket client exactly as anyone would use it: no `messages` parameter, no handlers of ours. */
function stockClient(url: string, documentId: string, params: Record<string, string>) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, documentId, doc, { WebSocketPolyfill: RecordingWebSocket as never, params, disableBc: true });
  const ws = () => provider.ws as unknown as RecordingWebSocket;
  afterAll(() => {
    provider.destroy();
    doc.destroy();
  });
  return {
    doc,
    provider,
    ws,
    synced: () => waitFor(() => provider.synced, 5_000, "stock client synced"),
    /**
     * Resolves once every frame the server sent this socket before now has arrived: the server answers a
     * sync step 1 on the same socket, after whatever it queued there before (TCP keeps the order).
     */
    async drained(): Promise<void> {
      const socket = ws();
      const answers = () => socket.received.filter((type) => type === 0).length;
      const before = answers();
      socket.send(syncStep1Frame(doc));
      await waitFor(() => answers() > before, 5_000, "the answer to a sync step 1");
    },
  };
}

describe("our extra messages (saved 100, access 101) go only to clients that ask for them", async () => {
  const { sql } = await collabDatabase();
  const { url, collab } = await startCollab(sql);
  const consoleErrors = vi.spyOn(console, "error");
  afterEach(() => consoleErrors.mockClear());
  const computeErrors = () => consoleErrors.mock.calls.filter((args) => String(args[0]).includes("Unable to compute message"));

  it("a stock client gets only the standard protocol while it edits; an opted-in client gets 'saved' after each commit", async () => {
    const id = newDocumentId();
    const stock = stockClient(url, id, { user: "stock" });
    const editor = connect(url, id, { user: "editor" });
    await Promise.all([stock.synced(), editor.synced()]);

    const stockText = stock.doc.getText("body");
    for (let i = 0; i < 10; i++) {
      stockText.insert(stockText.length, `s${i} `);
      await sleep(5);
    }
    // The server broadcasts an update only after committing it, so the editor holding all of it means
    // every one of the stock client's updates was committed (and its saved message would have been sent).
    await waitFor(() => editor.text.toString() === stockText.toString(), 5_000, "the stock client's edits at the editor");
    await stock.drained();

    // The editor: one saved message after each of its commits, covering what it sent.
    const ws = editor.provider.ws as unknown as CountingWebSocket;
    for (let i = 0; i < 5; i++) {
      const before = editor.saved.length;
      editor.text.insert(0, `e${i} `);
      await waitFor(() => editor.saved.length > before && editor.saved.at(-1)!.acknowledged >= ws.sentUpdates, 5_000, `saved after edit ${i}`);
    }
    await waitFor(() => stockText.toString() === editor.text.toString(), 5_000, "the editor's edits at the stock client");
    await stock.drained();

    const types = new Set(stock.ws().received);
    expect(types.has(0)).toBe(true);
    expect([...types].filter((type) => type !== 0 && type !== 1)).toEqual([]);
    expect(computeErrors()).toEqual([]);
  });

  it("a stock client that is or becomes read-only gets no access message; an opted-in one is told why", async () => {
    const id = newDocumentId();
    const stockViewer = stockClient(url, id, { user: "viewer", readOnly: "1" });
    const stockEditor = stockClient(url, id, { user: "stock-editor" });
    const editor = connect(url, id, { user: "editor" });
    await Promise.all([stockViewer.synced(), stockEditor.synced(), editor.synced()]);

    collab.setAccess((who) => (who.userId === "stock-editor" || who.userId === "editor" ? { readOnly: true, reason: "signed" } : undefined));
    await waitFor(() => editor.access.length > 0, 5_000, "the opted-in editor's access message");
    expect(editor.access).toEqual([{ readOnly: true, reason: "signed" }]);
    collab.setAccess((who) => (who.userId === "stock-editor" ? { readOnly: false } : undefined));
    await Promise.all([stockViewer.drained(), stockEditor.drained()]);

    for (const client of [stockViewer, stockEditor]) {
      expect(client.ws().received.filter((type) => type !== 0 && type !== 1)).toEqual([]);
    }
    expect(computeErrors()).toEqual([]);
  });

  it("unknown names in the parameter are ignored; each message can be asked for alone", async () => {
    const id = newDocumentId();
    const savedOnly = stockClient(url, id, { user: "saved-only", messages: "saved,bogus" });
    await savedOnly.synced();
    const text = savedOnly.doc.getText("body");
    text.insert(0, "hello");
    await waitFor(() => savedOnly.ws().received.includes(100), 5_000, "a saved message");
    collab.setAccess((who) => (who.userId === "saved-only" ? { readOnly: true, reason: "role" } : undefined));
    await savedOnly.drained();
    expect(savedOnly.ws().received).not.toContain(101);
  });
});
