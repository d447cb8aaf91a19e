import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { ensureDatabase, startEmbedded } from "@twinning/db";
import { startApp, type RunningApp } from "../../server/app";
import { readConfig } from "../../server/config";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * The production server for a benchmark, on 127.0.0.1, with an embedded PostgreSQL of its own in a
 * temporary folder; `stop` closes both and removes the folder.
 */
export async function startBenchServer(name: string): Promise<{ app: RunningApp; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `twinning-bench-${name}-`));
  const cluster = await startEmbedded({ dataDir, port: await freePort() });
  await ensureDatabase(cluster.urlFor("postgres"), "bench");
  const config = readConfig({ NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: cluster.urlFor("bench"), PORT: "0", HOST: "127.0.0.1" }, []);
  const app = await startApp(config, pino({ level: "silent" }));
  return {
    app,
    async stop() {
      await app.close();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
