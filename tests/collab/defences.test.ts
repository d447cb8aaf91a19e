import { describe, expect, it } from "vitest";
import { CloseCodes } from "../../packages/collab/src/index";
import { QUERY_AWARENESS, awarenessFrameOf, insertUpdate, syncFrame } from "./frames";
import { closeOf, collabDatabase, connect, logRows, memoryLog, newDocumentId, rawSocket, sleep, startCollab, waitFor } from "./helpers";

describe("defences", async () => {
  const { sql } = await collabDatabase();
  const { log, lines } = memoryLog();
  const { url } = await startCollab(sql, {
    log,
    limits: { rateMessages: 50, maxDocumentBytes: 4_000, maxAwarenessStateBytes: 1_000 },
  });
  const loggedClose = (code: number) => lines.some((l) => l.msg === "collab: closing connection" && l.code === code);

  it("closes a connection over the message rate, and logs it; others carry on", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    const raw = await rawSocket(url, id, { user: "flood" });
    const closed = closeOf(raw);
    for (let i = 0; i < 80; i++) raw.send(QUERY_AWARENESS);
    expect(await closed).toEqual({ code: CloseCodes.RateLimited.code, reason: CloseCodes.RateLimited.reason });
    expect(loggedClose(CloseCodes.RateLimited.code)).toBe(true);
    alice.text.insert(0, "still fine");
    await alice.allSaved();
  });

  it("does not count the stock client's echoes of others' presence against its rate", async () => {
    const id = newDocumentId();
    const clients = Array.from({ length: 4 }, (_, i) => connect(url, id, { user: `u${i}` }));
    await Promise.all(clients.map((c) => c.synced()));
    const closes: unknown[] = [];
    for (const c of clients) c.provider.on("connection-close", (event) => void closes.push(event?.code));
    // 4 clients × 20 cursor moves: each client also echoes the others' 60, well over 50 messages.
    for (let i = 0; i < 20; i++) {
      for (const c of clients) c.provider.awareness.setLocalStateField("cursor", { at: i });
      await sleep(5);
    }
    await waitFor(() => clients.every((c) => [...c.provider.awareness.getStates().values()].filter((s: any) => s.cursor?.at === 19).length === 4), 5_000, "all cursors");
    expect(closes).toEqual([]);
  });

  it("refuses an update that would make the document too large, storing nothing of it", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    alice.text.insert(0, "small");
    await alice.allSaved();
    const rows = await logRows(sql, id);
    const raw = await rawSocket(url, id, { user: "big" });
    const closed = closeOf(raw);
    raw.send(syncFrame(2, insertUpdate("x".repeat(5_000))));
    expect(await closed).toEqual({ code: CloseCodes.DocumentTooLarge.code, reason: CloseCodes.DocumentTooLarge.reason });
    expect(await logRows(sql, id)).toBe(rows);
    await sleep(50);
    expect(alice.text.toString()).toBe("small");
    expect(loggedClose(CloseCodes.DocumentTooLarge.code)).toBe(true);
  });

  it("refuses an oversized awareness state", async () => {
    const raw = await rawSocket(url, newDocumentId(), { user: "big" });
    const closed = closeOf(raw);
    raw.send(awarenessFrameOf([{ clientId: 1, clock: 1, json: JSON.stringify({ blob: "y".repeat(2_000) }) }]));
    expect((await closed).code).toBe(CloseCodes.MessageTooBig.code);
  });

  it("does not let one connection change or remove another's presence", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    const bob = connect(url, id, { user: "bob" });
    await Promise.all([alice.synced(), bob.synced()]);
    alice.provider.awareness.setLocalStateField("cursor", { at: 5 });
    const aliceId = alice.doc.clientID;
    await waitFor(() => (bob.provider.awareness.getStates().get(aliceId) as any)?.cursor?.at === 5, 5_000, "alice's cursor");
    const raw = await rawSocket(url, id, { user: "mallory" });
    raw.send(awarenessFrameOf([{ clientId: aliceId, clock: 1_000, json: JSON.stringify({ cursor: { at: 666 } }) }]));
    raw.send(awarenessFrameOf([{ clientId: aliceId, clock: 1_001, json: "null" }]));
    // Mallory's own presence arrives after those frames were handled.
    raw.send(awarenessFrameOf([{ clientId: 4242, clock: 1, json: JSON.stringify({ cursor: { at: 1 } }) }]));
    await waitFor(() => bob.provider.awareness.getStates().has(4242), 5_000, "mallory's presence");
    expect((bob.provider.awareness.getStates().get(4242) as any).user.userId).toBe("mallory");
    expect((bob.provider.awareness.getStates().get(aliceId) as any).cursor.at).toBe(5);
    expect(raw.readyState).toBe(raw.OPEN);
    raw.close();
  });

  it("lets one connection control only a few presence ids, however many one frame claims", async () => {
    const id = newDocumentId();
    const alice = connect(url, id, { user: "alice" });
    await alice.synced();
    const raw = await rawSocket(url, id, { user: "mallory" });
    const entries = Array.from({ length: 50 }, (_, i) => ({ clientId: 9_000 + i, clock: 1, json: JSON.stringify({ n: i }) }));
    raw.send(awarenessFrameOf(entries));
    raw.send(awarenessFrameOf([{ clientId: 9_999, clock: 1, json: "{}" }]));
    const foreign = () => [...alice.provider.awareness.getStates().keys()].filter((k) => k >= 9_000 && k < 10_000);
    await waitFor(() => foreign().length >= 4, 5_000, "mallory's ids");
    await sleep(100);
    // DEFAULT_LIMITS.maxAwarenessClients
    expect(foreign()).toEqual([9_000, 9_001, 9_002, 9_003]);
    raw.close();
  });
});
