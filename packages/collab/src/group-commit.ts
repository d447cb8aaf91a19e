import { isConnectionError } from "@twinning/db/connection-errors";
import { unlessStalled } from "./store-outage";

/**
 * A write that has not settled after this long counts as lost with its connection (and is retried by
 * the room): a socket cut at the wrong moment can leave postgres.js's promise unsettled for ever, and
 * the next batch would wait behind it.
 */
export const WRITE_STALL_MS = 5_000;

interface Request<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * How often, at most, the appends of all documents commit: a write starts at once when none ran for
 * this long, else it waits for the cadence and takes everything queued meanwhile. So under load the
 * commits per second are bounded by the cadence, not by keystrokes (relaying does not wait for the
 * commit, only "saved" does).
 */
export const COMMIT_CADENCE_MS = 10;

/**
 * Group commit: requests arriving while a write is in flight, or within the cadence of the last one,
 * are written together by the next, so many documents typed in at once cost one statement per
 * cadence, not one each. When a combined
 * write fails, each request is retried alone, so one bad request (say, of a deleted document) fails
 * only itself — unless the connection failed, which fails every request alike (each room retries).
 */
export class GroupCommit<T, R = number> {
  private queue: Request<T, R>[] = [];
  private flushing = false;

  constructor(
    /** Writes items in order and returns one result per item, in order. */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxItems: number,
    private readonly stallMs = WRITE_STALL_MS,
    private readonly cadenceMs = COMMIT_CADENCE_MS,
  ) {}

  private lastStart = Number.NEGATIVE_INFINITY;

  /** Writes `items` with whatever else is queued; resolves with their results, in order. */
  submit(items: T[]): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // Node's timers count whole milliseconds from the loop's clock, so one may fire a little early.
        for (let wait; (wait = this.lastStart + this.cadenceMs - performance.now()) > 0; ) {
          await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
        }
        this.lastStart = performance.now();
        let count = 0;
        let take = 0;
        while (take < this.queue.length && (take === 0 || count + this.queue[take].items.length <= this.maxItems)) {
          count += this.queue[take].items.length;
          take++;
        }
        await this.run(this.queue.splice(0, take));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async run(batch: Request<T, R>[]): Promise<void> {
    try {
      const results = await unlessStalled(this.write(batch.flatMap((r) => r.items)), this.stallMs);
      let offset = 0;
      for (const r of batch) {
        r.resolve(results.slice(offset, offset + r.items.length));
        offset += r.items.length;
      }
    } catch (error) {
      if (batch.length === 1 || isConnectionError(error)) {
        for (const r of batch) r.reject(error);
        return;
      }
      for (const r of batch) {
        try {
          r.resolve(await this.write(r.items));
        } catch (single) {
          r.reject(single);
        }
      }
    }
  }
}
