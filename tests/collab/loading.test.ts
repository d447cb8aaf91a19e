import type WebSocket from "ws";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCodes, PgPersistence, type CollabPersistence } from "../../packages/collab/src/index";
import * as decoding from "lib0/decoding";
import { insertUpdate, syncFrame } from "./frames";
import { closeOf, collabDatabase, connect, newDocumentId, rawSocket, sleep, startCollab, storedText, waitFor } from "./helpers";

describe("loading a document", async () => {
  const { sql } = await collabDatabase();
  const inner = new PgPersistence(sql);
  let loads = 0;
  let failLoadOf: string | null = null;
  const persistence: CollabPersistence = {
    async load(id) {
      loads++;
      await sleep(300);
      if (failLoadOf === id) {
        failLoadOf = null;
        throw new Error("injected load failure");
      }
      return inner.load(id);
    },
    append: (id, entries) => inner.append(id, entries),
    readSince: (id, after, also) => inner.readSince(id, after, also),
    compact: (id) => inner.compact(id),
  };
  const { url, collab } = await startCollab(sql, { persistence, limits: { maxQueuedMessages: 20 } });

  it("shares one load between concurrent opens, and handles what arrived meanwhile after it", async () => {
    const id = newDocumentId();
    loads = 0;
    const raw = await rawSocket(url, id, { user: "early" });
    // Sent while the document is still loading: queued, not lost.
    raw.send(syncFrame(2, insertUpdate("sent during the load")));
    const clients = Array.from({ length: 5 }, (_, i) => connect(url, id, { user: `user${i}` }));
    await waitFor(() => collab.stats().loading === 1, 2_000, "loading");
    await Promise.all(clients.map((c) => c.synced()));
    expect(loads).toBe(1);
    for (const c of clients) await waitFor(() => c.text.toString() === "sent during the load", 5_000, "queued update applied");
    await waitFor(() => collab.stats().perDocument[0]?.lastSeq > 0, 5_000, "stored");
    expect(await storedText(sql, id)).toBe("sent during the load");
    raw.close();
  });

  /** Every frame a raw socket receives, as `[message type, sync type]` and the sync payload. */
  const record = (ws: WebSocket) => {
    const frames: { kind: string; payload?: Uint8Array }[] = [];
    ws.on("message", (data: Buffer) => {
      const frame = new Uint8Array(data);
      if (frame[0] !== 0) return void frames.push({ kind: `type ${frame[0]}` });
      const decoder = decoding.createDecoder(frame.subarray(2));
      frames.push({ kind: frame[1] === 0 ? "step1" : frame[1] === 1 ? "step2" : "update", payload: decoding.readVarUint8Array(decoder) });
    });
    return frames;
  };
  // A sync step 1 with an empty state vector: what a client without a copy sends first.
  const FRESH_STEP1 = syncFrame(0, Uint8Array.of(0));

  it("answers a client without a copy of a long document before integrating it, with exactly what is stored, once", async () => {
    const id = newDocumentId();
    const long = "Jordforurening i Region Hovedstaden. ".repeat(9_000);
    await inner.append(id, [{ update: insertUpdate(long), userId: "seed" }]);
    const raw = await rawSocket(url, id, { user: "reader" });
    const frames = record(raw);
    raw.send(FRESH_STEP1);
    await waitFor(() => frames.some((f) => f.kind === "step1"), 5_000, "the server's step 1");
    // The document first, then the room's own greeting (its step 1): the answer did not wait for the room.
    expect(frames[0].kind).toBe("step2");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, frames[0].payload!);
    expect(copy.getText("body").toString()).toBe(long);
    // The room carries on as usual: an edit is relayed to a client that joins later, and the taken
    // step 1 is not answered again.
    const later = connect(url, id, { user: "later" });
    await later.synced();
    expect(later.text.toString()).toBe(long);
    later.text.insert(0, "Opdateret: ");
    await waitFor(() => frames.some((f) => f.kind === "update"), 5_000, "the later client's edit relayed");
    expect(frames.filter((f) => f.kind === "step2")).toHaveLength(1);
    raw.close();
  });

  it("answers a short document, or a client that has a copy, from the room as before", async () => {
    const short = newDocumentId();
    await inner.append(short, [{ update: insertUpdate("kort"), userId: "seed" }]);
    const long = newDocumentId();
    const update = insertUpdate("lang ".repeat(60_000));
    await inner.append(long, [{ update, userId: "seed" }]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, update);
    for (const [id, step1] of [[short, FRESH_STEP1], [long, syncFrame(0, Y.encodeStateVector(copy))]] as const) {
      const raw = await rawSocket(url, id, { user: "writer" });
      const frames = record(raw);
      raw.send(step1);
      await waitFor(() => frames.some((f) => f.kind === "step2"), 5_000, "the answer");
      expect(frames[0].kind).toBe("step1");
      raw.close();
    }
  });

  it("caps what a connection may send before the load finished", async () => {
    const id = newDocumentId();
    const raw = await rawSocket(url, id, { user: "flood" });
    const closed = closeOf(raw);
    for (let i = 0; i < 25; i++) raw.send(syncFrame(2, insertUpdate(`${i}`)));
    expect(await closed).toEqual({ code: CloseCodes.Overloaded.code, reason: CloseCodes.Overloaded.reason });
  });

  it("closes with a retryable code when the load fails, and loads again on the next attempt", async () => {
    const id = newDocumentId();
    failLoadOf = id;
    const raw = await rawSocket(url, id, { user: "unlucky" });
    expect(await closeOf(raw)).toEqual({ code: CloseCodes.Unavailable.code, reason: CloseCodes.Unavailable.reason });
    const client = connect(url, id, { user: "lucky" });
    await client.synced();
    expect(collab.stats().perDocument.some((d) => d.documentId === id)).toBe(true);
  });
});
