import type { Logger } from "pino";
import type { Auth, SessionUser } from "@twinning/auth";
import type { Sql } from "@twinning/db";
import type { Locale } from "@twinning/domain";
import type { Config } from "./config";
import type { Mailer } from "./mailer";

/** What every Remix loader and action receives as `context`, built once per request. */
export type AppContext = {
  sql: Sql;
  auth: Auth;
  config: Config;
  mailer: Mailer | null;
  log: Logger;
  requestId: string;
  user: SessionUser | null;
  sessionId: string | null;
  locale: Locale;
  /** The client's address (for throttling). */
  address: string;
};

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends AppContext {}
}
