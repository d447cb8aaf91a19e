import type { CollabLog } from "./options";

/** The error a stalled write is failed with (group-commit.ts): a lost connection, as far as retrying is concerned. */
export class StoreStalled extends Error {
  readonly code = "CONNECTION_STALLED";
  constructor(ms: number) {
    super(`the write did not settle within ${ms} ms`);
  }
}

/** `promise`, or a {@link StoreStalled} rejection once `ms` have passed without it settling. */
export function unlessStalled<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreStalled(ms)), ms);
  });
  return Promise.race([promise, stalled]).finally(() => clearTimeout(timer));
}

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2_000;
/** After shutdown began, how long rooms keep retrying before they give up (their clients hold the edits). */
export const SHUTDOWN_RETRY_MS = 10_000;

/**
 * The database being away, shared by every room of a server: while it lasts, rooms keep their
 * pending updates in memory and retry with backoff (their sockets stay open, nothing is acknowledged
 * as saved). Logged once when it begins and once when it ends — not per keystroke or per room. The
 * first room whose write succeeds again wakes the others, so all resume at once.
 */
export class StoreOutage {
  private since: number | null = null;
  private failures = 0;
  private readonly documents = new Set<string>();
  private wakers = new Set<() => void>();
  private givingUpAt = Number.POSITIVE_INFINITY;
  /** Outages seen since the start, and the updates retried after one: for stats and tests. */
  readonly counts = { outages: 0, retries: 0 };

  constructor(private readonly log: CollabLog) {}

  /** Whether writes are failing for want of the database right now. */
  get active(): boolean {
    return this.since !== null;
  }

  /** A write of `documentId` (`pending` updates) failed on the connection: notes it, logs the outage's start. */
  failed(documentId: string, error: unknown, pending: number): void {
    this.failures++;
    this.counts.retries += pending;
    this.documents.add(documentId);
    if (this.since !== null) return;
    this.since = Date.now();
    this.counts.outages++;
    this.log.warn(
      { documentId, pending, err: error },
      "collab: the database is unreachable; updates are kept in memory and retried, clients stay connected and are not told saved",
    );
  }

  /** A write succeeded: ends the outage (logged with how long it lasted) and wakes the rooms waiting to retry. */
  succeeded(): void {
    if (this.since === null) return;
    this.log.info(
      { ms: Date.now() - this.since, failedWrites: this.failures, documents: this.documents.size },
      "collab: the database is back; held updates are being stored",
    );
    this.since = null;
    this.failures = 0;
    this.documents.clear();
    const wakers = this.wakers;
    this.wakers = new Set();
    for (const wake of wakers) wake();
  }

  /** Whether a failed write should be tried again (not once shutdown has waited long enough). */
  mayRetry(): boolean {
    return Date.now() < this.givingUpAt;
  }

  /** Shutdown began: retry for at most `ms` more, then give up (the clients, told to go, resend elsewhere). */
  stopRetryingAfter(ms = SHUTDOWN_RETRY_MS): void {
    this.givingUpAt = Math.min(this.givingUpAt, Date.now() + ms);
  }

  /** Waits before retry number `attempt` (0, 1, …): backoff with jitter, cut short when the database is back. */
  wait(attempt: number): Promise<void> {
    const ms = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
    const until = Math.min(ms, Math.max(0, this.givingUpAt - Date.now()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, until);
      this.wakers.add(done);
    });
  }
}
