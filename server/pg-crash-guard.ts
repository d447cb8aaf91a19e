import type { Logger } from "pino";
import { isConnectionError } from "@twinning/db";

/**
 * Two faults of postgres.js 3.4.9 that a database restart or a terminated backend can trigger, and
 * that would otherwise end the process (and every socket on it) although nothing is wrong with it:
 * - a buffered write scheduled with `setImmediate` runs after the connection closed and throws
 *   `TypeError: Cannot read properties of null (reading 'write')` in `nextWrite` — uncatchable by the
 *   caller (porsager/postgres#1154, #1208; unreleased fix #1209). The queries of that connection were
 *   already rejected with `CONNECTION_CLOSED` and the pool connects afresh.
 * - the array-type lookup a new connection makes is an async call nobody awaits, so the connection
 *   being cut during it is an unhandled rejection (a FATAL `PostgresError`, e.g. 57P01).
 * Exactly these are logged (at most once a second) and survived; every other uncaught error still
 * ends the process, as Node's default would.
 */
export function guardAgainstPostgresJsCrashes(log: Logger): void {
  let lastLogged = 0;
  const survive = (err: unknown, what: string) => {
    if (Date.now() - lastLogged < 1_000) return;
    lastLogged = Date.now();
    log.warn({ err }, `postgres.js: ${what} after a lost database connection (survived)`);
  };
  process.on("uncaughtException", (err) => {
    if (isPostgresJsNullSocketWrite(err)) return survive(err, "write on a closed socket");
    log.fatal({ err }, "uncaught exception");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    if (isConnectionError(reason)) return survive(reason, "unhandled rejection of a connection error");
    log.fatal({ err: reason }, "unhandled rejection");
    process.exit(1);
  });
}

function isPostgresJsNullSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) && /nextWrite[^\n]*postgres[/\\]src[/\\]connection\.js/.test(err.stack ?? "");
}
