import type { IncomingMessage } from "node:http";

/**
 * How many of something (sockets, event streams) are open per key — a user, an address, a document —
 * with a cap for each kind of key. A slot is taken synchronously when something is admitted and
 * given back when it ends, so concurrent arrivals can never overshoot a cap.
 */
export class Caps<Kind extends string> {
  private readonly counts = new Map<string, number>();

  constructor(private readonly caps: Record<Kind, number>) {}

  /**
   * Takes one slot for each key given, or none: returns the release of all of them (idempotent), or
   * the kind of key whose cap is reached.
   */
  take(keys: Partial<Record<Kind, string>>): { release: () => void } | { refused: Kind } {
    const entries = Object.entries(keys).filter((e): e is [Kind, string] => typeof e[1] === "string");
    for (const [kind, key] of entries) {
      if ((this.counts.get(`${kind}:${key}`) ?? 0) >= this.caps[kind]) return { refused: kind };
    }
    for (const [kind, key] of entries) this.counts.set(`${kind}:${key}`, (this.counts.get(`${kind}:${key}`) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const [kind, key] of entries) {
          const n = (this.counts.get(`${kind}:${key}`) ?? 1) - 1;
          if (n > 0) this.counts.set(`${kind}:${key}`, n);
          else this.counts.delete(`${kind}:${key}`);
        }
      },
    };
  }

  /** Open now for one key (for tests and stats). */
  count(kind: Kind, key: string): number {
    return this.counts.get(`${kind}:${key}`) ?? 0;
  }
}

/**
 * A rate per key (a client address): token buckets of `capacity` refilled continuously over
 * `windowMs`, so a burst of `capacity` is allowed and then `capacity` per window. Buckets that are
 * full again are forgotten when there are many.
 */
export class RatePerKey {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token of `key`'s bucket; false (taking nothing) when it is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = this.refilled(bucket, now);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) for (const [k, b] of this.buckets) if (this.refilled(b, now) >= this.capacity) this.buckets.delete(k);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private refilled(bucket: { tokens: number; at: number }, now: number): number {
    return Math.min(this.capacity, bucket.tokens + ((now - bucket.at) * this.capacity) / this.windowMs);
  }
}

/**
 * The client's address, one rule for requests and upgrades: the socket's peer, or behind one trusted
 * proxy (TRUST_PROXY=1) the last `X-Forwarded-For` entry, the one that proxy added (as Express's
 * `req.ip` with `trust proxy` 1) — trusting every hop would let a client choose its address, and so
 * its caps and log-in throttle.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers["x-forwarded-for"] : undefined;
  const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").at(-1)?.trim();
  return last || req.socket.remoteAddress || "unknown";
}
