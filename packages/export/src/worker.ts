import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import type { CardInfo } from "./model";
import { renderExport, type ExportJob } from "./render";

/**
 * The export worker thread: renders one job at a time for the pool (`pool.ts`), asking the main
 * thread for the cards its card links name (the database stays on the main thread).
 */
export type ToWorker = { type: "render"; id: number; job: ExportJob } | { type: "cards"; id: number; cards: Record<string, CardInfo> };
export type FromWorker =
  | { type: "cards"; id: number; ids: string[] }
  | { type: "done"; id: number; bytes: Uint8Array; truncated: boolean }
  | { type: "error"; id: number; message: string };

const port = parentPort!;
// On Linux a thread is a task of its own: a nicer one here leaves the cores to the event loop's thread
// when both want them (two cores, a 10 MB PDF taking seconds). Elsewhere this may be refused: no matter.
try {
  setPriority(10);
} catch {
  // Keeps the default priority.
}
const waiting = new Map<number, (cards: Record<string, CardInfo>) => void>();
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on("message", (message: ToWorker) => {
  if (message.type === "cards") {
    waiting.get(message.id)?.(message.cards);
    waiting.delete(message.id);
    return;
  }
  const { id, job } = message;
  renderExport(job, (ids) => new Promise((resolve) => (waiting.set(id, resolve), send({ type: "cards", id, ids }))))
    .then(({ bytes, truncated }) => {
      // A view of a larger (pooled) buffer is copied, so only this file's bytes are handed over.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      send({ type: "done", id, bytes: own, truncated }, [own.buffer as ArrayBuffer]);
    })
    .catch((error: unknown) => send({ type: "error", id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
