import type { Fragment } from "postgres";
import type { Queryable } from "./client";

/**
 * A page of a long list read by keyset (issue 14): the rows after the last one of the previous page in
 * the list's own order, from its index, and one more to tell whether a page follows. `after` is that
 * last row's sort key and id, as text (timestamps in UTC to the microsecond: no precision is lost);
 * the API carries it in an opaque cursor and checks its shape before it reaches SQL.
 */
export interface PageRequest {
  after: string[] | null;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** The sort key and id of the last item, when another page follows. */
  next: string[] | null;
}

/** The page of `rows` (read with `limit + 1`), without the sort key column each row carried. */
export function toPage<T extends { sortKey: string[] }>(rows: T[], limit: number): Page<Omit<T, "sortKey">> {
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  return { items: kept.map(({ sortKey: _, ...item }) => item), next: more ? kept[kept.length - 1].sortKey : null };
}

/** An instant as a sort key: UTC, to the microsecond, in a form both JavaScript and PostgreSQL read back exactly. */
export const instantKey = (sql: Queryable, instant: Fragment): Fragment => sql`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
