import type { Queryable } from "./client";

/** What the audit log records; the UI translates each action (i18n `audit.<action>`). */
export const AUDIT_ACTIONS = [
  "tenant.created",
  "member.invited",
  "member.joined",
  "member.roleChanged",
  "member.removed",
  "member.left",
  "member.approverNamed",
  "member.approverUnnamed",
  "invitation.revoked",
  "space.created",
  "space.updated",
  "space.archived",
  "space.restored",
  "partner.invited",
  "partner.accepted",
  "partner.declined",
  "partner.removed",
  "partner.left",
  "partner.membersChosen",
  "document.created",
  "document.renamed",
  "document.archived",
  "document.restored",
  "document.statusChanged",
  "document.versionSaved",
  "document.versionRestored",
  "document.approvalRequested",
  "document.approved",
  "document.changesRequested",
  "document.signed",
  "document.amended",
  "document.typeChanged",
  "document.languageChanged",
  "document.exported",
  "document.translationAdded",
  "activity.added",
  "activity.updated",
  "activity.removed",
  "activity.overviewExported",
  "webhook.added",
  "webhook.changed",
  "webhook.paused",
  "webhook.resumed",
  "webhook.removed",
  "network.requested",
  "network.memberAccepted",
  "network.memberDeclined",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  tenantId: string | null;
  tenantName: string | null;
  spaceId: string | null;
  spaceTitle: string | null;
  action: AuditAction;
  details: Record<string, string>;
}

/** Appends an event. The app role may only insert and read audit rows, never change them. */
export async function recordAudit(
  sql: Queryable,
  event: { actorId: string; action: AuditAction; tenantId?: string | null; spaceId?: string | null; details?: Record<string, string> },
): Promise<void> {
  await sql`
    insert into audit_events (actor_id, tenant_id, space_id, action, details)
    values (${event.actorId}, ${event.tenantId ?? null}, ${event.spaceId ?? null}, ${event.action}, ${sql.json(event.details ?? {})})`;
}

const selectEvents = (sql: Queryable) => sql`
  select e.id::text, e.at, e.actor_id, u.name as actor_name, e.tenant_id, t.name as tenant_name,
         e.space_id, s.title as space_title, e.action, e.details
  from audit_events e
  left join users u on u.id = e.actor_id
  left join tenants t on t.id = e.tenant_id
  left join spaces s on s.id = e.space_id`;

/** A tenant's events (its membership changes, and what it did in spaces), newest first. */
export async function tenantAudit(sql: Queryable, tenantId: string, limit = 200): Promise<AuditEvent[]> {
  return sql<AuditEvent[]>`${selectEvents(sql)} where e.tenant_id = ${tenantId} order by e.at desc, e.id desc limit ${limit}`;
}

/** A space's events, newest first. */
export async function spaceAudit(sql: Queryable, spaceId: string, limit = 200): Promise<AuditEvent[]> {
  return sql<AuditEvent[]>`${selectEvents(sql)} where e.space_id = ${spaceId} order by e.at desc, e.id desc limit ${limit}`;
}

/** The events of several spaces (those whose audit log the caller may show), newest first. */
export async function spacesAudit(sql: Queryable, spaceIds: readonly string[], limit = 10): Promise<AuditEvent[]> {
  if (!spaceIds.length) return [];
  return sql<AuditEvent[]>`${selectEvents(sql)} where e.space_id = any(${[...spaceIds]}::uuid[]) order by e.at desc, e.id desc limit ${limit}`;
}
