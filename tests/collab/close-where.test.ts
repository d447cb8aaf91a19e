import { describe, expect, it } from "vitest";
import { CloseCodes } from "../../packages/collab/src/index";
import { collabDatabase, connect, newDocumentId, sleep, startCollab, waitFor } from "./helpers";

describe("closeWhere (live revocation)", async () => {
  const { sql } = await collabDatabase();
  const { url, collab } = await startCollab(sql);

  it("closes the matching sockets within 2 s, with the named code, and not the others", async () => {
    const inSpaceA = newDocumentId();
    const inSpaceB = newDocumentId();
    const bobA1 = connect(url, inSpaceA, { user: "bob", space: "A" });
    const bobA2 = connect(url, inSpaceA, { user: "bob", space: "A" });
    const bobB = connect(url, inSpaceB, { user: "bob", space: "B" });
    const aliceA = connect(url, inSpaceA, { user: "alice", space: "A" });
    const clients = [bobA1, bobA2, bobB, aliceA];
    await Promise.all(clients.map((c) => c.synced()));
    const closes = new Map<string, { code: number; reason: string }>();
    for (const [name, c] of Object.entries({ bobA1, bobA2, bobB, aliceA })) {
      c.provider.on("closed", (event) => void closes.set(name, event));
    }

    const started = Date.now();
    const count = collab.closeWhere((identity) => identity.userId === "bob" && identity.spaceId === "A");
    expect(count).toBe(2);
    await waitFor(() => closes.has("bobA1") && closes.has("bobA2"), 2_000, "revoked sockets closed");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(closes.get("bobA1")).toEqual({ code: CloseCodes.Revoked.code, reason: CloseCodes.Revoked.reason });
    expect(closes.get("bobA2")).toEqual({ code: CloseCodes.Revoked.code, reason: CloseCodes.Revoked.reason });

    // 4403 is permanent for the stock client: it does not come back.
    await sleep(400);
    expect(bobA1.provider.wsconnected).toBe(false);
    expect(closes.has("bobB")).toBe(false);
    expect(closes.has("aliceA")).toBe(false);
    expect(collab.stats().connections).toBe(2);

    // The others carry on; the revoked one receives nothing more.
    aliceA.text.insert(0, "after revocation");
    bobB.text.insert(0, "space B");
    await aliceA.allSaved();
    await bobB.allSaved();
    await sleep(100);
    expect(bobA1.text.toString()).toBe("");
  });
});
