import type { Actor, DocumentStatus, TenantRole } from "@twinning/domain";
import type { Queryable } from "./client";
import { ACCESS_CHANNEL } from "./spaces";

/**
 * What an access notification on `ACCESS_CHANNEL` says changed (JSON, delivered on commit), so each
 * instance's access watcher re-checks only what it concerns:
 * - `spaceId`: the space's partners, chosen members or archive state (all its open sockets and streams);
 *   with `documentId`, that document's status or archive state;
 * - `userId` (with `tenantId`): the user's membership or role in a tenant (all their open sockets and streams);
 * - `userId` with `sessions`: some of the user's sessions ended (log-out, password change, lifetime).
 */
export interface AccessChange {
  spaceId?: string;
  documentId?: string;
  userId?: string;
  tenantId?: string;
  sessions?: true;
}

/** Tells every instance that access changed (delivered on commit of the surrounding transaction). */
export async function announceAccess(sql: Queryable, change: AccessChange): Promise<void> {
  await sql`select pg_notify(${ACCESS_CHANNEL}, ${JSON.stringify(change)})`;
}

/** Parses a notification payload; undefined when it is not an access change. */
export function parseAccessChange(payload: string): AccessChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  const text = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  const change: AccessChange = { spaceId: text("spaceId"), documentId: text("documentId"), userId: text("userId"), tenantId: text("tenantId") };
  if (v.sessions === true) change.sessions = true;
  return change.spaceId || change.userId ? change : undefined;
}

/** The policy's facts about many users at once (one query): their memberships. Unknown users have none. */
export async function loadActors(sql: Queryable, userIds: readonly string[]): Promise<Map<string, Actor>> {
  const actors = new Map<string, Actor>(userIds.map((userId) => [userId, { userId, memberships: [] }]));
  if (!userIds.length) return actors;
  const rows = await sql<{ userId: string; tenantId: string; role: TenantRole }[]>`
    select user_id, tenant_id, role from memberships where user_id = any(${[...actors.keys()]})`;
  for (const row of rows) actors.get(row.userId)?.memberships.push({ tenantId: row.tenantId, role: row.role });
  return actors;
}

/** Status and archive state of many documents (one query), by id. */
export async function documentsAccessFacts(
  sql: Queryable,
  documentIds: readonly string[],
): Promise<Map<string, { spaceId: string; status: DocumentStatus; archived: boolean }>> {
  if (!documentIds.length) return new Map();
  const rows = await sql<{ id: string; spaceId: string; status: DocumentStatus; archivedAt: Date | null }[]>`
    select id, space_id, status, archived_at from documents where id = any(${[...new Set(documentIds)]}::uuid[])`;
  return new Map(rows.map((r) => [r.id, { spaceId: r.spaceId, status: r.status, archived: r.archivedAt !== null }]));
}

/**
 * Ends one session and announces it in the same statement (log-out), so the announcement can never
 * arrive before the session is gone.
 */
export async function endSession(sql: Queryable, sessionId: string): Promise<void> {
  await sql`
    with ended as (delete from sessions where id = ${sessionId} returning user_id)
    select pg_notify(${ACCESS_CHANNEL}, json_build_object('userId', user_id, 'sessions', true)::text) from ended`;
}

/** Of `sessionIds`, those still valid: not expired, and started after `startedAfter` (the absolute lifetime). */
export async function liveSessionIds(sql: Queryable, sessionIds: readonly string[], startedAfter: Date): Promise<Set<string>> {
  if (!sessionIds.length) return new Set();
  const rows = await sql<{ id: string }[]>`
    select id from sessions where id = any(${[...new Set(sessionIds)]}) and expires_at > now() and created_at > ${startedAfter}`;
  return new Set(rows.map((r) => r.id));
}
