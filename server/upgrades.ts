import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";

/**
 * Handles an upgrade on its path. It must answer — upgrade, or `refuse` — unless `signal` aborts
 * first: then the socket has already been answered 503 and destroyed, and must be left alone.
 */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, signal: AbortSignal) => Promise<void>;

export interface UpgradeRoutes {
  /** Path prefix (e.g. `/collab/`) → its handler. */
  routes: Record<string, UpgradeHandler>;
  /** `npm run dev`: Vite's hot-reload socket is Vite's (its own listener on the same server answers it). */
  dev: boolean;
  /** A handler that has not answered by then gets its socket answered 503 and destroyed. */
  deadlineMs: number;
  log: Logger;
}

/**
 * The one `upgrade` listener of the server: every upgrade request is answered. Node hands an upgrade
 * to whoever listens and never times it out, so a request nobody answers holds its socket for good
 * (200 of them left 200 sockets in CLOSE-WAIT; about 20,000 exhausted the file limit). Paths of no
 * route are refused 404; a route's handler has `deadlineMs` to answer (a stuck session or database
 * check must not hold sockets either).
 */
export function routeUpgrades(server: Server, options: UpgradeRoutes): void {
  const prefixes = Object.keys(options.routes);
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Without a listener an error on the raw socket (a reset mid-handshake) would crash the process.
    socket.on("error", (error: Error & { code?: string }) => options.log.debug({ err: error, code: error.code }, "upgrade: socket error"));
    const path = (req.url ?? "").split("?")[0];
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (!prefix) {
      if (options.dev && isViteHmr(req)) return;
      options.log.info({ path: path.slice(0, 200), address: req.socket.remoteAddress }, "upgrade refused: no such path");
      return refuseUpgrade(socket, 404);
    }
    const abort = new AbortController();
    const deadline = setTimeout(() => {
      abort.abort();
      if (socket.destroyed) return;
      options.log.warn({ path: path.slice(0, 200), address: req.socket.remoteAddress, ms: options.deadlineMs }, "upgrade refused: not answered in time");
      refuseUpgrade(socket, 503);
    }, options.deadlineMs);
    socket.once("close", () => clearTimeout(deadline));
    options.routes[prefix](req, socket, head, abort.signal).then(
      () => clearTimeout(deadline),
      (error: unknown) => {
        clearTimeout(deadline);
        // Past the deadline the socket is answered already; what failed after that is of no consequence.
        if (abort.signal.aborted) return;
        options.log.error({ err: error }, "upgrade failed");
        refuseUpgrade(socket, 500);
      },
    );
  });
}

const STATUS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Answers an upgrade request with an HTTP error and destroys the socket once the answer is written
 * (`end` alone would wait for the client to close its side, which an attacker never does).
 */
export function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.once("finish", () => socket.destroy());
  // A peer that stopped reading could keep even that small answer from being flushed.
  setTimeout(() => socket.destroy(), 1_000).unref();
  socket.end(`HTTP/1.1 ${status} ${STATUS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
}

/**
 * Vite's hot-reload socket, as Vite's own listener recognises it: its subprotocol on the base path
 * (`/`). Vite answers these itself, refusing bad tokens; anything else is not Vite's either.
 */
export function isViteHmr(req: IncomingMessage): boolean {
  const protocol = req.headers["sec-websocket-protocol"];
  const path = (req.url ?? "").split("?")[0];
  return (protocol === "vite-hmr" || protocol === "vite-ping") && path === "/";
}
