import { isConnectionError, unlessStalled } from "./store-outage";

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
 * Group commit: requests arriving while a write is in flight are written together by the next one,
 * so many documents typed in at once cost one statement per round trip, not one each. When a combined
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
  ) {}

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
