import postgres from "postgres";

export type Sql = postgres.Sql<{}>;
export type TransactionSql = postgres.TransactionSql<{}>;
/** Either the pool (tables without row-level security) or a transaction opened by `asUser`. */
export type Queryable = Sql | TransactionSql;

/**
 * One postgres.js pool. Column names stay snake_case in SQL and are mapped to camelCase in JS. As in
 * libpq, `?host=/a/directory` in the URL names a Unix-socket directory (the embedded cluster's): on
 * one machine a socket costs less per message than TCP over loopback.
 */
export function createSql(url: string, options: { max?: number; system?: boolean } = {}): Sql {
  const parsed = new URL(url);
  const socketDir = parsed.searchParams.get("host");
  const path = socketDir?.startsWith("/") ? `${socketDir}/.s.PGSQL.${parsed.port || 5432}` : undefined;
  if (path) parsed.searchParams.delete("host");
  return postgres(path ? parsed.toString() : url, {
    path,
    max: options.max ?? 10,
    transform: postgres.camel,
    onnotice: () => {},
    // A system pool marks every connection `app.system` from its start (see `Database.system`).
    connection: options.system ? { application_name: "twinning-system", "app.system": "on" } : { application_name: "twinning" },
  });
}
