import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { MessageType } from "../../packages/collab/src/index";
import { insertUpdate, syncFrame } from "./frames";
import { collabDatabase, connect, logRows, newDocumentId, rawSocket, startCollab, storedText, waitFor } from "./helpers";

/** Sends a query-awareness frame and waits for its answer: everything sent before it was handled. */
async function roundTrip(ws: WebSocket): Promise<void> {
  const answered = new Promise<void>((resolve) => ws.once("message", () => resolve()));
  ws.send(Uint8Array.of(MessageType.QueryAwareness));
  await answered;
}

describe("read-only connections", async () => {
  const { sql } = await collabDatabase();
  const { url, collab } = await startCollab(sql);

  it("cannot change the document, for anyone, even with forged frames; they still receive and show presence", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const viewer = connect(url, id, { user: "vera", readOnly: "1" });
    await Promise.all([alice.synced(), viewer.synced()]);
    alice.provider.awareness.setLocalStateField("cursor", { at: 0 });
    alice.text.insert(0, "Agreed text.");
    await waitFor(() => viewer.text.toString() === "Agreed text.", 5_000, "viewer receives");
    await alice.allSaved();
    const rowsBefore = await logRows(sql, id);

    // A forged update and a forged sync step 2 over a raw socket with a read-only identity.
    const raw = await rawSocket(url, id, { user: "vera", readOnly: "1" });
    raw.send(syncFrame(2, insertUpdate("FORGED UPDATE ")));
    raw.send(syncFrame(1, insertUpdate("FORGED STEP 2 ")));
    await roundTrip(raw);
    expect(raw.readyState).toBe(raw.OPEN);

    // The stock read-only client editing locally: dropped too.
    viewer.text.insert(0, "VIEWER EDIT ");
    viewer.provider.awareness.setLocalStateField("cursor", { at: 3 });
    await waitFor(() => (alice.provider.awareness.getStates().get(viewer.doc.clientID) as any)?.cursor?.at === 3, 5_000, "viewer presence");
    expect((alice.provider.awareness.getStates().get(viewer.doc.clientID) as any).user.userId).toBe("vera");

    // Alice writes once more; once that is saved, anything sent earlier would have been stored too.
    alice.text.insert(alice.text.length, " Signed.");
    await alice.allSaved();
    await waitFor(() => viewer.text.toString().endsWith(" Signed."), 5_000, "viewer receives again");

    expect(alice.text.toString()).toBe("Agreed text. Signed.");
    expect(await storedText(sql, id)).toBe("Agreed text. Signed.");
    expect(await logRows(sql, id)).toBe(rowsBefore + 1);
    // The read-only client is never told its changes were saved.
    expect(viewer.saved).toEqual([]);
    raw.close();
  });

  it("setReadOnly stops a writer's updates from then on", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    bob.text.insert(0, "before. ");
    await waitFor(() => alice.text.toString() === "before. ", 5_000, "alice sees bob");
    expect(collab.setReadOnly((identity, documentId) => identity.userId === "bob" && documentId === id, true)).toBe(1);
    bob.text.insert(bob.text.length, "after.");
    // Presence is handled in order with updates: once Alice sees this, Bob's edit reached the server.
    bob.provider.awareness.setLocalStateField("cursor", { at: 99 });
    await waitFor(() => (alice.provider.awareness.getStates().get(bob.doc.clientID) as any)?.cursor?.at === 99, 5_000, "bob presence");
    alice.text.insert(0, "Alice: ");
    await waitFor(() => bob.text.toString().startsWith("Alice: "), 5_000, "bob still receives");
    await alice.allSaved();
    expect(alice.text.toString()).toBe("Alice: before. ");
    expect(await storedText(sql, id)).toBe("Alice: before. ");
  });
});
