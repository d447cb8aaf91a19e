/**
 * Benchmark of @twinning/collab against the reference server (@y/websocket-server), same load, same run:
 *   node --import tsx tests/collab/bench.ts [--big 20] [--docs 20] [--per-doc 3] [--seconds 20] [--rate 5] [--cursors] [--only ours|reference]
 * The servers run in this process (so process.cpuUsage is the server's); the stock y-websocket clients
 * run in a child process. Everything listens on 127.0.0.1; the embedded PostgreSQL lives in a temp dir.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { createSql, ensureDatabase, migrate, startEmbedded, type Sql } from "@twinning/db";
import { CollabServer, PgPersistence, type CollabPersistence } from "../../packages/collab/src/index";
import { detachFromDocuments } from "./tables";

interface Plan {
  url: string;
  bigDoc: string;
  big: number;
  docs: string[];
  perDoc: number;
  seconds: number;
  rate: number;
  cursors: boolean;
}

interface ClientReport {
  keystrokes: number;
  samples: number;
  expected: number;
  p50: number;
  p99: number;
  /** Awareness frames each client received per second while typing (presence fan-out). */
  presenceFrames: number;
  converged: boolean;
}

interface Figures extends ClientReport {
  cpuMs: number;
  heapPerDocKiB: number;
  heapFreedPerDocKiB: number;
  rssPerDocKiB: number;
  postgresCpuMs?: number;
  commitP50?: number;
  commitP99?: number;
  rowsAtEnd?: number;
  rowsAfterCompaction?: number;
  updatesWritten?: number;
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv.includes("--child")) runClients();
else await main();

async function main(): Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const shape = {
    big: arg("big", 20),
    docCount: arg("docs", 20),
    perDoc: arg("per-doc", 3),
    seconds: arg("seconds", 20),
    rate: arg("rate", 5),
    cursors: process.argv.includes("--cursors"),
  };
  const dataDir = mkdtempSync(join(tmpdir(), "twinning-bench-pg-"));
  const cluster = await startEmbedded({ dataDir, port: await freePort() });
  await ensureDatabase(cluster.urlFor("postgres"), "bench");
  const sql = createSql(cluster.urlFor("bench"));
  try {
    await migrate(sql);
    await detachFromDocuments(sql);
    console.log(`load: 1 document × ${shape.big} clients + ${shape.docCount} documents × ${shape.perDoc} clients, ${shape.rate} keystrokes/s each, ${shape.seconds} s${shape.cursors ? ", cursor presence on every keystroke" : ""}`);
    const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
    const ours = only === "reference" ? null : await measure("@twinning/collab", shape, gc, sql, dataDir);
    const reference = only === "ours" ? null : await measure("@y/websocket-server", shape, gc, null, dataDir);
    printTable(ours, reference);
  } finally {
    await sql.end({ timeout: 5 });
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  // The reference server keeps its documents (and their awareness timers) in a module-level map.
  process.exit(0);
}

/** One server under the load. `sql` null: the reference server (memory only, as it ships). */
async function measure(name: string, shape: { big: number; docCount: number; perDoc: number; seconds: number; rate: number; cursors: boolean }, gc: () => void, sql: Sql | null, dataDir: string): Promise<Figures> {
  console.log(`\nrunning ${name}…`);
  let collab: CollabServer | null = null;
  let onConnection: (ws: WebSocket, req: IncomingMessage, docName: string) => void;
  const commits: number[] = [];
  if (sql) {
    // Open every pool connection now, so the pool is not counted as memory of the documents.
    await Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(0.05)`));
    const inner = new PgPersistence(sql);
    const persistence: CollabPersistence = {
      load: (id) => inner.load(id),
      readSince: (id, after, also) => inner.readSince(id, after, also),
      compact: (id) => inner.compact(id),
      async append(id, entries) {
        const started = performance.now();
        const seqs = await inner.append(id, entries);
        commits.push(performance.now() - started);
        return seqs;
      },
    };
    const server = new CollabServer({ persistence, log: pino({ level: "warn" }) });
    collab = server;
    onConnection = (ws, req, docName) => {
      const user = new URL(req.url ?? "/", "http://localhost").searchParams.get("user") ?? "bench";
      server.handleConnection(ws, docName, { userId: user, name: user, tenantName: "Bench", color: "#000000", readOnly: false, spaceId: "bench" });
    };
  } else {
    const { setupWSConnection } = await import("@y/websocket-server/utils");
    onConnection = (ws, req, docName) => setupWSConnection(ws, req, { docName });
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on("upgrade", (req, socket, head) => {
    const match = /^\/collab\/([^/?]+)/.exec(req.url ?? "");
    if (!match) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, match[1]));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const plan: Plan = {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/collab`,
    bigDoc: randomUUID(),
    big: shape.big,
    docs: Array.from({ length: shape.docCount }, () => randomUUID()),
    perDoc: shape.perDoc,
    seconds: shape.seconds,
    rate: shape.rate,
    cursors: shape.cursors,
  };

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const child = fork(fileURLToPath(import.meta.url), ["--child"]);
  child.send(plan);
  await nextMessage(child, "ready");
  const cpuBefore = process.cpuUsage();
  const pgBefore = postgresCpuMs(dataDir);
  child.send("go");
  const report = (await nextMessage(child, "done")) as ClientReport;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpu = postgresCpuMs(dataDir) - pgBefore;
  gc();
  const loadedDocs = plan.docs.length + 1;
  const heapLoaded = process.memoryUsage().heapUsed;
  const heapPerDocKiB = (heapLoaded - heapBefore) / 1024 / loadedDocs;
  const rssPerDocKiB = (process.memoryUsage().rss - rssBefore) / 1024 / loadedDocs;
  const figures: Figures = { ...report, cpuMs: (cpu.user + cpu.system) / 1000, heapPerDocKiB, heapFreedPerDocKiB: 0, rssPerDocKiB };
  if (sql && collab) {
    commits.sort((a, b) => a - b);
    figures.commitP50 = commits[Math.floor(commits.length / 2)];
    figures.commitP99 = commits[Math.floor(commits.length * 0.99)];
    figures.postgresCpuMs = pgCpu;
    figures.rowsAtEnd = await countRows(sql);
    const [{ max }] = await sql<{ max: string | null }[]>`select (select max(seq) from document_updates) as max`;
    figures.updatesWritten = Number(max ?? 0);
  }
  child.send("exit");
  await new Promise((resolve) => child.once("exit", resolve));
  if (collab) {
    await collab.destroy();
    figures.rowsAfterCompaction = await countRows(sql!);
  } else {
    // The reference keeps documents forever; drop them by hand to see what they held.
    const { docs } = await import("@y/websocket-server/utils");
    for (const doc of docs.values()) doc.destroy();
    docs.clear();
  }
  await sleep(100);
  gc();
  // Heap growth since the start also counts code compiled on the way; what unloading frees does not.
  figures.heapFreedPerDocKiB = (heapLoaded - process.memoryUsage().heapUsed) / 1024 / loadedDocs;
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  return figures;
}

function printTable(ours: Figures | null, reference: Figures | null): void {
  const a = ours ?? ({} as Partial<Figures>);
  const b = reference ?? ({} as Partial<Figures>);
  const rows: [string, number | undefined, number | undefined, boolean][] = [
    ["keystrokes typed", a.keystrokes, b.keystrokes, false],
    ["remote deliveries measured", a.samples, b.samples, false],
    ["remote deliveries expected", a.expected, b.expected, false],
    ["latency p50 (ms)", a.p50, b.p50, true],
    ["latency p99 (ms)", a.p99, b.p99, true],
    ["presence frames received per client per s", a.presenceFrames, b.presenceFrames, true],
    ["log commit p50 (ms)", a.commitP50, undefined, false],
    ["log commit p99 (ms)", a.commitP99, undefined, false],
    ["server CPU (ms, this process)", a.cpuMs, b.cpuMs, true],
    ["PostgreSQL CPU (ms)", a.postgresCpuMs, undefined, false],
    ["heapUsed growth per loaded doc (KiB)", a.heapPerDocKiB, b.heapPerDocKiB, true],
    ["heapUsed freed per doc at unload (KiB)", a.heapFreedPerDocKiB, b.heapFreedPerDocKiB, true],
    ["rss growth per loaded doc (KiB)", a.rssPerDocKiB, b.rssPerDocKiB, true],
    ["updates written to the log", a.updatesWritten, undefined, false],
    ["log rows at end of load", a.rowsAtEnd, undefined, false],
    ["log rows after unload compaction", a.rowsAfterCompaction, undefined, false],
  ];
  const fmt = (n: number | undefined) => (n === undefined ? "—" : Number.isInteger(n) ? String(n) : n.toFixed(1));
  const table = [["figure", "@twinning/collab", "@y/websocket-server", "ratio"]];
  for (const [label, x, y, ratio] of rows) table.push([label, fmt(x), fmt(y), ratio && x !== undefined && y ? (x / y).toFixed(2) : ""]);
  table.push(["all documents converged", String(a.converged ?? "—"), String(b.converged ?? "—"), ""]);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  console.log("");
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
}

/** The child: stock y-websocket clients typing, measuring when each keystroke shows up elsewhere. */
function runClients(): void {
  // Every provider adds a process 'exit' listener.
  process.setMaxListeners(0);
  process.once("message", async (plan: Plan) => {
    const groups = [{ id: plan.bigDoc, n: plan.big }, ...plan.docs.map((id) => ({ id, n: plan.perDoc }))];
    const latencies: number[] = [];
    let keystrokes = 0;
    let expected = 0;
    let presenceFrames = 0;
    const clients: { doc: Y.Doc; provider: WebsocketProvider; group: number }[] = [];
    // Per group: sender client id → time each clock (one character each) was typed.
    const sentAt = groups.map(() => new Map<number, number[]>());
    groups.forEach((g, gi) => {
      for (let i = 0; i < g.n; i++) {
        const doc = new Y.Doc();
        const provider = new WebsocketProvider(plan.url, g.id, doc, {
          WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          params: { user: `u${gi}-${i}` },
          disableBc: true,
        });
        provider.messageHandlers[100] = () => {};
        const onAwareness = provider.messageHandlers[1];
        provider.messageHandlers[1] = (...args) => {
          presenceFrames++;
          onAwareness(...args);
        };
        const seen = new Map<number, number>();
        doc.on("update", (update: Uint8Array, origin: unknown) => {
          if (origin !== provider) return;
          const now = performance.now();
          for (const [client, to] of Y.parseUpdateMeta(update).to) {
            const times = sentAt[gi].get(client);
            const from = seen.get(client) ?? 0;
            if (!times || to <= from) continue;
            for (let c = from; c < to; c++) if (times[c] !== undefined) latencies.push(now - times[c]);
            seen.set(client, to);
          }
        });
        clients.push({ doc, provider, group: gi });
      }
    });
    await until(() => clients.every((c) => c.provider.synced), 30_000);
    process.send!("ready");
    await new Promise((resolve) => process.once("message", resolve));
    presenceFrames = 0;
    const deadline = performance.now() + plan.seconds * 1000;
    await Promise.all(
      clients.map(async ({ doc, provider, group }) => {
        const text = doc.getText("body");
        const times: number[] = [];
        sentAt[group].set(doc.clientID, times);
        await sleep(Math.random() * 1000);
        while (performance.now() < deadline) {
          const at = Math.floor(Math.random() * (text.length + 1));
          times[Y.getState(doc.store, doc.clientID)] = performance.now();
          text.insert(at, String.fromCharCode(97 + Math.floor(Math.random() * 26)));
          if (plan.cursors) provider.awareness.setLocalStateField("cursor", { at });
          keystrokes++;
          expected += groups[group].n - 1;
          await sleep((1000 / plan.rate) * (0.7 + Math.random() * 0.6));
        }
      }),
    );
    const framesWhileTyping = presenceFrames;
    const converged = await until(
      () => groups.every((_, gi) => new Set(clients.filter((c) => c.group === gi).map((c) => c.doc.getText("body").toString())).size === 1),
      10_000,
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    const report: ClientReport = {
      keystrokes,
      samples: latencies.length,
      expected,
      p50: pct(0.5),
      p99: pct(0.99),
      presenceFrames: framesWhileTyping / clients.length / plan.seconds,
      converged,
    };
    process.send!({ type: "done", report });
    await new Promise((resolve) => process.once("message", resolve));
    for (const c of clients) {
      c.provider.destroy();
      c.doc.destroy();
    }
    process.exit(0);
  });
}

function nextMessage(child: ChildProcess, type: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (message === type) resolve(undefined);
      else if (typeof message === "object" && message !== null && (message as { type?: string }).type === type) resolve((message as { report: unknown }).report);
      else return;
      child.off("message", onMessage);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`client process exited (${code})`)));
  });
}

/**
 * CPU time (ms) of the embedded cluster in `dataDir` from /proc: the postmaster (found by its -D
 * argument), its live children, and the children it has reaped.
 */
function postgresCpuMs(dataDir: string): number {
  const stats = new Map<number, string[]>();
  let postmaster = 0;
  for (const entry of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const pid = Number(entry);
      stats.set(pid, readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "));
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes("postgres") && cmdline.includes(dataDir)) postmaster = pid;
    } catch {
      // The process ended meanwhile.
    }
  }
  let ticks = 0;
  for (const [pid, f] of stats) {
    if (pid === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function countRows(sql: Sql): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from document_updates`;
  return n;
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
