import type { RequestHandler } from "express";
import type { FairGate } from "./fair-gate";

/**
 * Lets requests through `gate`, keyed by `keyOf(req)` (the client address), before anything is
 * looked up for them. A request holds its place until its response has started (its headers are
 * written; an event stream then goes on outside the gate) or the client has gone; one that leaves
 * while waiting gives up its turn.
 */
export function gateRequests(gate: FairGate, keyOf: (req: Parameters<RequestHandler>[0]) => string): RequestHandler {
  return (req, res, next) => {
    const gone = new AbortController();
    let leave!: () => void;
    const started = new Promise<void>((resolve) => (leave = resolve));
    res.once("close", () => {
      gone.abort(new Error("client gone"));
      leave();
    });
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
      leave();
      return writeHead.apply(this, args);
    } as typeof res.writeHead;
    gate.run(keyOf(req), () => (next(), started), gone.signal).catch(() => {
      // Gone while waiting: nothing was done for it.
    });
  };
}
