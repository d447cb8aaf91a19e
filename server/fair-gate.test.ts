import { describe, expect, it } from "vitest";
import { FairGate } from "./fair-gate";

describe("FairGate", () => {
  it("runs a few at a time and lets each key in turn, so one key's burst does not starve another", async () => {
    const gate = new FairGate(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      order.push(name);
      running--;
    };
    // Ten from the attacker first, then two from someone else.
    const all = [
      ...Array.from({ length: 10 }, (_, i) => gate.run("attacker", task(`a${i}`))),
      gate.run("other", task("o0")),
      gate.run("other", task("o1")),
    ];
    await Promise.all(all);
    expect(most).toBe(2);
    // The other key's tasks are not left until after all ten.
    expect(order.indexOf("o0")).toBeLessThan(5);
    expect(order.indexOf("o1")).toBeLessThan(7);
    expect(gate.queued).toBe(0);
  });

  it("drops a waiting task whose signal aborts, without running it", async () => {
    const gate = new FairGate(1);
    let release!: () => void;
    const first = gate.run("k", () => new Promise<void>((r) => (release = r)));
    const abort = new AbortController();
    let ran = false;
    const second = gate.run("k", async () => void (ran = true), abort.signal);
    expect(gate.queued).toBe(1);
    abort.abort(new Error("deadline"));
    await expect(second).rejects.toThrow("deadline");
    expect(gate.queued).toBe(0);
    release();
    await first;
    // The slot is free again.
    await gate.run("k", async () => {});
    expect(ran).toBe(false);
  });
});
