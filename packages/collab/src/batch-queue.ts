/**
 * Runs `flush` on whatever has queued, one batch at a time and in order: while one batch is being
 * written, new items gather into the next (group commit). A failing flush is reported to `onError`
 * and does not stop later batches.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly flush: (batch: T[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly maxBatch = 500,
  ) {}

  /** Queues an item; starts a flush unless one is running. */
  push(item: T): void {
    this.items.push(item);
    this.running ??= this.run();
  }

  /** Resolves once everything pushed so far has been flushed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.items.length > 0) {
        try {
          await this.flush(this.items.splice(0, this.maxBatch));
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
