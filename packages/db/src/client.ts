import postgres from "postgres";

export type Sql = postgres.Sql<{}>;
export type TransactionSql = postgres.TransactionSql<{}>;
/** Either the pool (tables without row-level security) or a transaction opened by `asUser`. */
export type Queryable = Sql | TransactionSql;

/** One postgres.js pool. Column names stay snake_case in SQL and are mapped to camelCase in JS. */
export function createSql(url: string, options: { max?: number; system?: boolean } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    transform: postgres.camel,
    onnotice: () => {},
    // A system pool marks every connection `app.system` from its start (see `Database.system`).
    connection: options.system ? { application_name: "twinning-system", "app.system": "on" } : { application_name: "twinning" },
  });
}
