import { describe, expect, it } from "vitest";
import { CloseCodes, PgPersistence, type CollabPersistence } from "../../packages/collab/src/index";
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
