import { Worker } from "node:worker_threads";
import { ExportBusyError } from "./errors";
import type { CardLookup, ExportJob, Rendered } from "./render";
import type { FromWorker, ToWorker } from "./worker";

/**
 * Exports render in worker threads, so a large document (a 10 MB PDF takes seconds) never holds the
 * server's event loop: the main thread only reads the database and hands bytes over. Each worker
 * renders one export at a time; others wait in a bounded queue (past it, {@link ExportBusyError}).
 * A worker that dies (out of its memory limit) or takes too long fails its export only and is started
 * anew for the next.
 */
export { ExportBusyError };

export interface ExporterOptions {
  /** Worker threads (default 1: the machine's other core serves requests). */
  workers?: number;
  /** Exports that may wait for a worker (default 8). */
  maxQueue?: number;
  /** Old-generation heap limit of a worker, in MB (default 1024). */
  maxMemoryMb?: number;
  /** An export still rendering after this long is given up and its worker ended (default 120 s). */
  timeoutMs?: number;
}

export interface Exporter {
  render(job: ExportJob, lookupCards: CardLookup): Promise<Rendered>;
  stats(): { running: number; queued: number; workers: number };
  close(): Promise<void>;
}


interface Task {
  id: number;
  job: ExportJob;
  lookupCards: CardLookup;
  resolve(r: Rendered): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker | null;
  task: Task | null;
  timer?: NodeJS.Timeout;
}

const BOOT = new URL("./worker-boot.mjs", import.meta.url);

export function createExporter(options: ExporterOptions = {}): Exporter {
  const slots: Slot[] = Array.from({ length: Math.max(1, options.workers ?? 1) }, () => ({ worker: null, task: null }));
  const queue: Task[] = [];
  const maxQueue = options.maxQueue ?? 8;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let nextId = 1;
  let closed = false;

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb ?? 1024 } });
    worker.unref();
    worker.on("message", (message: FromWorker) => {
      const task = slot.task;
      if (!task || task.id !== message.id) return;
      if (message.type === "cards") {
        task
          .lookupCards(message.ids)
          .catch(() => ({}))
          .then((cards) => worker.postMessage({ type: "cards", id: task.id, cards } satisfies ToWorker));
        return;
      }
      slot.task = null;
      clearTimeout(slot.timer);
      if (message.type === "done") task.resolve({ bytes: message.bytes, truncated: message.truncated });
      else task.reject(new Error(message.message));
      next();
    });
    const lost = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const task = slot.task;
      slot.task = null;
      clearTimeout(slot.timer);
      task?.reject(error);
      next();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`export worker exited (${code})`)));
    return worker;
  };

  const next = () => {
    for (const slot of slots) {
      if (slot.task || !queue.length || closed) continue;
      const task = queue.shift()!;
      slot.task = task;
      const worker = (slot.worker ??= spawn(slot));
      worker.postMessage({ type: "render", id: task.id, job: task.job } satisfies ToWorker);
      // A document that takes too long (say, a table of a thousand columns) ends its worker, not the server.
      slot.timer = setTimeout(() => {
        if (slot.task !== task) return;
        const ended = new Error(`export: gave up after ${timeoutMs} ms`);
        slot.worker = null;
        slot.task = null;
        task.reject(ended);
        void worker.terminate();
        next();
      }, timeoutMs);
      slot.timer.unref();
    }
  };

  return {
    render(job, lookupCards) {
      if (closed) return Promise.reject(new Error("export: closed"));
      if (queue.length >= maxQueue && slots.every((s) => s.task)) return Promise.reject(new ExportBusyError());
      return new Promise<Rendered>((resolve, reject) => {
        queue.push({ id: nextId++, job, lookupCards, resolve, reject });
        next();
      });
    },
    stats: () => ({ running: slots.filter((s) => s.task).length, queued: queue.length, workers: slots.filter((s) => s.worker).length }),
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error("export: closed"));
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  };
}
