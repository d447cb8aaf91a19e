import { describe, expect, it } from "vitest";
import { CloseCodes } from "../../packages/collab/src/index";
import { collabDatabase, connect, logRows, newDocumentId, startCollab, storedText, waitFor } from "./helpers";

/** `setAccess`: what the access watcher uses to change open connections in place, in one pass. */
describe("setAccess", async () => {
  const { sql } = await collabDatabase();
  const { url, collab } = await startCollab(sql);

  it("turns a connection read-only in place, saying why, and writable again; closes with a named code", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    const carol = connect(url, id, { user: "carol" });
    await Promise.all([alice.synced(), bob.synced(), carol.synced()]);
    // A writable connection is not told anything at first.
    expect(bob.access).toEqual([]);

    const changed = collab.setAccess((who) => (who.userId === "bob" ? { readOnly: true, reason: "signed" } : who.userId === "carol" ? { close: CloseCodes.PartnerRemoved } : undefined));
    expect(changed).toEqual({ readOnly: 1, writable: 0, closed: 1 });
    await waitFor(() => bob.access.length === 1, 5_000, "access message");
    expect(bob.access).toEqual([{ readOnly: true, reason: "signed" }]);
    await waitFor(() => !carol.provider.shouldConnect, 5_000, "carol closed for good");
    // The same access again changes nothing and sends nothing.
    expect(collab.setAccess((who) => (who.userId === "bob" ? { readOnly: true, reason: "signed" } : undefined))).toEqual({ readOnly: 0, writable: 0, closed: 0 });

    bob.text.insert(0, "dropped ");
    alice.text.insert(0, "kept");
    await alice.allSaved();
    expect(await logRows(sql, id)).toBe(1);

    // Writable again: told so, and asked (sync step 1) for what it has that the server lacks.
    expect(collab.setAccess((who) => (who.userId === "bob" ? { readOnly: false } : undefined)).writable).toBe(1);
    await waitFor(() => bob.access.length === 2, 5_000, "second access message");
    expect(bob.access[1]).toEqual({ readOnly: false, reason: "" });
    bob.text.insert(bob.text.length, "!");
    await waitFor(() => alice.text.toString().endsWith("!"), 5_000, "bob's edit reaches alice");
    await bob.allSaved();
    expect(await storedText(sql, id)).toContain("!");
    expect(collab.openConnections().map((c) => c.identity.userId).sort()).toEqual(["alice", "bob"]);
  });
});
