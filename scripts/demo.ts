/**
 * `npm run demo`: applies the migrations and loads the demo world into the database of DATABASE_URL
 * (or the embedded one when it is unset). Loading twice changes nothing.
 */
import { openDatabase } from "@twinning/db";
import { loadDemoWorld } from "@twinning/demo-world";

const db = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR ?? ".data/postgres", log: console.log });
try {
  await loadDemoWorld(db.owner, console.log);
} finally {
  await db.close();
}
