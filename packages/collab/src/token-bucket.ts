/**
 * A token bucket: holds up to `capacity` tokens, refilled continuously at `capacity` per `windowMs`.
 * Starts full, so a burst up to `capacity` is allowed.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes `cost` tokens when available; false (taking nothing) when not. */
  take(cost = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.windowMs);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

/**
 * Token buckets shared by key: one per user over all of that user's connections, so opening more
 * sockets buys no more rate. A key's bucket is dropped a window after its last holder let go (it is
 * full again by then, so reconnecting earns nothing).
 */
export class SharedBuckets {
  private readonly entries = new Map<string, { bucket: TokenBucket; holders: number; drop?: NodeJS.Timeout }>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {}

  /** The key's bucket, held until `release(key)`. */
  hold(key: string): TokenBucket {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.capacity, this.windowMs), holders: 0 };
      this.entries.set(key, entry);
    }
    clearTimeout(entry.drop);
    entry.drop = undefined;
    entry.holders++;
    return entry.bucket;
  }

  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || --entry.holders > 0) return;
    entry.drop = setTimeout(() => {
      if (entry.holders === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    }, this.windowMs);
    entry.drop.unref();
  }

  /** Keys with a bucket (for tests and stats). */
  get size(): number {
    return this.entries.size;
  }
}
