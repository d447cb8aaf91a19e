import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { Caps, clientAddress, RatePerKey } from "./caps";

describe("Caps", () => {
  it("takes a slot for each key up to its cap, none at all when one is full, and gives them back once", () => {
    const caps = new Caps({ user: 2, address: 3 });
    const a = caps.take({ user: "u", address: "1.1.1.1" });
    const b = caps.take({ user: "u", address: "1.1.1.1" });
    expect("release" in a && "release" in b).toBe(true);
    // The user is full: the address's slot is not taken either.
    expect(caps.take({ user: "u", address: "1.1.1.1" })).toEqual({ refused: "user" });
    expect(caps.count("address", "1.1.1.1")).toBe(2);
    expect("release" in caps.take({ user: "v", address: "1.1.1.1" })).toBe(true);
    expect(caps.take({ user: "w", address: "1.1.1.1" })).toEqual({ refused: "address" });
    if ("release" in a) {
      a.release();
      a.release();
    }
    expect(caps.count("user", "u")).toBe(1);
    expect(caps.count("address", "1.1.1.1")).toBe(2);
    // Keys not given are not counted.
    expect("release" in caps.take({ address: "2.2.2.2" })).toBe(true);
    expect(caps.count("user", "u")).toBe(1);
  });
});

describe("RatePerKey", () => {
  it("allows a burst, then the rate, per key", () => {
    let now = 0;
    const rate = new RatePerKey(3, 1_000, () => now);
    expect([1, 2, 3, 4].map(() => rate.take("a"))).toEqual([true, true, true, false]);
    expect(rate.take("b")).toBe(true);
    now = 340;
    expect(rate.take("a")).toBe(true);
    expect(rate.take("a")).toBe(false);
  });
});

describe("clientAddress", () => {
  const req = (remoteAddress: string, forwarded?: string) =>
    ({ socket: { remoteAddress }, headers: forwarded ? { "x-forwarded-for": forwarded } : {} }) as unknown as IncomingMessage;

  it("is the peer, or behind a trusted proxy the entry that proxy added (the last)", () => {
    expect(clientAddress(req("10.0.0.1", "6.6.6.6"), false)).toBe("10.0.0.1");
    expect(clientAddress(req("10.0.0.1", "6.6.6.6, 203.0.113.7"), true)).toBe("203.0.113.7");
    expect(clientAddress(req("10.0.0.1"), true)).toBe("10.0.0.1");
  });
});
