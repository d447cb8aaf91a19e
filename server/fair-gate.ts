/**
 * Runs at most `concurrency` tasks at once. Those waiting are let in one key at a time in turn
 * (round robin over keys, first come first served within a key), so a burst from one key — one
 * client address opening hundreds of sockets — waits behind itself and cannot starve the others.
 */
export class FairGate {
  private running = 0;
  /** Waiting tasks per key; the map's order is the turn order. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly concurrency: number) {}

  /** Runs `task` once let in; rejects without running it if `signal` aborts while it waits. */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.enter(key, signal);
    try {
      return await task();
    } finally {
      this.leave();
    }
  }

  /** Tasks waiting now (for tests and stats). */
  get queued(): number {
    let n = 0;
    for (const queue of this.waiting.values()) n += queue.length;
    return n;
  }

  private enter(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const queue = this.waiting.get(key);
        const i = queue?.indexOf(wake) ?? -1;
        if (queue && i >= 0) queue.splice(i, 1);
        if (queue?.length === 0) this.waiting.delete(key);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const queue = this.waiting.get(key);
      if (queue) queue.push(wake);
      else this.waiting.set(key, [wake]);
    });
  }

  private leave(): void {
    const next = this.waiting.entries().next();
    if (next.done) {
      this.running--;
      return;
    }
    const [key, queue] = next.value;
    const wake = queue.shift()!;
    // This key's turn is over: it goes to the back of the line.
    this.waiting.delete(key);
    if (queue.length > 0) this.waiting.set(key, queue);
    // The slot passes straight to the woken task.
    wake();
  }
}
