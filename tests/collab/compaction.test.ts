import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PgPersistence } from "../../packages/collab/src/index";
import { collabDatabase, connect, logRows, newDocumentId, startCollab, waitFor } from "./helpers";

describe("compaction", async () => {
  const { sql } = await collabDatabase();

  it("folds the log into a snapshot after N updates; the document stays identical", async () => {
    const { url } = await startCollab(sql, { limits: { compactAfterUpdates: 20 } });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    for (let i = 0; i < 60; i++) {
      const writer = i % 2 === 0 ? alice : bob;
      writer.text.insert(Math.floor(writer.text.length / 2), `${i},`);
      if (i % 7 === 0 && writer.text.length > 3) writer.text.delete(0, 2);
    }
    await Promise.all([alice.allSaved(), bob.allSaved()]);
    await waitFor(() => alice.text.toString() === bob.text.toString(), 5_000, "converged");

    // Every 20 rows a compaction runs; 60+ updates have been written, far fewer rows remain.
    await expect.poll(() => logRows(sql, id)).toBeLessThan(20);
    const [snapshot] = await sql<{ lastSeq: string }[]>`select last_seq from document_snapshots where document_id = ${id}`;
    expect(Number(snapshot.lastSeq)).toBeGreaterThan(0);

    // Snapshot + remaining log equals what the clients hold, byte for byte in content.
    const stored = await new PgPersistence(sql).load(id);
    const reloaded = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(reloaded, update);
    expect(reloaded.getText("body").toString()).toBe(alice.text.toString());
    expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(alice.doc));
    reloaded.destroy();
  });

  it("compacts on unload, leaving no log rows, and a reload equals what was written", async () => {
    const { url, collab } = await startCollab(sql, { timing: { unloadGraceMs: 50 } });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    for (let i = 0; i < 10; i++) alice.text.insert(0, `${i} `);
    await alice.allSaved();
    const expected = alice.text.toString();
    expect(await logRows(sql, id)).toBeGreaterThanOrEqual(10);
    alice.destroy();
    await waitFor(() => collab.stats().documents === 0 && collab.stats().unloading === 0, 5_000, "unloaded");
    expect(await logRows(sql, id)).toBe(0);

    const bob = connect(url, id, { user: "bob" });
    await bob.synced();
    expect(bob.text.toString()).toBe(expected);
  });
});
