import type { Logger } from "pino";
import type { Auth, SessionUser } from "@twinning/auth";
import type { Sql, TransactionSql } from "@twinning/db";
import type { Locale } from "@twinning/domain";
import type { Config } from "./config";
import type { EventHub } from "./events";
import type { Mailer } from "./mailer";

/** What every Remix loader and action receives as `context`, built once per request. */
export type AppContext = {
  /** The app role's pool: for tables without row-level security (users, sessions) only. */
  sql: Sql;
  /** Runs `fn` in one transaction as the signed-in user (row-level security sees them). */
  tx<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T>;
  auth: Auth;
  config: Config;
  mailer: Mailer | null;
  log: Logger;
  requestId: string;
  user: SessionUser | null;
  sessionId: string | null;
  locale: Locale;
  /** Live events of spaces (boards), for event-stream routes. */
  events: EventHub;
  /** The client's address (for throttling). */
  address: string;
};

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends AppContext {}
}
