import { describe, expect, it } from "vitest";
import type { CollabServer } from "../../packages/collab/src/index";
import { collabDatabase, connect, newDocumentId, startCollab, storedText, waitFor } from "./helpers";

describe("scale-out hook: two instances on one database", async () => {
  const { sql } = await collabDatabase();
  // onPersisted of one instance feeds applyRemote of the other, standing in for LISTEN/NOTIFY.
  const peers: { one?: CollabServer; two?: CollabServer } = {};
  const notified: number[] = [];
  const one = await startCollab(sql, {
    limits: { compactAfterUpdates: 5 },
    onPersisted: (id, seq) => {
      notified.push(seq);
      void peers.two!.applyRemote(id, seq);
    },
  });
  const two = await startCollab(sql, { onPersisted: (id, seq) => void peers.one!.applyRemote(id, seq) });
  peers.one = one.collab;
  peers.two = two.collab;

  it("clients on different instances see each other's edits, also across compactions", async () => {
    const id = newDocumentId();
    const alice = connect(one.url, id, { user: "alice" });
    const bob = connect(two.url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);

    alice.text.insert(0, "from one. ");
    await waitFor(() => bob.text.toString() === "from one. ", 5_000, "bob sees alice");
    bob.text.insert(bob.text.length, "from two. ");
    await waitFor(() => alice.text.toString() === "from one. from two. ", 5_000, "alice sees bob");

    // Instance one compacts every 5 rows, folding away rows instance two has not read yet.
    for (let i = 0; i < 12; i++) alice.text.insert(alice.text.length, `${i}`);
    await alice.allSaved();
    await waitFor(() => bob.text.toString() === alice.text.toString(), 5_000, "bob catches up");
    expect(notified.length).toBeGreaterThan(0);
    expect(two.collab.stats().perDocument.find((d) => d.documentId === id)!.lastSeq).toBe(Math.max(...notified));
    expect(await storedText(sql, id)).toBe(alice.text.toString());
  });
});
