import { createSql, type Sql } from "./client";
import { startEmbedded, type EmbeddedCluster } from "./embedded";
import { migrate } from "./migrate";

export interface Database {
  sql: Sql;
  /** True when this process started its own embedded PostgreSQL (DATABASE_URL unset). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL URL; when absent an embedded cluster is started in `dataDir`. */
  url?: string;
  dataDir?: string;
  embeddedPort?: number;
  log?: (message: string) => void;
}

/** Connects (starting the embedded cluster when needed), applies migrations, and returns the pool. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const log = options.log ?? (() => {});
  let cluster: EmbeddedCluster | undefined;
  let url = options.url;
  if (!url) {
    cluster = await startEmbedded({ dataDir: options.dataDir ?? ".data/postgres", port: options.embeddedPort ?? 54329, log });
    await ensureDatabase(cluster.urlFor("postgres"), "twinning");
    url = cluster.urlFor("twinning");
  }
  const sql = createSql(url);
  try {
    await migrate(sql, log);
  } catch (error) {
    await sql.end();
    await cluster?.stop();
    throw error;
  }
  return {
    sql,
    embedded: Boolean(cluster),
    async close() {
      await sql.end({ timeout: 5 });
      await cluster?.stop();
    },
  };
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
