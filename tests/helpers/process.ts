import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A free loopback port (for the app and its embedded PostgreSQL). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

const started: ChildProcess[] = [];

/** Kills every process `startServerProcess` started (for a file's `afterAll`). */
export function killServerProcesses(): void {
  for (const child of started) child.kill("SIGKILL");
}

/** What `npm start` runs: the server's bundle (`npm run build` makes it, scripts/build-server.mjs). */
export const SERVER_ENTRY = "build/start/server.mjs";

/**
 * The real server (`server/index.ts`, bundled as `npm start` runs it) as its own process, in production mode on its own embedded PostgreSQL in
 * `env.DATA_DIR` (from `cwd`, this checkout by default), once `/healthz` answers.
 */
export async function startServerProcess(env: Record<string, string>, cwd = process.cwd()): Promise<ServerProcess> {
  const [port, pgPort] = await Promise.all([freePort(), freePort()]);
  let output = "";
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", EMBEDDED_PG_PORT: String(pgPort), DATABASE_URL: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy: ${output}`);
}

/** The exit code once the process has ended. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));
