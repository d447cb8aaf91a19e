import { describe, expect, it } from "vitest";
import { PgPersistence, type CollabPersistence } from "../../packages/collab/src/index";
import { collabDatabase, connect, logRows, newDocumentId, startCollab, storedText, waitFor, type CountingWebSocket } from "./helpers";

/**
 * The write path relays an update to the other clients as soon as it is checked and applied, while
 * its commit is in flight; "saved" still waits for the commit. Should the commit fail for good, the
 * room is reset: its clients reconnect to the document as stored and resend what it lacks.
 */
describe("relaying while the commit is in flight", async () => {
  const { sql } = await collabDatabase();
  const inner = new PgPersistence(sql);
  /** The real persistence, its appends held until `release` (or failed once by `failNext`). */
  const gated = () => {
    let release: () => void = () => {};
    let held: Promise<void> | null = null;
    let failNext = false;
    const persistence: CollabPersistence = {
      load: (id) => inner.load(id),
      readSince: (id, after, also, alsoFrom) => inner.readSince(id, after, also, alsoFrom),
      compact: (id) => inner.compact(id),
      async append(id, entries) {
        await held;
        if (failNext) {
          failNext = false;
          throw new Error("value too long for the test's column");
        }
        return inner.append(id, entries);
      },
    };
    return {
      persistence,
      hold: () => (held = new Promise<void>((resolve) => (release = resolve))),
      release: () => {
        held = null;
        release();
      },
      failNext: () => (failNext = true),
    };
  };

  it("reaches the other clients before it is committed; saved comes after the commit", async () => {
    const gate = gated();
    const { url } = await startCollab(sql, { persistence: gate.persistence });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    await alice.allSaved();

    gate.hold();
    alice.text.insert(0, "relayed before the commit");
    await waitFor(() => bob.text.toString() === "relayed before the commit", 2_000, "bob to see alice's text");
    // Not committed, not acknowledged.
    expect(await logRows(sql, id)).toBe(0);
    const ws = alice.provider.ws as unknown as CountingWebSocket;
    expect(alice.saved.at(-1)?.acknowledged ?? 0).toBeLessThan(ws.sentUpdates);

    gate.release();
    await alice.allSaved();
    expect(await storedText(sql, id)).toBe("relayed before the commit");
  });

  it("resets the room when a relayed update cannot be stored: everyone reconnects, and the edit lands from the clients", async () => {
    const gate = gated();
    const { url, collab } = await startCollab(sql, { persistence: gate.persistence });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    const closes: number[] = [];
    for (const c of [alice, bob]) c.provider.on("connection-close", (event: CloseEvent | null) => void (event && closes.push(event.code)));

    gate.failNext();
    alice.text.insert(0, "kept by the clients");
    await waitFor(() => closes.length >= 2, 5_000, "both sockets closed");
    // Both were told the document is unavailable (they reconnect), and bob had received the edit.
    expect(closes).toEqual([4500, 4500]);
    expect(bob.text.toString()).toBe("kept by the clients");
    // Reconnected to the document as stored, the clients' sync step 2 brings the edit; it is stored once.
    await Promise.all([alice.synced(), bob.synced()]);
    await waitFor(() => alice.provider.wsconnected && bob.provider.wsconnected, 5_000, "reconnected");
    await alice.allSaved();
    await bob.allSaved();
    expect(await storedText(sql, id)).toBe("kept by the clients");
    expect(collab.stats().perDocument.find((d) => d.documentId === id)?.connections).toBe(2);
    const carol = connect(url, id, { user: "carol" });
    await carol.synced();
    await waitFor(() => carol.text.toString() === "kept by the clients", 2_000, "a newcomer to get the stored text");
  });
});
