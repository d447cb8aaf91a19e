import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../packages/collab/src/group-commit";
import { isConnectionError } from "../../packages/db/src/connection-errors";

/**
 * A write whose promise never settles (postgres.js, a socket cut at the wrong moment) must not hold
 * every later batch behind it: after the stall time it fails as a lost connection (which the room
 * retries), and the next batch is written.
 */
describe("group commit and a write that never settles", () => {
  it("fails the stalled batch as a lost connection and writes the next one", async () => {
    let calls = 0;
    const commit = new GroupCommit<string>((items) => (++calls === 1 ? new Promise<number[]>(() => {}) : Promise.resolve(items.map((_, i) => i + 1))), 100, 50);
    const stalled = commit.submit(["a"]);
    const next = commit.submit(["b"]);
    const error = await stalled.catch((e: unknown) => e);
    expect(isConnectionError(error)).toBe(true);
    expect(await next).toEqual([1]);
    expect(calls).toBe(2);
  });
});
