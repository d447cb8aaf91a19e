/**
 * Runs `task` `delayMs` after the last `touch`, but no later than `maxWaitMs` after the first
 * untouched one; never two runs at once. Errors go to `onError`.
 */
export class DebouncedTask {
  private timer: NodeJS.Timeout | null = null;
  private firstTouch = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly task: () => void | Promise<void>,
    private readonly delayMs: number,
    private readonly maxWaitMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Notes a change: (re)schedules the run. */
  touch(): void {
    const now = Date.now();
    if (this.timer) clearTimeout(this.timer);
    else this.firstTouch = now;
    const wait = Math.max(0, Math.min(this.delayMs, this.firstTouch + this.maxWaitMs - now));
    this.timer = setTimeout(() => void this.fire(), wait);
    this.timer.unref();
  }

  /** Runs now if a run is pending, and waits for any run in progress. */
  async flush(): Promise<void> {
    if (this.timer) await this.fire();
    else await this.running;
  }

  /** Forgets a pending run. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): Promise<void> {
    this.cancel();
    this.running = this.running.then(async () => {
      try {
        await this.task();
      } catch (error) {
        this.onError(error);
      }
    });
    return this.running;
  }
}
