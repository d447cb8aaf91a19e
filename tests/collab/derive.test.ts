import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { collabDatabase, connect, memoryLog, newDocumentId, sleep, startCollab, waitFor } from "./helpers";

describe("onDerive", async () => {
  const { sql } = await collabDatabase();

  it("is called debounced after changes with the current document; its errors are logged, never fatal", async () => {
    const calls: { id: string; text: string }[] = [];
    let fail = true;
    const { log, lines } = memoryLog();
    const { url, collab } = await startCollab(sql, {
      log,
      timing: { deriveDebounceMs: 400, deriveMaxWaitMs: 5_000, unloadGraceMs: 100 },
      onDerive: async (id: string, doc: Y.Doc) => {
        calls.push({ id, text: doc.getText("body").toString() });
        if (fail) throw new Error("derive broke");
      },
    });
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    for (const ch of "Title") {
      alice.text.insert(alice.text.length, ch);
      await sleep(20);
    }
    await waitFor(() => calls.length === 1, 2_000, "one derive");
    // One call for the burst, seeing all of it.
    expect(calls[0]).toEqual({ id, text: "Title" });
    expect(lines.some((l) => l.msg === "collab: onDerive failed")).toBe(true);

    // The room survived the failing hook.
    fail = false;
    alice.text.insert(alice.text.length, " two");
    await alice.allSaved();
    await waitFor(() => calls.length === 2, 2_000, "second derive");
    expect(calls[1].text).toBe("Title two");

    // A last change right before unloading is derived before the document goes away.
    alice.text.insert(alice.text.length, "!");
    await alice.allSaved();
    alice.destroy();
    await waitFor(() => collab.stats().documents === 0 && collab.stats().unloading === 0, 5_000, "unloaded");
    expect(calls.at(-1)!.text).toBe("Title two!");
  });
});
