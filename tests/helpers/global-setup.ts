import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { createSql, DEFAULT_APP_PASSWORD, ensureDatabase, migrate, setAppRolePassword, startEmbedded } from "@twinning/db";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export const TEMPLATE = "twinning_template";

/** One embedded PostgreSQL for the whole test run, with a migrated template database. */
export default async function setup(project: TestProject) {
  // Where the browser tests save their screenshots when asked to.
  if (process.env.TWINNING_SHOTS) mkdirSync(process.env.TWINNING_SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "twinning-test-pg-"));
  // Every test file starts servers with pools of their own on this one cluster, several files at once.
  const cluster = await startEmbedded({ dataDir, port: await freePort(), settings: { max_connections: "500" } });
  const adminUrl = cluster.urlFor("postgres");
  await ensureDatabase(adminUrl, TEMPLATE);
  const sql = createSql(cluster.urlFor(TEMPLATE), { max: 2 });
  await migrate(sql);
  await setAppRolePassword(sql, DEFAULT_APP_PASSWORD);
  await sql.end();
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", TEMPLATE);
  return async () => {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
