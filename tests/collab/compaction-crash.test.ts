import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PgPersistence } from "../../packages/collab/src/index";
import { collabDatabase, connect, logRows, newDocumentId, startCollab, storedText, waitFor } from "./helpers";

describe("a compaction that fails between writing the snapshot and deleting the log", async () => {
  const { sql } = await collabDatabase();

  it("loses nothing: the log stays, the snapshot is unchanged, a reload equals what was written", async () => {
    let failures = 0;
    const persistence = new PgPersistence(sql, {
      beforeDeleteCompacted: () => {
        failures++;
        throw new Error("injected crash before deleting compacted rows");
      },
    });
    const first = await startCollab(sql, { persistence, limits: { compactAfterUpdates: 5 } });
    const id = newDocumentId();
    const alice = connect(first.url, id, { user: "alice" });
    await alice.synced();
    for (let i = 0; i < 12; i++) alice.text.insert(alice.text.length, `line ${i}\n`);
    await alice.allSaved();
    await waitFor(() => failures > 0, 5_000, "a compaction attempt");
    const expected = alice.text.toString();

    // Nothing was folded away: no snapshot, every row still there.
    expect(await sql`select 1 from document_snapshots where document_id = ${id}`).toHaveLength(0);
    expect(await logRows(sql, id)).toBeGreaterThanOrEqual(12);
    expect(await storedText(sql, id)).toBe(expected);

    // Unloading (which compacts) fails the same way, and a fresh server still sees everything.
    alice.destroy();
    await first.close();
    expect(await storedText(sql, id)).toBe(expected);
    const second = await startCollab(sql);
    const bob = connect(second.url, id, { user: "bob" });
    await bob.synced();
    expect(bob.text.toString()).toBe(expected);
  });

  it("a snapshot that was committed without its rows being deleted still loads to the same document", async () => {
    // Simulates a naive two-step compaction dying in between: snapshot written, rows kept.
    const { url } = await startCollab(sql);
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    alice.text.insert(0, "ab");
    alice.text.delete(0, 1);
    alice.text.insert(1, "cd");
    await alice.allSaved();
    const stored = await new PgPersistence(sql).load(id);
    const doc = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    await sql`insert into document_snapshots (document_id, state, last_seq) values (${id}, ${Y.encodeStateAsUpdate(doc)}, ${stored.lastSeq})`;
    doc.destroy();
    // Snapshot and the very rows it contains are both applied on load: idempotent.
    expect(await storedText(sql, id)).toBe("bcd");
  });
});
