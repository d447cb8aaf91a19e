import { createSql, type Sql, type TransactionSql } from "./client";
import { retryLostConnection } from "./connection-errors";
import { startEmbedded, type EmbeddedCluster } from "./embedded";
import { migrate } from "./migrate";
import { searchLocaleWarning } from "./search";

/** The role the app connects as: owns no table, has no BYPASSRLS (created by migration 00003). */
export const APP_ROLE = "twinning_app";

export interface Database {
  /** The app's pool, connected as twinning_app: row-level security applies to everything it does. */
  sql: Sql;
  /**
   * The system path: the app role with `app.system` set on every connection, which the row-level
   * security policies let through. Only for work that acts for no single user and has authorised its
   * caller itself — the collaboration server's persistence (every socket passed the permission
   * policy before it reads or writes a byte). Never for serving a request.
   */
  system: Sql;
  /** The owner's pool (migrations, demo loading, maintenance); never used to serve requests. */
  owner: Sql;
  /** True when this process started its own embedded PostgreSQL (DATABASE_URL unset). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The owner's PostgreSQL URL; when absent an embedded cluster is started in `dataDir`. */
  url?: string;
  /** The app role's URL; when absent it is the owner's URL with twinning_app and `appPassword`. */
  appUrl?: string;
  appPassword?: string;
  dataDir?: string;
  embeddedPort?: number;
  log?: (message: string) => void;
}

export const DEFAULT_APP_PASSWORD = "twinning-app-local";

/**
 * Connects as the owner (starting the embedded cluster when needed), applies migrations, gives the
 * app role its password, and opens the app's pool as that role.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const log = options.log ?? (() => {});
  let cluster: EmbeddedCluster | undefined;
  let url = options.url;
  if (!url) {
    cluster = await startEmbedded({ dataDir: options.dataDir ?? ".data/postgres", port: options.embeddedPort ?? 54329, log });
    await ensureDatabase(cluster.urlFor("postgres"), "twinning");
    url = cluster.urlFor("twinning");
  }
  const owner = createSql(url, { max: 3 });
  try {
    await migrate(owner, log);
    const warning = await searchLocaleWarning(owner);
    if (warning) log(warning);
    const password = options.appPassword ?? DEFAULT_APP_PASSWORD;
    if (!options.appUrl) await setAppRolePassword(owner, password);
    const appUrl = options.appUrl ?? appUrlFor(url, password);
    const sql = createSql(appUrl);
    const system = createSql(appUrl, { max: 10, system: true });
    await sql`select 1`;
    return {
      sql,
      system,
      owner,
      embedded: Boolean(cluster),
      async close() {
        await Promise.all([sql.end({ timeout: 5 }), system.end({ timeout: 5 }), owner.end({ timeout: 5 })]);
        await cluster?.stop();
      },
    };
  } catch (error) {
    await owner.end();
    await cluster?.stop();
    throw error;
  }
}

/** The owner URL with the app role's credentials instead. */
export function appUrlFor(ownerUrl: string, password = DEFAULT_APP_PASSWORD): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

/** The URL of database `name` on the same server (and with the same options) as `url`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Lets the app role log in with `password` (the role itself comes from a migration). */
export async function setAppRolePassword(owner: Sql, password: string): Promise<void> {
  const [{ statement }] = await owner<{ statement: string }[]>`
    select format('alter role %I with login password %L', ${APP_ROLE}::text, ${password}::text) as statement`;
  await owner.unsafe(statement);
}

/**
 * Runs `fn` in one transaction as `userId`: the row-level security policies see that user, and
 * because the setting is local to the transaction a pooled connection never carries it over.
 */
export function asUser<T>(sql: Sql, userId: string | null, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return transactionWith(sql, "app.user_id", userId ?? "", fn);
}

/**
 * One transaction with `setting` set local to it. A BEGIN that fails for a lost connection is tried
 * again: none of fn's statements has run then (see `retryLostConnection`).
 */
export function transactionWith<T>(sql: Sql, setting: string, value: string, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  let begun = false;
  return retryLostConnection(
    () =>
      sql.begin(async (tx) => {
        begun = true;
        // Sent now (postgres.js queries are lazy: `execute` sends it before fn's first statement) and not
        // awaited before fn starts: pipelined with fn's first statements on the transaction's connection,
        // which runs them in order — one round trip fewer per transaction.
        const set = tx`select set_config(${setting}, ${value}, true)`.execute();
        const [, result] = await Promise.all([set, fn(tx)]);
        return result;
      }) as Promise<T>,
    () => !begun,
  );
}

/** Creates `name` on the server of `adminUrl` unless it exists (optionally from a template). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const admin = createSql(adminUrl, { max: 1 });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) {
      await admin.unsafe(`create database "${name.replaceAll('"', "")}"${template ? ` template "${template.replaceAll('"', "")}"` : ""}`);
    }
  } finally {
    await admin.end();
  }
}
