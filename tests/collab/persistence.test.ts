import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PgPersistence } from "../../packages/collab/src/index";
import { collabDatabase, logRows, newDocumentId } from "./helpers";

/** `n` causally chained updates (each appends to the text of the previous ones). */
function chainedUpdates(n: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText("body").insert(doc.getText("body").length, `${i};`);
  doc.destroy();
  return updates;
}

describe("PgPersistence", async () => {
  const { sql } = await collabDatabase();
  const persistence = new PgPersistence(sql);

  it("loads rows in sequence order, also past 9 → 10 (numeric, not text order)", async () => {
    const id = newDocumentId();
    const updates = chainedUpdates(25);
    const seqs: number[] = [];
    for (const u of updates) seqs.push(...(await persistence.append(id, [{ update: u, userId: "alice" }])));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stored = await persistence.load(id);
    expect(stored.updates.map((u) => Buffer.from(u).toString("hex"))).toEqual(updates.map((u) => Buffer.from(u).toString("hex")));
    expect(stored.lastSeq).toBe(seqs.at(-1));
    expect(stored.logRows).toBe(25);
    // Applied in order, nothing is left waiting for missing dependencies.
    const doc = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.store.pendingStructs).toBeNull();
    doc.destroy();
  });

  it("appends a batch in one statement, in order, and reads what came after a seq", async () => {
    const id = newDocumentId();
    const updates = chainedUpdates(5);
    const seqs = await persistence.append(id, updates.map((update) => ({ update, userId: "bob" })));
    expect(seqs).toHaveLength(5);
    const since = await persistence.readSince(id, seqs[2]);
    expect(since.updates).toHaveLength(2);
    expect(since.lastSeq).toBe(seqs[4]);
    // A late row named explicitly is read even below the watermark.
    expect((await persistence.readSince(id, seqs[4], seqs[0])).updates).toHaveLength(1);
    const [row] = await sql<{ userId: string }[]>`select user_id from document_updates where seq = ${seqs[0]}`;
    expect(row.userId).toBe("bob");
  });

  it("compacts into a snapshot that loads to the same document, and compacting nothing is a no-op", async () => {
    const id = newDocumentId();
    const updates = chainedUpdates(12);
    await persistence.append(id, updates.map((update) => ({ update, userId: "carol" })));
    const result = await persistence.compact(id);
    expect(result.compactedRows).toBe(12);
    expect(await logRows(sql, id)).toBe(0);
    const stored = await persistence.load(id);
    expect(stored.updates).toHaveLength(1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.updates[0]);
    expect(doc.getText("body").toString()).toBe(Array.from({ length: 12 }, (_, i) => `${i};`).join(""));
    doc.destroy();
    expect((await persistence.compact(id)).compactedRows).toBe(0);
    // A snapshot seen by another instance through readSince.
    expect((await persistence.readSince(id, 0)).updates).toHaveLength(1);
  });

  it("writes concurrent appends of many documents together, and one failing append fails only itself", async () => {
    const ids = [newDocumentId(), newDocumentId(), newDocumentId()];
    const [first, second, third] = chainedUpdates(3);
    const appends = [
      persistence.append(ids[0], [{ update: first, userId: "a" }]),
      persistence.append(ids[1], [{ update: second, userId: "b" }]),
      // Not a uuid: PostgreSQL rejects the row, and with it the combined statement.
      persistence.append("not-a-uuid", [{ update: third, userId: "c" }]),
      persistence.append(ids[2], [{ update: third, userId: "d" }]),
    ];
    const results = await Promise.allSettled(appends);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    for (const id of ids) expect(await logRows(sql, id)).toBe(1);
  });
});
