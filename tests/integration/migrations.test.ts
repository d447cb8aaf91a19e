import { readdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createSql, ensureDatabase, migrate, MIGRATIONS_DIR, withDatabase } from "@twinning/db";
import { freshDatabase } from "../helpers/db";

describe("migrations", () => {
  it("the template has every migration applied, in order", async () => {
    const { sql } = await freshDatabase();
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{5}_.*\.sql$/.test(f));
    const rows = await sql<{ migrationId: number }[]>`select migration_id from migrations order by migration_id`;
    expect(rows.map((r) => r.migrationId)).toEqual(files.map((_, i) => i + 1));
    const [users] = await sql`select to_regclass('public.users') as t`;
    expect(users.t).toBe("users");
  });

  it("two instances migrating an empty database at once apply each migration exactly once", async () => {
    const adminUrl = inject("pgAdminUrl");
    const name = `empty_${randomBytes(4).toString("hex")}`;
    await ensureDatabase(adminUrl, name);
    const url = withDatabase(adminUrl, name);
    const a = createSql(url, { max: 2 });
    const b = createSql(url, { max: 2 });
    afterAll(async () => {
      await Promise.all([a.end(), b.end()]);
      const admin = createSql(adminUrl, { max: 1 });
      await admin.unsafe(`drop database "${name}" with (force)`);
      await admin.end();
    });
    await Promise.all([migrate(a), migrate(b)]);
    const rows = await a`select migration_id from migrations`;
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{5}_.*\.sql$/.test(f));
    expect(rows.length).toBe(files.length);
    // And a third run later is a no-op.
    await migrate(a);
    expect((await a`select migration_id from migrations`).length).toBe(files.length);
  });
});
