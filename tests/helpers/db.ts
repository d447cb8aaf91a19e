import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { appUrlFor, createSql, ensureDatabase, withDatabase, type Sql } from "@twinning/db";

export interface TestDatabase {
  /** The owner's URL and pool (bypass row-level security: for setting up and inspecting). */
  url: string;
  sql: Sql;
  /** The app role's pool, as the server uses it: row-level security applies. */
  app: Sql;
}

/**
 * A fresh database for this test file, cloned from the migrated template (fast: a file copy).
 * Dropped after the file's tests.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  await ensureDatabase(adminUrl, name, inject("pgTemplate"));
  const url = withDatabase(adminUrl, name);
  const sql = createSql(url);
  const app = createSql(appUrlFor(url));
  afterAll(async () => {
    await Promise.all([sql.end(), app.end()]);
    const admin = createSql(adminUrl, { max: 1 });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return { url, sql, app };
}
