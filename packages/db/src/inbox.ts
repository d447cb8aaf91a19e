import type { Queryable } from "./client";

/** Where a notification is announced: the space's event streams send an `inbox` event to its recipients. */
export const INBOX_CHANNEL = "twinning_inbox";

export const NOTIFICATION_KINDS = ["approvalRequested", "approved", "changesRequested", "signed", "mention", "reply"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Most recipients one notification reaches (and one announcement names), so a payload stays small. */
const MAX_RECIPIENTS = 200;

export interface NotifyInput {
  /** Who is told; the actor is left out, repeats count once. */
  userIds: readonly string[];
  kind: NotificationKind;
  spaceId: string;
  documentId?: string | null;
  /** The tenant it concerns (the one asked to approve, the one that approved). */
  tenantId?: string | null;
  actorId: string;
  /** What the inbox shows beside the kind: the document's title, a comment, a version's name, … */
  details?: Record<string, string>;
}

/**
 * Tells people about something in a space: one inbox row per recipient, announced on commit so their
 * open pages update. Written as the actor (row-level security lets them add notifications only in a
 * space they take part in); callers pass recipients who take part too. For approvals, signing, and —
 * from the comments — mentions and replies.
 */
export async function notify(tx: Queryable, input: NotifyInput): Promise<number> {
  const userIds = [...new Set(input.userIds)].filter((id) => id !== input.actorId).slice(0, MAX_RECIPIENTS);
  if (!userIds.length) return 0;
  await tx`
    insert into notifications (user_id, kind, space_id, document_id, tenant_id, actor_id, details)
    select u, ${input.kind}, ${input.spaceId}, ${input.documentId ?? null}, ${input.tenantId ?? null}, ${input.actorId}, ${tx.json(input.details ?? {})}
    from unnest(${userIds}::text[]) as u`;
  await tx`select pg_notify(${INBOX_CHANNEL}, ${JSON.stringify({ spaceId: input.spaceId, userIds })})`;
  return userIds.length;
}

/**
 * A space invitation to a tenant was sent, answered or withdrawn: its admins' counts change. They are
 * found by whoever relays it (the acting user may not see an invited tenant's people).
 */
export async function announceInvitationChange(tx: Queryable, tenantId: string): Promise<void> {
  await tx`select pg_notify(${INBOX_CHANNEL}, ${JSON.stringify({ spaceId: null, userIds: [], adminsOf: [tenantId] })})`;
}

export interface InboxAnnouncement {
  /** The space it is about; null when about none (notifications read, an invitation). */
  spaceId: string | null;
  userIds: string[];
  /** Tenants whose admins it concerns too (space invitations waiting for them). */
  adminsOf: string[];
}

/** Parses an inbox announcement; undefined when it is not one. */
export function parseInboxAnnouncement(payload: string): InboxAnnouncement | undefined {
  try {
    const value = JSON.parse(payload) as { spaceId?: unknown; userIds?: unknown; adminsOf?: unknown };
    if ((typeof value.spaceId !== "string" && value.spaceId !== null) || !Array.isArray(value.userIds)) return undefined;
    const strings = (list: unknown) => (Array.isArray(list) ? list.filter((u): u is string => typeof u === "string") : []);
    return { spaceId: value.spaceId, userIds: strings(value.userIds), adminsOf: strings(value.adminsOf) };
  } catch {
    return undefined;
  }
}

export interface InboxItem {
  id: string;
  kind: NotificationKind;
  spaceId: string;
  spaceTitle: string;
  documentId: string | null;
  documentTitle: string | null;
  tenantName: string | null;
  actorName: string | null;
  details: Record<string, string>;
  createdAt: Date;
  readAt: Date | null;
}

/** A space that invited one of the user's tenants (which they administer), waiting for an answer. */
export interface WaitingInvitation {
  spaceId: string;
  spaceTitle: string;
  tenantSlug: string;
  tenantName: string;
  hostName: string;
  invitedAt: Date;
  expiresAt: Date;
}

/** The user's notifications, newest first (row-level security shows only their own, in spaces they still see). */
export async function listNotifications(sql: Queryable, userId: string, limit = 100): Promise<InboxItem[]> {
  return sql<InboxItem[]>`
    select n.id, n.kind, n.space_id, s.title as space_title, n.document_id, d.title as document_title,
           t.name as tenant_name, u.name as actor_name, n.details, n.created_at, n.read_at
    from notifications n
    join spaces s on s.id = n.space_id
    left join documents d on d.id = n.document_id and d.space_id = n.space_id
    left join tenants t on t.id = n.tenant_id
    left join users u on u.id = n.actor_id
    where n.user_id = ${userId}
    order by n.created_at desc, n.id
    limit ${limit}`;
}

/** Open space invitations of the tenants the user administers. */
export async function waitingInvitations(sql: Queryable, userId: string): Promise<WaitingInvitation[]> {
  return sql<WaitingInvitation[]>`
    select s.id as space_id, s.title as space_title, t.slug as tenant_slug, t.name as tenant_name, h.name as host_name,
           p.invited_at, p.expires_at
    from space_partners p
    join memberships m on m.tenant_id = p.tenant_id and m.user_id = ${userId} and m.role in ('owner', 'admin')
    join spaces s on s.id = p.space_id
    join tenants t on t.id = p.tenant_id
    join tenants h on h.id = s.host_tenant_id
    where p.status = 'invited' and p.expires_at > now()
    order by p.invited_at desc`;
}

/** The number the header shows: unread notifications and invitations waiting for the user's tenants. */
export async function inboxCount(sql: Queryable, userId: string): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select (select count(*) from notifications where user_id = ${userId} and read_at is null)::int
         + (select count(*) from space_partners p join memberships m on m.tenant_id = p.tenant_id and m.user_id = ${userId} and m.role in ('owner', 'admin')
            where p.status = 'invited' and p.expires_at > now())::int as count`;
  return row.count;
}

/** The user's own streams (their other tabs) are told on commit that their count changed. */
async function announceRead(tx: Queryable, userId: string): Promise<void> {
  await tx`select pg_notify(${INBOX_CHANNEL}, ${JSON.stringify({ spaceId: null, userIds: [userId] })})`;
}

/** Marks one of the user's notifications read; false when it is not theirs (or not there). */
export async function markNotificationRead(tx: Queryable, input: { userId: string; notificationId: string }): Promise<boolean> {
  const rows = await tx`update notifications set read_at = coalesce(read_at, now()) where id = ${input.notificationId} and user_id = ${input.userId} returning id`;
  if (rows.length) await announceRead(tx, input.userId);
  return rows.length > 0;
}

export async function markAllNotificationsRead(tx: Queryable, input: { userId: string }): Promise<number> {
  const rows = await tx`update notifications set read_at = now() where user_id = ${input.userId} and read_at is null returning id`;
  if (rows.length) await announceRead(tx, input.userId);
  return rows.length;
}

/** The admins of `tenantIds` (read on the system path by the event hub, which relays invitation changes to their own streams). */
export async function adminsOfTenants(sql: Queryable, tenantIds: readonly string[]): Promise<string[]> {
  if (!tenantIds.length) return [];
  const rows = await sql<{ userId: string }[]>`
    select distinct user_id from memberships where tenant_id = any(${[...tenantIds]}::uuid[]) and role in ('owner', 'admin')`;
  return rows.map((r) => r.userId);
}
