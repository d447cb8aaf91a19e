import { pino, type Logger } from "pino";
import { afterAll } from "vitest";
import { startApp, type RunningApp } from "../../server/app";
import { readConfig } from "../../server/config";
import { createLogger } from "../../server/logger";
import { freshDatabase } from "./db";

/**
 * The real server (production build, one port) on a fresh database, on a free port. `env` overrides
 * settings the way the environment would.
 */
export async function startTestApp(env: Record<string, string> = {}, log?: Logger): Promise<RunningApp> {
  const { url } = await freshDatabase();
  return startAppOn(url, env, log);
}

/** The server on an existing database (e.g. a second instance, or a restart). Closed after the file. */
export async function startAppOn(url: string, env: Record<string, string> = {}, log?: Logger): Promise<RunningApp> {
  const config = readConfig({ NODE_ENV: "production", LOG_LEVEL: "silent", ...env, DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1" }, []);
  const app = await startApp(config, log ?? createLogger(config.logLevel));
  afterAll(() => app.close());
  return app;
}

/** A logger whose JSON lines are kept in memory, to assert on what the server logged. */
export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** Signs in over HTTP like a browser form would; returns the session cookie ("name=value"). */
export async function logInCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`log-in failed: ${res.status}`);
  return cookie.split(";")[0];
}
