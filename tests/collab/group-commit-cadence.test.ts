import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../packages/collab/src/group-commit";

/**
 * The commit cadence: under a steady stream of appends (every document's keystrokes), statements are
 * bounded by the cadence, not by the appends; a lone append when nothing ran lately goes at once.
 */
describe("group commit cadence", () => {
  it("writes at most once per cadence however many appends arrive, and a lone append at once", async () => {
    const starts: number[] = [];
    const cadenceMs = 25;
    // A write as fast as a local commit (about a millisecond).
    const commit = new GroupCommit<number>(
      async (items) => {
        starts.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, 1));
        return items;
      },
      1_000,
      5_000,
      cadenceMs,
    );
    const lone = performance.now();
    await commit.submit([0]);
    expect(starts[0] - lone).toBeLessThan(cadenceMs / 2);

    // 200 appends over about 400 ms: one every 2 ms, each awaited only at the end.
    const pending: Promise<number[]>[] = [];
    const began = performance.now();
    for (let i = 1; i <= 200; i++) {
      pending.push(commit.submit([i]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const results = await Promise.all(pending);
    const elapsed = performance.now() - began;
    // Every append got its own result, in order.
    expect(results.flat()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const streamWrites = starts.length - 1;
    expect(streamWrites).toBeLessThanOrEqual(Math.ceil(elapsed / cadenceMs) + 2);
    expect(streamWrites).toBeLessThan(100);
    // Consecutive writes start a cadence apart (less the moment between the timer and the write call).
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(cadenceMs - 0.5);
  });
});
