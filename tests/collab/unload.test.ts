import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { collabDatabase, connect, newDocumentId, sleep, startCollab, waitFor } from "./helpers";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("unloading", async () => {
  const { sql } = await collabDatabase();
  let lastDoc: WeakRef<Y.Doc> | null = null;
  const { url, collab } = await startCollab(sql, {
    timing: { unloadGraceMs: 800, deriveDebounceMs: 10 },
    // The hook is the only way a test gets hold of the server's Y.Doc.
    onDerive: (_id, doc) => void (lastDoc = new WeakRef(doc)),
  });

  it("unloads a grace period after the last client left, frees the document, and reloads it", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    alice.text.insert(0, "kept");
    await alice.allSaved();
    await waitFor(() => lastDoc !== null, 5_000, "derive ran");
    expect(collab.stats().documents).toBe(1);
    alice.destroy();

    // Still loaded during the grace period…
    await sleep(100);
    expect(collab.stats().documents).toBe(1);
    // …then gone.
    await waitFor(() => collab.stats().documents === 0 && collab.stats().unloading === 0, 5_000, "unloaded");
    expect(collab.stats().connections).toBe(0);

    // Nothing keeps the server's Y.Doc alive any more (listeners, timers, awareness).
    // (deref() keeps its target alive until the current job ends, so collect in a later job.)
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      gc();
      await sleep(20);
      if (lastDoc!.deref() === undefined) break;
    }
    expect(lastDoc!.deref()).toBeUndefined();

    const bob = connect(url, id, { user: "bob" });
    await bob.synced();
    expect(bob.text.toString()).toBe("kept");
    expect(collab.stats().documents).toBe(1);
  });

  it("a reconnect during the grace period cancels the unload", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    alice.text.insert(0, "x");
    await alice.allSaved();
    alice.destroy();
    await sleep(150);
    const bob = connect(url, id, { user: "bob" });
    await bob.synced();
    await sleep(1_000);
    expect(collab.stats().perDocument.map((d) => d.documentId)).toContain(id);
    expect(bob.text.toString()).toBe("x");
  });
});
