import { describe, expect, it } from "vitest";
import { collabDatabase, connect, newDocumentId, startCollab, waitFor, type CountingWebSocket } from "./helpers";

describe("two stock y-websocket clients", async () => {
  const { sql } = await collabDatabase();
  const { url } = await startCollab(sql);

  it("see each other's edits", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    alice.text.insert(0, "Hello from Alice. ");
    await waitFor(() => bob.text.toString() === "Hello from Alice. ", 5_000, "bob sees alice");
    bob.text.insert(bob.text.length, "Hi from Bob.");
    await waitFor(() => alice.text.toString() === "Hello from Alice. Hi from Bob.", 5_000, "alice sees bob");
    // A third client joining later gets everything from the server.
    const carol = connect(url, id, { user: "carol" });
    await carol.synced();
    await waitFor(() => carol.text.toString() === "Hello from Alice. Hi from Bob.", 5_000, "carol catches up");
  });

  it("see each other's presence, with the names the server knows, not the ones a client claims", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice", name: "Alice Andersen" });
    const mallory = connect(url, id, { user: "mallory", name: "Mallory" });
    await Promise.all([alice.synced(), mallory.synced()]);
    alice.provider.awareness.setLocalStateField("cursor", { at: 1 });
    // Mallory claims to be Alice.
    mallory.provider.awareness.setLocalStateField("user", { userId: "alice", name: "Alice Andersen", tenantName: "Ballerup Kommune", color: "#ff0000" });
    mallory.provider.awareness.setLocalStateField("cursor", { at: 7 });

    const stateOf = (states: Map<number, Record<string, unknown>>, clientId: number) => states.get(clientId) as Record<string, any> | undefined;
    await waitFor(() => stateOf(alice.provider.awareness.getStates(), mallory.doc.clientID)?.cursor?.at === 7, 5_000, "mallory's cursor");
    const seenByAlice = stateOf(alice.provider.awareness.getStates(), mallory.doc.clientID)!;
    expect(seenByAlice.user).toEqual({ userId: "mallory", name: "Mallory", tenantName: "Tenant of mallory", color: "#336699" });

    await waitFor(() => stateOf(mallory.provider.awareness.getStates(), alice.doc.clientID)?.cursor?.at === 1, 5_000, "alice's cursor");
    expect(stateOf(mallory.provider.awareness.getStates(), alice.doc.clientID)!.user).toEqual({
      userId: "alice",
      name: "Alice Andersen",
      tenantName: "Tenant of alice",
      color: "#336699",
    });
  });

  it("lose a peer's presence when it leaves", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    bob.provider.awareness.setLocalStateField("cursor", { at: 0 });
    await waitFor(() => alice.provider.awareness.getStates().has(bob.doc.clientID), 5_000, "bob present");
    // Dropped without a goodbye: the server must withdraw the presence itself.
    (bob.provider.ws as unknown as CountingWebSocket).terminate();
    bob.destroy();
    await waitFor(() => !alice.provider.awareness.getStates().has(bob.doc.clientID), 5_000, "bob gone");
  });
});
