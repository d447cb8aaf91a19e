/**
 * `npm run bench:peers` — Twinning's collaboration server (the whole app as `npm start` runs it, with its
 * embedded PostgreSQL) against Hocuspocus 3.4 (`@hocuspocus/server` + `@hocuspocus/extension-sqlite`)
 * and the reference `@y/websocket-server` (memory only, as it ships), in one run, through their stock
 * clients: y-websocket's WebsocketProvider for Twinning and the reference, `@hocuspocus/provider` for
 * Hocuspocus. Each server runs in a child process of its own (this file with `--server <name>`), so the
 * CPU time and RSS read from /proc are that server's (and, for Twinning, its PostgreSQL processes'); its
 * event-loop delay is measured inside it with perf_hooks' monitorEventLoopDelay. The clients run in this
 * process, the same for all three, each from one of 50 loopback addresses (127.0.1.1–50).
 *
 * Workloads (sizes from the environment; BENCH_QUICK=1 for a small run):
 *  1. BENCH_EDITORS (50) editors in one document, BENCH_EDITOR_RATE (5) keystrokes/s each, BENCH_W1_SECONDS (20).
 *  2. BENCH_CLIENTS (2000) clients over BENCH_DOCS (500) documents, one keystroke every BENCH_W2_INTERVAL_MS
 *     (2000) each, BENCH_W2_SECONDS (30); the clients connect all at once (the authenticated connect time).
 *  3. Cold first sync of a BENCH_COLD_CHARS (100,000) character document from storage, BENCH_COLD_REPEATS (3) times.
 * BENCH_ONLY=twinning,hocuspocus,reference picks servers. BENCH_STATEMENTS=1 prints, when Twinning's
 * server stops, the statements its PostgreSQL ran most often and longest (pg_stat_statements).
 *
 * Authentication: Twinning checks every upgrade's session cookie and Origin and asks the permission
 * policy (one user and session per client, inserted directly; no log-in requests); Hocuspocus gets a
 * token per client checked by an in-memory onAuthenticate hook; the reference server has no authentication.
 * Twinning runs with COLLAB_UNLOAD_GRACE_MS=1000 (instead of 10 s) so documents leave memory between
 * the workloads, as Hocuspocus's and the cold-sync measurement need.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import WebSocket, { WebSocketServer } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { isDocumentUpdateFrame, readSavedMessage } from "../../packages/collab/src/index";
import { exited, freePort, startServerProcess } from "../helpers/process";

type ServerName = "twinning" | "hocuspocus" | "reference";
const SERVERS: ServerName[] = ["twinning", "hocuspocus", "reference"];
const LABELS: Record<ServerName, string> = {
  twinning: "Twinning (+ PostgreSQL)",
  hocuspocus: "Hocuspocus 3.4 (+ SQLite)",
  reference: "@y/websocket-server (memory)",
};

const quick = process.env.BENCH_QUICK === "1";
const env = (name: string, full: number, small: number) => Number(process.env[name] ?? (quick ? small : full));
const SIZES = {
  editors: env("BENCH_EDITORS", 50, 10),
  editorRate: env("BENCH_EDITOR_RATE", 5, 5),
  w1Seconds: env("BENCH_W1_SECONDS", 20, 5),
  clients: env("BENCH_CLIENTS", 2000, 200),
  docs: env("BENCH_DOCS", 500, 50),
  w2IntervalMs: env("BENCH_W2_INTERVAL_MS", 2000, 2000),
  w2Seconds: env("BENCH_W2_SECONDS", 30, 8),
  coldChars: env("BENCH_COLD_CHARS", 100_000, 20_000),
  coldRepeats: env("BENCH_COLD_REPEATS", 3, 2),
};
const FRAGMENT = "default"; // Tiptap's fragment, the only root Twinning accepts; the same shape for all three.
const ADDRESSES = 50;
/** Upgrade answers other than 101 the y-websocket clients got, by status, over the whole run. */
const refusals = new Map<string, number>();

// ---------------------------------------------------------------------------------------------------
// The server side: one child process per server, driven over IPC.
// ---------------------------------------------------------------------------------------------------

interface Started {
  url: string;
  pid: number;
}
interface Setup {
  /** Cookie per client index (Twinning); tokens are derived from the index elsewhere. */
  cookies: string[];
  origin: string;
  w1Doc: string;
  w2Docs: string[];
  coldDoc: string;
}
type Request =
  | { id: number; cmd: "start" }
  | { id: number; cmd: "setup"; users: number; docs: number }
  | { id: number; cmd: "reset" }
  | { id: number; cmd: "read" }
  | { id: number; cmd: "loaded"; doc: string }
  | { id: number; cmd: "stop" };
interface Reading {
  /** Event-loop delay since the last reset (ms). */
  lagP50: number;
  lagP99: number;
  lagMax: number;
  /** Committed transactions in the app's database (Twinning) or documents stored (Hocuspocus) since the start. */
  writes: number;
  rss: number;
  heapUsed: number;
  loadedDocuments: number;
}

async function serve(name: ServerName): Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let url = "";
  let stop: () => Promise<void> = async () => {};
  let writes: () => Promise<number> = async () => 0;
  let loaded: (doc: string) => boolean = () => false;
  let loadedCount: () => number = () => 0;
  let setup: (users: number, docs: number) => Promise<Setup> = async (_users, docs) => ({
    cookies: [],
    origin: "",
    w1Doc: `w1-${randomUUID()}`,
    w2Docs: Array.from({ length: docs }, () => `w2-${randomUUID()}`),
    coldDoc: `cold-${randomUUID()}`,
  });

  const handlers = {
    async start(): Promise<Started> {
      if (name === "twinning") {
        const { ensureDatabase, startEmbedded } = await import("@twinning/db");
        const { startApp } = await import("../../server/app");
        const { readConfig } = await import("../../server/config");
        const dataDir = mkdtempSync(join(tmpdir(), "twinning-bench-peers-"));
        const statements = process.env.BENCH_STATEMENTS === "1";
        const settings: Record<string, string> = statements ? { shared_preload_libraries: "pg_stat_statements" } : {};
        const cluster = await startEmbedded({ dataDir, port: await freePort(), settings });
        await ensureDatabase(cluster.urlFor("postgres"), "bench");
        const config = readConfig(
          { NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: cluster.urlFor("bench"), PORT: "0", HOST: "127.0.0.1", COLLAB_UNLOAD_GRACE_MS: "1000" },
          [],
        );
        const app = await startApp(config, pino({ level: "silent" }));
        url = app.url;
        const owner = app.db.owner;
        writes = async () => {
          await owner`select pg_stat_clear_snapshot()`;
          const [row] = await owner<{ n: string }[]>`select xact_commit::text as n from pg_stat_database where datname = current_database()`;
          return Number(row.n);
        };
        // Until its unload has stored it: a cold load must not wait for the last one's compaction.
        loaded = (doc) => app.collab.holds(doc);
        loadedCount = () => app.collab.loadedDocuments().length;
        setup = (users, docs) => setupTwinning(app, users, docs);
        if (statements) await owner`create extension if not exists pg_stat_statements`;
        stop = async () => {
          if (statements) {
            const top = await owner<{ calls: string; ms: string; query: string }[]>`
              select s.calls::text, round(s.total_exec_time)::text as ms, left(regexp_replace(s.query, '[[:space:]]+', ' ', 'g'), 140) as query
              from pg_stat_statements s where s.dbid = (select oid from pg_database where datname = current_database())
              order by s.calls desc limit 30`;
            console.error("statements by calls (calls, total ms, query):");
            for (const t of top) console.error(`${t.calls.padStart(8)} ${t.ms.padStart(7)}  ${t.query}`);
          }
          await app.close();
          await cluster.stop();
          rmSync(dataDir, { recursive: true, force: true });
        };
      } else if (name === "hocuspocus") {
        const { Server } = await import("@hocuspocus/server");
        const { SQLite } = await import("@hocuspocus/extension-sqlite");
        const dir = mkdtempSync(join(tmpdir(), "twinning-bench-hocuspocus-"));
        let stored = 0;
        const server = new Server({
          port: 0,
          address: "127.0.0.1",
          quiet: true,
          stopOnSignals: false,
          extensions: [new SQLite({ database: join(dir, "db.sqlite") })],
          async onAuthenticate({ token }) {
            if (!/^bench-\d+$/.test(token)) throw new Error("not authenticated");
            return { user: token };
          },
          async afterStoreDocument() {
            stored++;
          },
        });
        await server.listen();
        url = `ws://127.0.0.1:${server.address.port}`;
        writes = async () => stored;
        loaded = (doc) => server.hocuspocus.documents.has(doc);
        loadedCount = () => server.hocuspocus.documents.size;
        stop = async () => {
          await server.destroy();
          rmSync(dir, { recursive: true, force: true });
        };
      } else {
        // As @y/websocket-server's own bin/server.js, on a free port (no persistence: YPERSISTENCE needs leveldown).
        const { setupWSConnection, docs } = await import("@y/websocket-server/utils");
        const wss = new WebSocketServer({ noServer: true });
        const http = createHttpServer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("okay"));
        http.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req)));
        await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
        url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
        loaded = (doc) => docs.has(doc);
        loadedCount = () => docs.size;
        stop = async () => {
          for (const ws of wss.clients) ws.terminate();
          http.closeAllConnections();
          await new Promise((resolve) => http.close(resolve));
        };
      }
      return { url, pid: process.pid };
    },
    setup: (r: { users: number; docs: number }) => setup(r.users, r.docs),
    async reset() {
      lag.reset();
      return null;
    },
    async read(): Promise<Reading> {
      gc();
      const reading = {
        lagP50: lag.percentile(50) / 1e6,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
        writes: await writes(),
        rss: process.memoryUsage().rss,
        heapUsed: process.memoryUsage().heapUsed,
        loadedDocuments: loadedCount(),
      };
      return reading;
    },
    async loaded(r: { doc: string }) {
      return loaded(r.doc);
    },
    async stop() {
      await stop();
      return null;
    },
  };
  process.on("message", async (request: Request) => {
    try {
      const result = await (handlers[request.cmd] as (r: Request) => Promise<unknown>)(request);
      process.send!({ id: request.id, result });
      if (request.cmd === "stop") setTimeout(() => process.exit(0), 100);
    } catch (err) {
      process.send!({ id: request.id, error: String((err as Error).stack ?? err) });
    }
  });
  process.send!("ready");
}

/** A tenant, `users` members of it (admins: editors of its space), each with a session, and the documents. */
async function setupTwinning(app: import("../../server/app").RunningApp, users: number, docs: number): Promise<Setup> {
  const { asUser, createDocument, createSpace, createTenant, insertUser } = await import("@twinning/db");
  const { owner, sql } = app.db;
  await insertUser(owner, { id: "bench-owner", email: "bench-owner@example.org", name: "Bench owner", passwordHash: "x", locale: "da" });
  const made = await asUser(sql, "bench-owner", (tx) =>
    createTenant(tx, { name: "Bench", slug: "bench", kind: "municipality", country: "DK", ownerId: "bench-owner" }),
  );
  if (!made.ok) throw new Error(made.error);
  const tenantId = made.tenant.id;
  const ids = Array.from({ length: users }, (_, i) => `bench-${i}`);
  const sessions = ids.map(() => randomBytes(20).toString("hex"));
  for (let i = 0; i < users; i += 500) {
    const slice = ids.slice(i, i + 500);
    await owner`insert into users ${owner(
      slice.map((id) => ({ id, email: `${id}@example.org`, name: id, password_hash: "x", locale: "da", current_tenant_id: tenantId })),
    )}`;
    await owner`insert into memberships ${owner(slice.map((id) => ({ tenant_id: tenantId, user_id: id, role: "admin" })))}`;
    await owner`insert into sessions ${owner(slice.map((id, j) => ({ id: sessions[i + j], user_id: id, expires_at: new Date(Date.now() + 24 * 3600_000) })))}`;
  }
  const space = await asUser(sql, "bench-owner", (tx) =>
    createSpace(tx, { hostTenantId: tenantId, title: "Bench", color: "blue", icon: "globe", private: false, actorId: "bench-owner" }),
  );
  const initialState = Y.encodeStateAsUpdate(new Y.Doc());
  const documentIds = await asUser(sql, "bench-owner", async (tx) => {
    const out: string[] = [];
    for (let i = 0; i < docs + 2; i++) {
      const doc = await createDocument(tx, {
        spaceId: space.id,
        type: "note",
        title: `Bench ${i}`,
        language: "da",
        template: "blank",
        initialState,
        actorId: "bench-owner",
      });
      out.push(doc.id);
    }
    return out;
  });
  return {
    cookies: sessions.map((s) => `${app.auth.cookieName}=${s}`),
    origin: app.url,
    w1Doc: documentIds[0],
    w2Docs: documentIds.slice(1, docs + 1),
    coldDoc: documentIds[docs + 1],
  };
}

class ServerProcess {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(readonly name: ServerName, readonly child: ChildProcess) {
    child.on("message", (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
  }
  static async fork(name: ServerName): Promise<ServerProcess> {
    // BENCH_PROFILE=<dir>: each server writes a CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const child = fork(fileURLToPath(import.meta.url), ["--server", name], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [...process.execArgv, ...profile] });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`${name} exited (${code})`)));
    });
    return new ServerProcess(name, child);
  }
  ask<T>(request: { cmd: Request["cmd"] } & Record<string, unknown>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// /proc: CPU time and RSS of a server process and of its descendants (Twinning's PostgreSQL).
// ---------------------------------------------------------------------------------------------------

interface ProcStat {
  ppid: number;
  comm: string;
  cpuTicks: number;
  childTicks: number;
}
function readProcs(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), { ppid: Number(f[1]), comm, cpuTicks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}
/** CPU ms of the server process itself, and of all its descendants (live ones, plus what their parents reaped). */
function cpuOf(pid: number): { server: number; others: number } {
  const procs = readProcs();
  const descendants = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, s] of procs) if (!descendants.has(p) && (s.ppid === pid || descendants.has(s.ppid))) grew = descendants.add(p) !== undefined;
  }
  let others = 0;
  for (const p of descendants) others += procs.get(p)!.cpuTicks + procs.get(p)!.childTicks;
  return { server: (procs.get(pid)?.cpuTicks ?? 0) * 10, others: others * 10 }; // USER_HZ = 100
}
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

// ---------------------------------------------------------------------------------------------------
// The clients: stock providers, in this process, the same for all three servers.
// ---------------------------------------------------------------------------------------------------

interface Client {
  doc: Y.Doc;
  text: Y.XmlText;
  synced(): boolean;
  /** Connection attempts refused or closed before the first sync. */
  failures: number;
  openedAt: number;
  syncedAt: number;
  destroy(): void;
}

/** Per room: the time each keystroke (client id → clock) was typed; and the measured samples. */
class Meter {
  readonly typedAt = new Map<string, Map<number, number[]>>();
  remote: number[] = [];
  saved: number[] = [];
  keystrokes = 0;
  expected = 0;
  measuring = false;
  times(room: string, clientId: number): number[] {
    let byClient = this.typedAt.get(room);
    if (!byClient) this.typedAt.set(room, (byClient = new Map()));
    let times = byClient.get(clientId);
    if (!times) byClient.set(clientId, (times = []));
    return times;
  }
}

function openClient(server: ServerName, started: Started, setup: Setup, room: string, index: number, meter: Meter): Client {
  const doc = new Y.Doc();
  const localAddress = `127.0.1.${1 + (index % ADDRESSES)}`;
  const client: Client = { doc, text: new Y.XmlText(), synced: () => false, failures: 0, openedAt: performance.now(), syncedAt: NaN, destroy: () => {} };
  // Remote keystrokes: for each update from the server, the clocks of other clients it brings.
  const seen = new Map<number, number>();
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === null) return;
    const now = performance.now();
    const byClient = meter.typedAt.get(room);
    for (const [clientId, to] of Y.parseUpdateMeta(update).to) {
      const from = seen.get(clientId) ?? 0;
      if (to <= from) continue;
      seen.set(clientId, to);
      const times = byClient?.get(clientId);
      if (times) for (let c = from; c < to; c++) if (times[c] !== undefined) meter.remote.push(now - times[c]);
    }
  });
  if (server === "hocuspocus") {
    class Socket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { localAddress });
      }
    }
    const provider = new HocuspocusProvider({ url: started.url, name: room, document: doc, token: `bench-${index}`, WebSocketPolyfill: Socket } as never);
    provider.on("synced", () => (client.syncedAt = Number.isNaN(client.syncedAt) ? performance.now() : client.syncedAt));
    provider.on("authenticationFailed", () => client.failures++);
    provider.on("close", () => void (provider.isSynced || client.failures++));
    client.synced = () => provider.isSynced;
    client.destroy = () => {
      provider.destroy();
      doc.destroy();
    };
    return client;
  }
  // y-websocket's WebsocketProvider; for Twinning with the session cookie and Origin, asking for "saved".
  const headers = server === "twinning" ? { Cookie: setup.cookies[index], Origin: setup.origin } : {};
  let sent = 0;
  let acknowledged = 0;
  const sentAt: number[] = [];
  class Socket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers, localAddress });
      // ws reports a refused upgrade as "Unexpected server response: 503".
      this.on("error", (err) => {
        const status = /response: (\d+)/.exec(err.message)?.[1] ?? "error";
        refusals.set(status, (refusals.get(status) ?? 0) + 1);
      });
      sent = 0;
      acknowledged = 0;
    }
    override send(data: any, options?: any, cb?: any): void {
      if (isDocumentUpdateFrame(data)) {
        sent++;
        if (meter.measuring) sentAt[sent] = performance.now();
      }
      super.send(data, options, cb);
    }
  }
  const base = server === "twinning" ? `${started.url.replace(/^http/, "ws")}/collab` : started.url;
  const provider = new WebsocketProvider(base, room, doc, {
    WebSocketPolyfill: Socket as never,
    disableBc: true,
    params: server === "twinning" ? { messages: "saved" } : {},
  });
  provider.messageHandlers[100] = (_encoder, decoder) => {
    const now = performance.now();
    const saved = readSavedMessage(decoder);
    for (let i = acknowledged + 1; i <= saved.acknowledged; i++) if (sentAt[i] !== undefined) meter.saved.push(now - sentAt[i]);
    for (let i = acknowledged + 1; i <= saved.acknowledged; i++) delete sentAt[i];
    acknowledged = Math.max(acknowledged, saved.acknowledged);
  };
  provider.messageHandlers[101] = () => {};
  provider.on("sync", (synced: boolean) => void (synced && Number.isNaN(client.syncedAt) && (client.syncedAt = performance.now())));
  provider.on("connection-close", () => void (provider.synced || client.failures++));
  client.synced = () => provider.synced;
  client.destroy = () => {
    provider.destroy();
    doc.destroy();
  };
  return client;
}

/** Each client writes into a paragraph of its own, as in Tiptap. */
function addParagraph(client: Client): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [client.text]);
  client.doc.getXmlFragment(FRAGMENT).push([paragraph]);
}

function key(client: Client, room: string, meter: Meter, others: number): void {
  const times = meter.times(room, client.doc.clientID);
  times[Y.getState(client.doc.store, client.doc.clientID)] = performance.now();
  client.text.insert(Math.floor(Math.random() * (client.text.length + 1)), String.fromCharCode(97 + Math.floor(Math.random() * 26)));
  meter.keystrokes++;
  meter.expected += others;
}

// ---------------------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------------------

interface Figures {
  idleRss?: number;
  /** Twinning only: the resident memory of `npm start`'s own process (the server's bundle, demo data loaded), idle after start. */
  startRss?: number;
  /** The same process once its resident memory is steady (`startRss`). */
  settledRss?: number;
  w1?: Phase;
  w2?: Phase & {
    connectTotalMs: number;
    connectP50: number;
    connectP99: number;
    connectFailures: number;
    rssPerDocKiB: number;
    heapPerDocKiB: number;
    connected: number;
  };
  cold?: { ms: number[]; chars: number; fromStorage: boolean };
}
interface Phase {
  keystrokes: number;
  delivered: number;
  expected: number;
  p50: number;
  p95: number;
  p99: number;
  savedP50: number;
  savedP99: number;
  savedN: number;
  serverCpuPct: number;
  dbCpuPct: number;
  writesPerS: number;
  lagP99: number;
  lagMax: number;
  converged: boolean;
}

async function main(): Promise<void> {
  // Every y-websocket provider adds a process 'exit' listener.
  process.setMaxListeners(0);
  const only = (process.env.BENCH_ONLY ?? SERVERS.join(",")).split(",") as ServerName[];
  console.log(`bench:peers${quick ? " (quick)" : ""}: ${JSON.stringify(SIZES)}`);
  const results = new Map<ServerName, Figures>();
  for (const name of SERVERS.filter((s) => only.includes(s))) {
    console.log(`\n== ${LABELS[name]}`);
    const figures: Figures = {};
    results.set(name, figures);
    const server = await ServerProcess.fork(name);
    try {
      await measureServer(name, server, figures);
    } catch (err) {
      console.error(`${name}: ${(err as Error).stack ?? err}`);
    } finally {
      await Promise.race([server.ask({ cmd: "stop" }), sleep(30_000)]);
      await Promise.race([new Promise((resolve) => server.child.once("exit", resolve)), sleep(5_000)]);
      if (server.child.exitCode === null) server.child.kill("SIGKILL");
    }
  }
  printTable(results);
  process.exit(0);
}

/**
 * `npm start`'s process (the server's bundle under plain Node; the bench's own server child runs the
 * sources through tsx, whose loader thread holds about 100 MB more), on its own embedded PostgreSQL with
 * the demo world: 3 s after its first page, and once idle — when V8 has given back the young
 * generation that start-up filled (it does so by itself some seconds later): sampled every 0.5 s until
 * ten samples in a row lie within 1 MiB (at most 60 s).
 */
async function startRss(): Promise<{ early: number; settled: number; settledAfterMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "twinning-bench-start-"));
  const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  try {
    await (await fetch(`${server.url}/login`)).text();
    const t0 = performance.now();
    await sleep(3000);
    const early = rssOf(server.child.pid!);
    const samples: number[] = [];
    while (performance.now() - t0 < 60_000) {
      samples.push(rssOf(server.child.pid!));
      const last = samples.slice(-10);
      if (last.length === 10 && Math.max(...last) - Math.min(...last) < 1048576 && performance.now() - t0 > 10_000) break;
      await sleep(500);
    }
    return { early, settled: samples.at(-1)!, settledAfterMs: performance.now() - t0 };
  } finally {
    server.child.kill("SIGTERM");
    await exited(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureServer(name: ServerName, server: ServerProcess, figures: Figures): Promise<void> {
  const started = await server.ask<Started>({ cmd: "start" });
  await sleep(3000);
  await server.ask({ cmd: "read" }); // a GC first
  figures.idleRss = rssOf(started.pid);
  console.log(`idle RSS ${mib(figures.idleRss)} MiB`);
  if (name === "twinning") {
    const start = await startRss();
    figures.startRss = start.early;
    figures.settledRss = start.settled;
    console.log(`RSS as npm start runs it: ${mib(start.early)} MiB 3 s after the first page, ${mib(start.settled)} MiB idle (steady after ${(start.settledAfterMs / 1000).toFixed(0)} s)`);
  }
  const setup = await server.ask<Setup>({ cmd: "setup", users: Math.max(SIZES.editors, SIZES.clients) + 1, docs: SIZES.docs });

  // 1. Many editors in one document.
  {
    const meter = new Meter();
    const clients = Array.from({ length: SIZES.editors }, (_, i) => openClient(name, started, setup, setup.w1Doc, i, meter));
    if (!(await until(() => clients.every((c) => c.synced()), 60_000))) console.log(`w1: only ${clients.filter((c) => c.synced()).length} synced`);
    clients.forEach(addParagraph);
    await sleep(1500);
    figures.w1 = await typePhase(
      server,
      started,
      meter,
      clients.map((c) => ({ client: c, room: setup.w1Doc, others: clients.length - 1 })),
      SIZES.w1Seconds,
      1000 / SIZES.editorRate,
    );
    console.log(`w1: ${JSON.stringify(figures.w1)}`);
    clients.forEach((c) => c.destroy());
    await waitUnloaded(server, setup.w1Doc);
  }

  // 2. Many clients over many documents; they connect at once.
  {
    const meter = new Meter();
    await sleep(2000);
    const before = await server.ask<Reading>({ cmd: "read" });
    const t0 = performance.now();
    const clients = Array.from({ length: SIZES.clients }, (_, i) => openClient(name, started, setup, setup.w2Docs[i % setup.w2Docs.length], i, meter));
    const all = await until(() => clients.every((c) => c.synced()), 120_000);
    const connectTotalMs = performance.now() - t0;
    const connected = clients.filter((c) => c.synced()).length;
    if (!all) console.log(`w2: only ${connected} of ${clients.length} synced after 120 s`);
    const connect = clients.filter((c) => c.synced()).map((c) => c.syncedAt - c.openedAt);
    clients.forEach(addParagraph);
    await sleep(2000);
    const perDoc = SIZES.clients / setup.w2Docs.length;
    const phase = await typePhase(
      server,
      started,
      meter,
      clients.map((c, i) => ({ client: c, room: setup.w2Docs[i % setup.w2Docs.length], others: Math.ceil(perDoc) - 1 })),
      SIZES.w2Seconds,
      SIZES.w2IntervalMs,
    );
    const loaded = await server.ask<Reading>({ cmd: "read" });
    figures.w2 = {
      ...phase,
      connectTotalMs,
      connectP50: pct(connect, 0.5),
      connectP99: pct(connect, 0.99),
      connectFailures: clients.reduce((n, c) => n + c.failures, 0),
      rssPerDocKiB: (loaded.rss - before.rss) / 1024 / setup.w2Docs.length,
      heapPerDocKiB: (loaded.heapUsed - before.heapUsed) / 1024 / setup.w2Docs.length,
      connected,
    };
    console.log(`w2: ${JSON.stringify(figures.w2)}; refused upgrades so far by status: ${JSON.stringify(Object.fromEntries(refusals))}`);
    clients.forEach((c) => c.destroy());
    for (const doc of setup.w2Docs.slice(0, 5)) await waitUnloaded(server, doc);
  }

  // 3. Cold first sync of a large document from storage.
  {
    const meter = new Meter();
    const writer = openClient(name, started, setup, setup.coldDoc, 0, meter);
    await until(() => writer.synced(), 30_000);
    const fragment = writer.doc.getXmlFragment(FRAGMENT);
    const paragraphs = 100;
    const line = Math.ceil(SIZES.coldChars / paragraphs);
    for (let p = 0; p < paragraphs; p++) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(Array.from({ length: line }, (_, i) => String.fromCharCode(97 + ((p + i) % 26))).join(""))]);
      fragment.push([paragraph]);
      if (p % 10 === 9) await sleep(50);
    }
    const chars = textLength(writer.doc);
    await sleep(3000); // Twinning commits within milliseconds; Hocuspocus stores on the last disconnect
    writer.destroy();
    const unloaded = await waitUnloaded(server, setup.coldDoc);
    const ms: number[] = [];
    for (let r = 0; r < SIZES.coldRepeats; r++) {
      const reader = openClient(name, started, setup, setup.coldDoc, 1 + r, meter);
      // Polled every millisecond: the sync itself takes tens of milliseconds.
      await until(() => reader.synced() && textLength(reader.doc) >= chars, 60_000, 1);
      ms.push(performance.now() - reader.openedAt);
      if (textLength(reader.doc) < chars) console.log(`cold: only ${textLength(reader.doc)} of ${chars} characters`);
      reader.destroy();
      await waitUnloaded(server, setup.coldDoc);
    }
    figures.cold = { ms, chars, fromStorage: unloaded };
    console.log(`cold: ${JSON.stringify(figures.cold)}`);
  }
}

async function typePhase(
  server: ServerProcess,
  started: Started,
  meter: Meter,
  typists: { client: Client; room: string; others: number }[],
  seconds: number,
  intervalMs: number,
): Promise<Phase> {
  const writesBefore = (await server.ask<Reading>({ cmd: "read" })).writes;
  await server.ask({ cmd: "reset" });
  const cpuBefore = cpuOf(started.pid);
  const t0 = performance.now();
  meter.measuring = true;
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    typists.map(async ({ client, room, others }) => {
      await sleep(Math.random() * intervalMs);
      while (performance.now() < deadline) {
        if (client.synced()) key(client, room, meter, others);
        await sleep(intervalMs * (0.7 + Math.random() * 0.6));
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = cpuOf(started.pid);
  const reading = await server.ask<Reading>({ cmd: "read" });
  meter.measuring = false;
  // Deliveries and acknowledgements still under way.
  await until(() => meter.remote.length >= meter.expected, 5_000);
  await sleep(500);
  const rooms = new Map<string, Client[]>();
  for (const t of typists) rooms.set(t.room, [...(rooms.get(t.room) ?? []), t.client]);
  const converged = await until(() => [...rooms.values()].every((cs) => new Set(cs.map((c) => c.doc.getXmlFragment(FRAGMENT).toString())).size === 1), 10_000);
  return {
    keystrokes: meter.keystrokes,
    delivered: meter.remote.length,
    expected: meter.expected,
    p50: pct(meter.remote, 0.5),
    p95: pct(meter.remote, 0.95),
    p99: pct(meter.remote, 0.99),
    savedP50: pct(meter.saved, 0.5),
    savedP99: pct(meter.saved, 0.99),
    savedN: meter.saved.length,
    serverCpuPct: ((cpu.server - cpuBefore.server) / elapsed) * 100,
    dbCpuPct: ((cpu.others - cpuBefore.others) / elapsed) * 100,
    writesPerS: (reading.writes - writesBefore) / (elapsed / 1000),
    lagP99: reading.lagP99,
    lagMax: reading.lagMax,
    converged,
  };
}

async function waitUnloaded(server: ServerProcess, doc: string): Promise<boolean> {
  // The reference server keeps every document in memory for ever.
  if (server.name === "reference") return false;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!(await server.ask<boolean>({ cmd: "loaded", doc }))) return true;
    await sleep(100);
  }
  return false;
}

function textLength(doc: Y.Doc): number {
  let n = 0;
  for (const p of doc.getXmlFragment(FRAGMENT).toArray()) if (p instanceof Y.XmlElement) for (const t of p.toArray()) if (t instanceof Y.XmlText) n += t.length;
  return n;
}

function printTable(results: Map<ServerName, Figures>): void {
  const names = [...results.keys()];
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? "—" : n.toFixed(digits));
  const rows: [string, (x: Figures, name: ServerName) => string][] = [
    ["idle RSS (MiB, server process)", (x) => f(x.idleRss && x.idleRss / 1048576, 0)],
    ["RSS as `npm start` runs it, 3 s after the first page (MiB; the bundle without a TypeScript loader, demo data loaded)", (x) => f(x.startRss && x.startRss / 1048576, 0)],
    ["… and once idle, its RSS steady (MiB)", (x) => f(x.settledRss && x.settledRss / 1048576, 0)],
    [
      `W1: ${SIZES.editors} editors × ${SIZES.editorRate}/s, 1 doc — keystroke→remote p50 / p95 / p99 (ms)`,
      (x) => (x.w1 ? `${f(x.w1.p50)} / ${f(x.w1.p95)} / ${f(x.w1.p99)}` : "—"),
    ],
    ["W1: deliveries measured / expected", (x) => (x.w1 ? `${x.w1.delivered} / ${x.w1.expected}` : "—")],
    ["W1: keystroke→saved p50 / p99 (ms)", (x) => (x.w1 && x.w1.savedN ? `${f(x.w1.savedP50)} / ${f(x.w1.savedP99)}` : "—")],
    ["W1: server CPU (% of a core)", (x) => f(x.w1?.serverCpuPct, 0)],
    ["W1: database CPU (% of a core)", (x, n) => (n === "twinning" ? f(x.w1?.dbCpuPct, 0) : "in process")],
    ["W1: commits/s (PG xact_commit; Hocuspocus: SQLite stores/s)", (x, n) => (n === "reference" ? "—" : f(x.w1?.writesPerS))],
    ["W1: event-loop delay p99 / max (ms)", (x) => (x.w1 ? `${f(x.w1.lagP99)} / ${f(x.w1.lagMax)}` : "—")],
    [
      `W2: ${SIZES.clients} clients connect at once, all synced (s)`,
      (x) => (x.w2 ? `${f(x.w2.connectTotalMs / 1000, 2)}${x.w2.connected < SIZES.clients ? ` (${x.w2.connected} synced)` : ""}` : "—"),
    ],
    ["W2: per-client connect→synced p50 / p99 (ms)", (x) => (x.w2 ? `${f(x.w2.connectP50, 0)} / ${f(x.w2.connectP99, 0)}` : "—")],
    ["W2: refused or dropped attempts while connecting", (x) => (x.w2 ? String(x.w2.connectFailures) : "—")],
    [
      `W2: ${SIZES.docs} docs, 1 key/${SIZES.w2IntervalMs / 1000} s each — keystroke→remote p50 / p95 / p99 (ms)`,
      (x) => (x.w2 ? `${f(x.w2.p50)} / ${f(x.w2.p95)} / ${f(x.w2.p99)}` : "—"),
    ],
    ["W2: deliveries measured / expected", (x) => (x.w2 ? `${x.w2.delivered} / ${x.w2.expected}` : "—")],
    ["W2: keystroke→saved p50 / p99 (ms)", (x) => (x.w2 && x.w2.savedN ? `${f(x.w2.savedP50)} / ${f(x.w2.savedP99)}` : "—")],
    ["W2: server CPU (% of a core)", (x) => f(x.w2?.serverCpuPct, 0)],
    ["W2: database CPU (% of a core)", (x, n) => (n === "twinning" ? f(x.w2?.dbCpuPct, 0) : "in process")],
    ["W2: commits/s (PG xact_commit; Hocuspocus: SQLite stores/s)", (x, n) => (n === "reference" ? "—" : f(x.w2?.writesPerS))],
    ["W2: event-loop delay p99 / max (ms)", (x) => (x.w2 ? `${f(x.w2.lagP99)} / ${f(x.w2.lagMax)}` : "—")],
    ["W2: RSS growth per loaded document, its sockets included (KiB, after a GC)", (x) => f(x.w2?.rssPerDocKiB, 0)],
    ["W2: heapUsed growth per loaded document, its sockets included (KiB, after a GC)", (x) => f(x.w2?.heapPerDocKiB, 0)],
    [
      `W3: cold first sync of ${SIZES.coldChars.toLocaleString("en")} characters (ms, each run)`,
      (x) => (x.cold ? `${x.cold.ms.map((m) => m.toFixed(0)).join(", ")}${x.cold.fromStorage ? "" : " (from memory)"}` : "—"),
    ],
    ["converged (W1, W2)", (x) => `${x.w1?.converged ?? "—"}, ${x.w2?.converged ?? "—"}`],
  ];
  console.log(`\n| figure | ${names.map((n) => LABELS[n]).join(" | ")} |`);
  console.log(`| --- | ${names.map(() => "---").join(" | ")} |`);
  for (const [label, cell] of rows) console.log(`| ${label} | ${names.map((n) => cell(results.get(n)!, n)).join(" | ")} |`);
}

function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);

async function until(predicate: () => boolean, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

// Last, once every class above is defined.
if (process.argv.includes("--server")) await serve(process.argv[process.argv.indexOf("--server") + 1] as ServerName);
else await main();
