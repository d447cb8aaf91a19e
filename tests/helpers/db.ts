import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createSql, ensureDatabase, type Sql } from "@twinning/db";

export interface TestDatabase {
  url: string;
  sql: Sql;
}

/**
 * A fresh database for this test file, cloned from the migrated template (fast: a file copy).
 * Dropped after the file's tests.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  await ensureDatabase(adminUrl, name, inject("pgTemplate"));
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const sql = createSql(url);
  afterAll(async () => {
    await sql.end();
    const admin = createSql(adminUrl, { max: 1 });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return { url, sql };
}
