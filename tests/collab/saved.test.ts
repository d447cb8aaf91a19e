import { describe, expect, it } from "vitest";
import { PgPersistence, decodeSavedMessage, encodeSavedMessage, isDocumentUpdateFrame, type CollabPersistence } from "../../packages/collab/src/index";
import { collabDatabase, connect, newDocumentId, sleep, startCollab, type CountingWebSocket } from "./helpers";

describe("saved messages", async () => {
  const { sql } = await collabDatabase();

  it("round-trip through the encoder and decoder", () => {
    const frame = encodeSavedMessage({ acknowledged: 300, seq: 2 ** 40 });
    expect(frame[0]).toBe(100);
    expect(decodeSavedMessage(frame)).toEqual({ acknowledged: 300, seq: 2 ** 40 });
    expect(isDocumentUpdateFrame(Uint8Array.of(0, 2, 0))).toBe(true);
    expect(isDocumentUpdateFrame(Uint8Array.of(0, 1, 0))).toBe(true);
    expect(isDocumentUpdateFrame(Uint8Array.of(0, 0, 0))).toBe(false);
    expect(isDocumentUpdateFrame(Uint8Array.of(1, 0))).toBe(false);
  });

  it("arrive only after the commit, and finally cover every update the client sent and the last log row", async () => {
    // Commits are slowed down and timed, to catch a "saved" that runs ahead of the database.
    const inner = new PgPersistence(sql);
    const committedAt = new Map<number, number>();
    const persistence: CollabPersistence = {
      load: (id) => inner.load(id),
      readSince: (id, after, also) => inner.readSince(id, after, also),
      compact: (id) => inner.compact(id),
      async append(id, entries) {
        await sleep(30);
        const seqs = await inner.append(id, entries);
        for (const seq of seqs) committedAt.set(seq, Date.now());
        return seqs;
      },
    };
    const { url } = await startCollab(sql, { persistence });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    const receivedAt: number[] = [];
    const before = alice.saved.length;
    const handler = alice.provider.messageHandlers[100];
    alice.provider.messageHandlers[100] = (...args) => {
      receivedAt.push(Date.now());
      handler(...args);
    };

    for (let i = 0; i < 25; i++) {
      alice.text.insert(alice.text.length, `${i} `);
      if (i % 5 === 0) await sleep(15);
    }
    await alice.allSaved();

    const ws = alice.provider.ws as unknown as CountingWebSocket;
    const last = alice.saved.at(-1)!;
    // The sync step 2 plus 25 updates.
    expect(ws.sentUpdates).toBe(26);
    expect(last.acknowledged).toBe(26);
    const [{ max }] = await sql<{ max: string }[]>`select max(seq) as max from document_updates where document_id = ${id}`;
    expect(last.seq).toBe(Number(max));

    // Acknowledgements only grow, and each arrived after the row it names was committed.
    alice.saved.forEach((saved, i) => {
      if (i > 0) expect(saved.acknowledged).toBeGreaterThanOrEqual(alice.saved[i - 1].acknowledged);
      if (i >= before && saved.seq > 0) expect(committedAt.get(saved.seq)).toBeLessThanOrEqual(receivedAt[i - before]);
    });
    // Batched: fewer saved messages than updates (group commit while a write is in flight).
    expect(alice.saved.length).toBeLessThan(26);
  });
});
