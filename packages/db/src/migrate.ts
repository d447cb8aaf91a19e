import { fileURLToPath } from "node:url";
import shift from "postgres-shift";
import type { Sql } from "./client";

/** The numbered plain-SQL files (`00001_name.sql`) in the project's top-level migrations/ folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../migrations", import.meta.url));

// Any constant shared by all instances; it names the lock in pg_locks.
const MIGRATION_LOCK = 7_303_411;

/**
 * Applies pending migrations (the pool needs two connections: one holds the lock). A session-level advisory lock on a reserved connection makes
 * instances that start together take turns: the second finds nothing left to apply.
 */
export async function migrate(sql: Sql, log: (m: string) => void = () => {}): Promise<void> {
  const lock = await sql.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await shift({
      sql,
      path: MIGRATIONS_DIR,
      before: ({ migration_id, name }: { migration_id: number; name: string }) => log(`migrating ${migration_id} ${name}`),
    });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lock.release();
  }
}
