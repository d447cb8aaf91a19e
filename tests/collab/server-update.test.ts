import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PgPersistence } from "../../packages/collab/src/index";
import { collabDatabase, connect, newDocumentId, startCollab, waitFor } from "./helpers";

describe("changes the server makes itself, and quiet documents", async () => {
  const { sql } = await collabDatabase();

  it("applyServerUpdate: one transaction, committed to the log before every connection gets it; loads a document nobody has open", async () => {
    const { url, collab } = await startCollab(sql, { timing: { unloadGraceMs: 100 } });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    alice.text.insert(0, "Udkast");
    await alice.allSaved();
    await waitFor(() => bob.text.toString() === "Udkast", 2_000, "bob has alice's text");

    const origins: unknown[] = [];
    let transactions = 0;
    await collab.applyServerUpdate(
      id,
      (doc) => {
        doc.on("afterTransaction", () => transactions++);
        const text = doc.getText("body");
        text.delete(0, text.length);
        text.insert(0, "Gendannet");
        origins.push(null);
      },
      { userId: "restorer" },
    );
    expect(transactions).toBe(1);
    expect(origins).toHaveLength(1);
    // Committed before anyone saw it: the log has it, attributed to the user it was made for.
    const rows = await sql<{ userId: string }[]>`select user_id from document_updates where document_id = ${id} order by seq`;
    expect(rows.at(-1)?.userId).toBe("restorer");
    await waitFor(() => alice.text.toString() === "Gendannet" && bob.text.toString() === "Gendannet", 2_000, "both see the server's change");
    const stored = await new PgPersistence(sql).load(id);
    const fromLog = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(fromLog, u);
    expect(fromLog.getText("body").toString()).toBe("Gendannet");

    // A change that changes nothing stores nothing.
    const before = stored.updates.length;
    await collab.applyServerUpdate(id, () => {}, { userId: "restorer" });
    expect((await new PgPersistence(sql).load(id)).updates.length).toBe(before);

    // A document nobody has open is loaded, changed and stored.
    alice.destroy();
    bob.destroy();
    await waitFor(() => collab.stats().documents === 0 && collab.stats().unloading === 0, 5_000, "unloaded");
    await collab.applyServerUpdate(id, (doc) => doc.getText("body").insert(0, "Igen: "), { userId: "restorer" });
    const later = connect(url, id, { user: "carol" });
    await later.synced();
    expect(later.text.toString()).toBe("Igen: Gendannet");
    later.destroy();
    await expect(collab.applyServerUpdate("not-a-uuid", () => {}, { userId: "x" })).rejects.toThrow(/uuid/);
  });

  it("onQuiet runs once after a quiet period following changes, with who made them; not again without changes; and at unload", async () => {
    const calls: { text: string; editors: string[] }[] = [];
    const { url, collab } = await startCollab(sql, {
      timing: { quietMs: 300, unloadGraceMs: 100 },
      onQuiet: (_id, doc, { editors }) => void calls.push({ text: doc.getText("body").toString(), editors }),
    });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    alice.text.insert(0, "Aftale");
    await alice.allSaved();
    bob.text.insert(bob.text.length, " 2020");
    await bob.allSaved();
    await waitFor(() => calls.length === 1, 3_000, "quiet once");
    expect(calls[0]).toEqual({ text: "Aftale 2020", editors: ["alice", "bob"] });
    // Opening the document, syncing and presence are no changes: nothing more comes.
    const carol = connect(url, id, { user: "carol" });
    await carol.synced();
    // A change right before everyone leaves is kept at unload, without waiting for the quiet period.
    carol.text.insert(0, "Ny ");
    await carol.allSaved();
    for (const c of [alice, bob, carol]) c.destroy();
    await waitFor(() => collab.stats().documents === 0 && collab.stats().unloading === 0, 5_000, "unloaded");
    expect(calls).toEqual([calls[0], { text: "Ny Aftale 2020", editors: ["carol"] }]);
  });
});
