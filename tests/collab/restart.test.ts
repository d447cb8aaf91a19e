import { describe, expect, it } from "vitest";
import { collabDatabase, connect, newDocumentId, startCollab } from "./helpers";

describe("persistence", async () => {
  const { sql } = await collabDatabase();

  it("keeps documents across a server restart (a new CollabServer on the same database)", async () => {
    const id = newDocumentId();
    const other = newDocumentId();
    const first = await startCollab(sql);
    const alice = connect(first.url, id, { user: "alice" });
    const bob = connect(first.url, other, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    for (const word of ["one ", "two ", "three "]) alice.text.insert(alice.text.length, word);
    alice.doc.getMap("meta").set("title", "Minutes");
    bob.text.insert(0, "other document");
    await Promise.all([alice.allSaved(), bob.allSaved()]);
    alice.destroy();
    bob.destroy();
    await first.close();

    const second = await startCollab(sql);
    const carol = connect(second.url, id, { user: "carol" });
    const dave = connect(second.url, other, { user: "dave" });
    await Promise.all([carol.synced(), dave.synced()]);
    expect(carol.text.toString()).toBe("one two three ");
    expect(carol.doc.getMap("meta").get("title")).toBe("Minutes");
    expect(dave.text.toString()).toBe("other document");
  });

  it("keeps what was saved even when the server dies without flushing", async () => {
    const id = newDocumentId();
    const first = await startCollab(sql, { timing: { unloadGraceMs: 60_000 } });
    const alice = connect(first.url, id, { user: "alice" });
    await alice.synced();
    alice.text.insert(0, "saved before the crash");
    await alice.allSaved();
    // No destroy(): the in-memory document is simply abandoned, as in a crash.
    alice.destroy();

    const second = await startCollab(sql);
    const bob = connect(second.url, id, { user: "bob" });
    await bob.synced();
    expect(bob.text.toString()).toBe("saved before the crash");
    await first.close();
  });
});
