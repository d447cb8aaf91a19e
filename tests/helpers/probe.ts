import { fork } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

/**
 * Tools for attack tests against a running server: a well-behaved client that keeps measuring while
 * an attacker does their worst, socket attempts that report how the upgrade was answered, and the
 * server process's open file count. Everything stays on loopback; the well-behaved client uses its
 * own loopback address (127.0.0.2 by default), as another tenant's office would have its own.
 */

export interface Figures {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? NaN) };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export const describeFigures = (f: Figures) => `n=${f.n} p50=${f.p50} ms p99=${f.p99} ms max=${f.max} ms`;

/** The stock y-websocket client with a session cookie, from `localAddress`. */
export function stockClient(baseUrl: string, documentId: string, cookie: string, localAddress?: string) {
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { Cookie: cookie, Origin: baseUrl }, localAddress });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace("http", "ws")}/collab`, documentId, doc, { WebSocketPolyfill: CookieSocket as never, disableBc: true });
  provider.messageHandlers[100] = () => {};
  provider.messageHandlers[101] = () => {};
  const closes: number[] = [];
  provider.on("connection-close", (event) => void (event && closes.push(event.code)));
  return {
    doc,
    provider,
    closes,
    synced: () => waitUntil(() => provider.synced, 10_000, "synced"),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export interface WellBehaved {
  /** Starts typing (`perSecond` keystrokes) and probing `/healthz` back to back. */
  start(): Promise<void>;
  /** Stops (once at least `minKeystrokes` were measured), and returns keystroke-to-remote and `/healthz` figures since `start`. */
  stop(minKeystrokes?: number): Promise<{ keystroke: Figures; healthz: Figures; errors: string[] }>;
  destroy(): void;
}

/**
 * Two browser tabs of one user of another tenant on one document: one types, the other sees each
 * keystroke arrive (keystroke-to-remote latency); meanwhile `/healthz` is asked again and again. It
 * runs in a process of its own (`well-behaved.ts`), so the attacker's work in the test's process
 * cannot slow its clock: what it measures is the server.
 */
export async function wellBehavedClient(baseUrl: string, documentId: string, cookie: string, localAddress = "127.0.0.2", perSecond = 20): Promise<WellBehaved> {
  const child = fork(fileURLToPath(new URL("./well-behaved.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"] });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string; error?: string } & T) => {
        if (message.type !== type && message.type !== "error") return;
        child.off("message", onMessage);
        if (message.type === "error") reject(new Error(message.error));
        else resolve(message);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`well-behaved client exited (${code})`)));
    });
  const ready = next("ready");
  child.send({ type: "setup", baseUrl, documentId, cookie, localAddress, perSecond });
  await ready;
  return {
    async start() {
      const started = next("started");
      child.send({ type: "start" });
      await started;
    },
    async stop(minKeystrokes = 0) {
      const stopped = next<{ keystroke: Figures; healthz: Figures; errors: string[] }>("stopped");
      child.send({ type: "stop", minKeystrokes });
      return stopped;
    },
    destroy() {
      child.kill();
    },
  };
}

/** The target for the well-behaved client's p99 under attack: printed with the figures (a benchmark, not a timed test). */
export const TARGET_MS = 100;
/**
 * A p99 the test fails at: the server stalled for everyone (the attacks this guards against took
 * answers to many seconds). Far above the target, so a busy machine does not fail it and a stall does.
 */
export const STALLED_MS = 1000;

/**
 * Runs `attack` while `probe` measures (at least `minKeystrokes` keystrokes), prints the figures with
 * the server process's CPU use and whether they met the 100 ms target, and fails when nothing of the
 * well-behaved client's got through, any of it failed, or its p99 shows the server stalled.
 */
export async function meanwhile<T>(probe: WellBehaved, serverPid: number, what: string, attack: () => Promise<T>, minKeystrokes = 20): Promise<T> {
  await probe.start();
  const cpu = cpuMs(serverPid);
  const wall = Date.now();
  const result = await attack();
  const serverCpu = Math.round(((cpuMs(serverPid) - cpu) / (Date.now() - wall)) * 100);
  const { keystroke, healthz, errors } = await probe.stop(minKeystrokes);
  const met = keystroke.p99 < TARGET_MS && healthz.p99 < TARGET_MS ? `p99 under the ${TARGET_MS} ms target` : `p99 over the ${TARGET_MS} ms target (a busy machine?)`;
  console.log(`${what}: another tenant's keystroke-to-remote ${describeFigures(keystroke)}; /healthz ${describeFigures(healthz)}; server CPU ${serverCpu}% of a core; ${met}`);
  if (errors.length > 0) throw new Error(`the well-behaved client failed meanwhile: ${errors.slice(0, 5).join("; ")}`);
  if (keystroke.n < 5) throw new Error(`only ${keystroke.n} keystrokes measured`);
  if (keystroke.p99 >= STALLED_MS) throw new Error(`keystroke-to-remote p99 ${keystroke.p99} ms: the server stalled`);
  if (healthz.p99 >= STALLED_MS) throw new Error(`/healthz p99 ${healthz.p99} ms: the server stalled`);
  return result;
}

/** How an upgrade to `/collab/<documentId>` was answered: 101 with the open socket, or the refusal's status. */
export function attemptSocket(baseUrl: string, documentId: string, cookie: string, localAddress?: string): Promise<{ status: number; ws?: WebSocket }> {
  const ws = new WebSocket(`${baseUrl.replace("http", "ws")}/collab/${documentId}`, { headers: { Cookie: cookie, Origin: baseUrl }, localAddress });
  return new Promise((resolve) => {
    ws.once("open", () => resolve({ status: 101, ws }));
    ws.once("unexpected-response", (req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      req.destroy();
    });
    ws.once("error", () => resolve({ status: 0 }));
  });
}

/** CPU time (user + system, ms) a process has used so far, from `/proc/<pid>/stat`. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
}

/** Open file descriptors of a process (sockets included). */
export const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/**
 * TCP connections the server holds on its own port from `remote` (`/proc/net/tcp`: established, or
 * closed by the client and waiting for the server to close): client sockets, not its database's.
 */
export function serverConnections(port: number, remote = "127.0.0.1"): number {
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");
  const local = `:${hex(port, 4)}`;
  // /proc/net/tcp writes IPv4 addresses as little-endian hex.
  const peer = `${remote.split(".").reverse().map((b) => hex(Number(b), 2)).join("")}:`;
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(local) && f[2]?.startsWith(peer) && (f[3] === "01" || f[3] === "08")).length;
}

export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
