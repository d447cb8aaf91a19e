import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { CloseCodes } from "../../packages/collab/src/index";
import { awarenessFrameOf } from "./frames";
import { closeOf, collabDatabase, memoryLog, newDocumentId, rawSocket, startCollab, waitFor } from "./helpers";

/** The presence states a socket has been sent, by client id (latest clock wins), and how many awareness frames. */
function watchPresence(ws: WebSocket) {
  const seen = { frames: 0, states: new Map<number, { clock: number; state: any }>() };
  ws.on("message", (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== 1) return;
    seen.frames++;
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(update);
      const clock = decoding.readVarUint(update);
      const state = JSON.parse(decoding.readVarString(update));
      if ((seen.states.get(clientId)?.clock ?? -1) < clock) seen.states.set(clientId, { clock, state });
    }
  });
  return seen;
}

const cursor = (clientId: number, clock: number) => awarenessFrameOf([{ clientId, clock, json: JSON.stringify({ cursor: { at: clock } }) }]);

describe("presence fan-out", async () => {
  const { sql } = await collabDatabase();
  const { log, lines } = memoryLog();
  const { url } = await startCollab(sql, { log, limits: { presenceFanOutMs: 100, presencePerUser: 20, rateMessages: 1_000 } });

  it("sends a room's presence changes together: one frame per interval to each socket, with everyone's latest state", async () => {
    const id = newDocumentId();
    const n = 8;
    const sockets = await Promise.all(Array.from({ length: n }, (_, i) => rawSocket(url, id, { user: `u${i}` })));
    const seen = sockets.map(watchPresence);
    // Every socket moves its cursor 5 times at once: 40 changes, which one by one would be 40 frames to each of 8 sockets.
    sockets.forEach((ws, i) => {
      for (let clock = 1; clock <= 5; clock++) ws.send(cursor(1_000 + i, clock));
    });
    await waitFor(() => seen.every((s) => sockets.every((_, i) => s.states.get(1_000 + i)?.clock === 5)), 5_000, "everyone's last cursor");
    const frames = seen.map((s) => s.frames);
    console.log(`presence: ${n} sockets × 5 changes → awareness frames per socket: ${frames.join(", ")} (one by one: ${n * 5})`);
    for (const f of frames) expect(f).toBeLessThanOrEqual(3);
    // Each state still carries its owner's server-known identity.
    expect(seen[0].states.get(1_003)?.state.user.userId).toBe("u3");
    for (const ws of sockets) ws.close();
  });

  it("gives one user one presence budget over all their sockets, and closes the socket that exceeds it", async () => {
    const id = newDocumentId();
    const alice = await rawSocket(url, id, { user: "alice" });
    const mallory = [await rawSocket(url, id, { user: "mallory" }), await rawSocket(url, id, { user: "mallory" })];
    const closes = mallory.map((ws) => closeOf(ws).catch(() => null));
    // 12 changes per socket stay under the per-socket rate, but 24 are over the user's 20.
    for (let clock = 1; clock <= 12; clock++) mallory.forEach((ws, i) => ws.readyState === ws.OPEN && ws.send(cursor(2_000 + i, clock)));
    const [first] = await Promise.race(closes.map((c, i) => c.then((close) => [close, i] as const)));
    expect(first).toEqual({ code: CloseCodes.RateLimited.code, reason: CloseCodes.RateLimited.reason });
    expect(lines.some((l) => l.msg === "collab: closing connection" && l.userId === "mallory" && l.detail === "too many presence changes from this user")).toBe(true);
    // Another user's budget is their own.
    for (let clock = 1; clock <= 15; clock++) alice.send(cursor(3_000, clock));
    const watcher = watchPresence(await rawSocket(url, id, { user: "bob" }));
    await waitFor(() => watcher.states.get(3_000)?.clock === 15, 5_000, "alice's last cursor");
    // A new socket of the same user starts with what is left of the budget, not a fresh one.
    for (const ws of mallory) ws.close();
    const again = await rawSocket(url, id, { user: "mallory" });
    const closedAgain = closeOf(again);
    for (let clock = 1; clock <= 8; clock++) again.readyState === again.OPEN && again.send(cursor(2_100, clock));
    expect((await closedAgain).code).toBe(CloseCodes.RateLimited.code);
    expect(alice.readyState).toBe(alice.OPEN);
    alice.close();
  });
});

describe("presence colours", async () => {
  const { sql } = await collabDatabase();
  // Every test identity has the same colour (#336699): the room must tell users apart.
  const { url } = await startCollab(sql, { presenceColors: ["#336699", "#2e7d32", "#6a1b9a"] });

  it("gives two users in one document different colours, and one user the same colour on every socket", async () => {
    const id = newDocumentId();
    const [anna, bo, annaAgain] = [await rawSocket(url, id, { user: "anna" }), await rawSocket(url, id, { user: "bo" }), await rawSocket(url, id, { user: "anna" })];
    const watcher = watchPresence(await rawSocket(url, id, { user: "watcher" }));
    [anna, bo, annaAgain].forEach((ws, i) => ws.send(cursor(4_000 + i, 1)));
    await waitFor(() => [0, 1, 2].every((i) => watcher.states.has(4_000 + i)), 5_000, "three states");
    const color = (i: number) => watcher.states.get(4_000 + i)!.state.user.color;
    expect(color(0)).toBe("#336699");
    expect(color(1)).toBe("#2e7d32");
    expect(color(2)).toBe(color(0));
    for (const ws of [anna, bo, annaAgain]) ws.close();
  });
});
