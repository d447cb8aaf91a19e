/**
 * Telling a lost connection from a refused statement, and what to do about one. Used by the request
 * transactions here and by the collaboration server's store (retrying, showing "Saving…").
 */

/**
 * Whether an error says the database connection was lost or could not be made — the statement may
 * well succeed once the database is back — rather than that the statement itself was refused. A
 * FATAL (or PANIC) error from PostgreSQL ends the session: an administrator's or a restart's
 * termination (57P01–57P03), a database not accepting connections (55000 at connect), too many
 * connections; postgres.js names a lost socket `CONNECTION_*`, Node a refused or reset one `E…`.
 * Anything else (a constraint, bad data) fails the same way however often it is retried.
 */
export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: unknown; severity?: unknown; errno?: unknown };
  if (e.severity === "FATAL" || e.severity === "PANIC") return true;
  const code = typeof e.code === "string" ? e.code : "";
  if (/^(CONNECTION_|CONNECT_TIMEOUT)/.test(code)) return true;
  if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)$/.test(code)) return true;
  // SQLSTATE class 08 (connection exception), 57P0x (shutdown), 53300 (too many connections).
  return /^(08...|57P0[1-3]|53300)$/.test(code);
}

/**
 * `attempt` again, at most three times in all, while it fails because an open connection was ended
 * under it and `mayRetry` says nothing of it can have run. postgres.js 3.4.9 hands a killed
 * backend's error to the first statement of the connection that replaces it (porsager/postgres#1223):
 * after a database restart, that was an error page for the first request on each of the pool's
 * connections. A database that cannot be reached (refused, timed out, too many connections) is not
 * asked again here: that would only make the request wait longer.
 */
export async function retryLostConnection<T>(attempt: () => Promise<T>, mayRetry: (error: unknown) => boolean): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries === 3 || !isEndedConnection(error) || !mayRetry(error)) throw error;
    }
  }
}

/** A backend ended by the server (shut down, terminated) or a socket closed under a statement. */
function isEndedConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "CONNECTION_CLOSED" || code === "57P01" || code === "57P02" || code === "57P03";
}
