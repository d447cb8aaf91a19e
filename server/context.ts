import type { Logger } from "pino";
import type { Auth, SessionUser } from "@twinning/auth";
import type { Sql, TransactionSql } from "@twinning/db";
import type { Locale } from "@twinning/domain";
import type { Exporter } from "@twinning/export/pool";
import type { ApiRequest } from "./api-auth";
import type { ApplyServerChange } from "./collab";
import type { Config } from "./config";
import type { EventHub } from "./events";
import type { LocaleCookie } from "./locale-cookie";
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
  /** The language cookie of visitors who are not signed in (the only place it is read or written). */
  localeCookie: LocaleCookie;
  log: Logger;
  requestId: string;
  /** This response's Content-Security-Policy nonce, for Remix's inline scripts (server/security-headers.ts). */
  cspNonce: string;
  user: SessionUser | null;
  sessionId: string | null;
  locale: Locale;
  /** Live events of spaces (boards), for event-stream routes. */
  events: EventHub;
  /** The client's address (for throttling). */
  address: string;
  /**
   * Aborted once the response can no longer be written (the client left): what a long response (an
   * event stream) ends on. Not `request.signal`, which a garbage collection can cut off (server/app.ts).
   */
  responseClosed: AbortSignal;
  /** Applies a change the server makes to a live document (restoring a version) through the collaboration server. */
  applyServerChange: ApplyServerChange;
  /** Renders document exports in worker threads (packages/export). */
  exports: Exporter;
  /** On `/api/v1` only: the bearer token the request acts with (server/api-auth.ts). */
  api?: ApiRequest;
};

declare module "@remix-run/server-runtime" {
  interface AppLoadContext extends AppContext {}
}
