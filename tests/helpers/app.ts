import { afterAll } from "vitest";
import { startApp, type RunningApp } from "../../server/app";
import { readConfig } from "../../server/config";
import { createLogger } from "../../server/logger";
import { freshDatabase } from "./db";

/**
 * The real server (production build, one port) on a fresh database, on a free port. `env` overrides
 * settings the way the environment would.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const { url } = await freshDatabase();
  const config = readConfig({ NODE_ENV: "production", LOG_LEVEL: "silent", ...env, DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1" }, []);
  const app = await startApp(config, createLogger(config.logLevel));
  afterAll(() => app.close());
  return app;
}
