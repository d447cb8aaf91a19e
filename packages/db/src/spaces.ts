import {
  LIMITS,
  spaceAccess,
  type Actor,
  type Country,
  type PartnerFacts,
  type SpaceAccess,
  type SpaceColor,
  type SpaceFacts,
  type SpaceIcon,
  type SpaceRole,
  type TenantKind,
  type TenantRole,
} from "@twinning/domain";
import { announceAccess } from "./access";
import { recordAudit } from "./audit";
import { announceInvitationChange } from "./inbox";
import type { Fragment } from "postgres";
import type { Queryable } from "./client";

export interface Space {
  id: string;
  hostTenantId: string;
  title: string;
  purpose: string | null;
  color: SpaceColor;
  icon: SpaceIcon;
  private: boolean;
  archivedAt: Date | null;
  createdAt: Date;
}

export interface Partner {
  tenantId: string;
  slug: string;
  name: string;
  kind: TenantKind;
  country: string;
  role: SpaceRole;
  status: PartnerFacts["status"];
  selection: "all" | "chosen";
  expiresAt: Date;
}

export interface Participant {
  userId: string;
  name: string;
  tenantId: string;
  tenantName: string;
}

/** Channel on which access changes are announced (revocation closes open sockets and streams). */
export const ACCESS_CHANNEL = "twinning_access";

/** The facts the permission policy needs about a user: their memberships. */
export async function loadActor(sql: Queryable, userId: string): Promise<Actor> {
  const memberships = await sql<{ tenantId: string; role: TenantRole }[]>`
    select tenant_id, role from memberships where user_id = ${userId}`;
  return { userId, memberships: [...memberships] };
}

/** The facts the permission policy needs about a space, or undefined when the user cannot see it at all. */
export function loadSpaceFacts(sql: Queryable, spaceId: string): Promise<SpaceFacts | undefined> {
  return spaceFactsOf(sql, sql`${spaceId}::uuid`);
}

/**
 * The same for the space a document is in, read without knowing its id first: the collaboration
 * server's checks then go out in one round trip.
 */
export function loadSpaceFactsOfDocument(sql: Queryable, documentId: string): Promise<SpaceFacts | undefined> {
  return spaceFactsOf(sql, sql`(select space_id from documents where id = ${documentId})`);
}

async function spaceFactsOf(sql: Queryable, spaceId: Fragment): Promise<SpaceFacts | undefined> {
  // Both at once (pipelined on one connection): checked on every request and socket.
  const [[space], partners] = await Promise.all([
    sql<{ id: string; hostTenantId: string; private: boolean; archivedAt: Date | null }[]>`
      select id, host_tenant_id, private, archived_at from spaces where id = ${spaceId}`,
    sql<PartnerFacts[]>`
      select p.tenant_id, p.role, p.status, p.member_selection as selection, p.expires_at,
             coalesce(array_agg(m.user_id) filter (where m.user_id is not null), '{}') as chosen
      from space_partners p
      left join space_members m on m.space_id = p.space_id and m.tenant_id = p.tenant_id
      where p.space_id = ${spaceId}
      group by p.space_id, p.tenant_id`,
  ]);
  if (!space) return undefined;
  return { id: space.id, hostTenantId: space.hostTenantId, private: space.private, archived: space.archivedAt !== null, partners: [...partners] };
}

export async function findSpace(sql: Queryable, spaceId: string): Promise<Space | undefined> {
  const [space] = await sql<Space[]>`select * from spaces where id = ${spaceId}`;
  return space;
}

export async function createSpace(
  tx: Queryable,
  input: { hostTenantId: string; title: string; purpose?: string; color: SpaceColor; icon: SpaceIcon; private: boolean; actorId: string },
): Promise<Space> {
  const [space] = await tx<Space[]>`
    insert into spaces (host_tenant_id, title, purpose, color, icon, private, created_by)
    values (${input.hostTenantId}, ${input.title}, ${input.purpose || null}, ${input.color}, ${input.icon}, ${input.private}, ${input.actorId})
    returning *`;
  await recordAudit(tx, { actorId: input.actorId, tenantId: input.hostTenantId, spaceId: space.id, action: "space.created", details: { title: space.title } });
  return space;
}

export async function updateSpace(
  tx: Queryable,
  input: { spaceId: string; title: string; purpose?: string; color: SpaceColor; icon: SpaceIcon; actorId: string },
): Promise<void> {
  const [space] = await tx<Space[]>`
    update spaces set title = ${input.title}, purpose = ${input.purpose || null}, color = ${input.color}, icon = ${input.icon}
    where id = ${input.spaceId} returning *`;
  await recordAudit(tx, { actorId: input.actorId, tenantId: space.hostTenantId, spaceId: space.id, action: "space.updated", details: { title: space.title } });
}

export async function setArchived(tx: Queryable, input: { spaceId: string; archived: boolean; actorId: string }): Promise<void> {
  const [space] = await tx<Space[]>`
    update spaces set archived_at = ${input.archived ? new Date() : null} where id = ${input.spaceId} returning *`;
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: space.hostTenantId,
    spaceId: space.id,
    action: input.archived ? "space.archived" : "space.restored",
  });
  await announceAccess(tx, { spaceId: space.id });
}

/** The partners of a space with their tenants' names, kinds and countries. */
export async function partnersOf(sql: Queryable, spaceId: string): Promise<Partner[]> {
  return sql<Partner[]>`
    select p.tenant_id, t.slug, t.name, t.kind, t.country, p.role, p.status, p.member_selection as selection, p.expires_at
    from space_partners p join tenants t on t.id = p.tenant_id
    where p.space_id = ${spaceId}
    order by array_position(array['active','invited','declined','left','removed'], p.status), t.name`;
}

/** Everyone taking part: the host's members and the active partners' members (all, or those chosen). */
export async function participantsOf(sql: Queryable, spaceId: string): Promise<Participant[]> {
  return sql<Participant[]>`
    select u.id as user_id, u.name, t.id as tenant_id, t.name as tenant_name
    from spaces s
    join memberships m on m.tenant_id = s.host_tenant_id
    join users u on u.id = m.user_id join tenants t on t.id = m.tenant_id
    where s.id = ${spaceId}
    union
    select u.id, u.name, t.id, t.name
    from space_partners p
    join memberships m on m.tenant_id = p.tenant_id
    join users u on u.id = m.user_id join tenants t on t.id = p.tenant_id
    where p.space_id = ${spaceId} and p.status = 'active'
      and (p.member_selection = 'all' or exists (
        select 1 from space_members sm where sm.space_id = p.space_id and sm.tenant_id = p.tenant_id and sm.user_id = u.id))
    order by tenant_name, name`;
}

/** Who may be assigned on a space's cards (people taking part) and which tenants may lead (host and active partners). */
export async function peopleOfSpace(sql: Queryable, spaceId: string) {
  const [participants, partners, [host]] = await Promise.all([
    participantsOf(sql, spaceId),
    partnersOf(sql, spaceId),
    sql<{ id: string; name: string }[]>`select t.id, t.name from spaces s join tenants t on t.id = s.host_tenant_id where s.id = ${spaceId}`,
  ]);
  const tenants = [...(host ? [{ id: host.id, name: host.name }] : []), ...partners.filter((p) => p.status === "active").map((p) => ({ id: p.tenantId, name: p.name }))];
  // One entry per person: someone in two participating tenants appears once, with the first by name,
  // as beside their caret in the space's documents (the collaboration server's grant).
  const people = new Map<string, { userId: string; name: string; tenantId: string; tenantName: string }>();
  for (const p of participants) if (!people.has(p.userId)) people.set(p.userId, { userId: p.userId, name: p.name, tenantId: p.tenantId, tenantName: p.tenantName });
  return { people: [...people.values()], tenants };
}

export interface SpaceListing extends Space {
  hostName: string;
  access: SpaceAccess;
  /** The facts the policy decided `access` from, for asking it about other actions in the space. */
  facts: SpaceFacts;
}

/** The spaces a user can open, with their access, newest first. */
export async function spacesForActor(sql: Queryable, actor: Actor): Promise<SpaceListing[]> {
  const rows = await sql<(Space & { hostName: string; partners: PartnerFacts[] })[]>`
    select s.*, t.name as host_name,
      coalesce((
        select json_agg(json_build_object(
          'tenantId', p.tenant_id, 'role', p.role, 'status', p.status, 'selection', p.member_selection, 'expiresAt', p.expires_at,
          'chosen', coalesce((select json_agg(m.user_id) from space_members m where m.space_id = p.space_id and m.tenant_id = p.tenant_id), '[]'::json)))
        from space_partners p where p.space_id = s.id), '[]'::json) as partners
    from spaces s join tenants t on t.id = s.host_tenant_id
    order by s.created_at desc`;
  const listings: SpaceListing[] = [];
  for (const { partners, ...row } of rows) {
    const facts: SpaceFacts = {
      id: row.id,
      hostTenantId: row.hostTenantId,
      private: row.private,
      archived: row.archivedAt !== null,
      partners: partners.map((p) => ({ ...p, expiresAt: new Date(p.expiresAt) })),
    };
    const access = spaceAccess(actor, facts);
    if (access) listings.push({ ...row, access, facts });
  }
  return listings;
}

export interface TenantSpace extends Space {
  hostName: string;
  /** Null for the host; the partner role otherwise. */
  role: SpaceRole | null;
  status: PartnerFacts["status"] | "host";
  expiresAt: Date | null;
}

/** The spaces a tenant hosts or is a partner in (including invitations waiting for an answer). */
export async function spacesOfTenant(sql: Queryable, tenantId: string): Promise<TenantSpace[]> {
  return sql<TenantSpace[]>`
    select s.*, h.name as host_name, null as role, 'host' as status, null::timestamptz as expires_at
    from spaces s join tenants h on h.id = s.host_tenant_id where s.host_tenant_id = ${tenantId}
    union all
    select s.*, h.name, p.role, p.status, p.expires_at
    from space_partners p join spaces s on s.id = p.space_id join tenants h on h.id = s.host_tenant_id
    where p.tenant_id = ${tenantId} and p.status in ('invited', 'active')
    order by created_at desc`;
}

export type InvitePartnerError = "tenantNotFound" | "cannotInviteHost" | "alreadyPartner" | "alreadyInvitedTenant" | "privateSpace";

/** The host invites a tenant (by slug) with a role; re-inviting one that left, declined or was removed is allowed. */
export async function invitePartner(
  tx: Queryable,
  input: { spaceId: string; tenantSlug: string; role: SpaceRole; actorId: string; now?: Date },
): Promise<{ ok: true; tenantName: string } | { ok: false; error: InvitePartnerError }> {
  const [space] = await tx<Space[]>`select * from spaces where id = ${input.spaceId}`;
  if (space.private) return { ok: false, error: "privateSpace" };
  const [tenant] = await tx<{ id: string; name: string }[]>`select id, name from tenants where slug = ${input.tenantSlug}`;
  if (!tenant) return { ok: false, error: "tenantNotFound" };
  if (tenant.id === space.hostTenantId) return { ok: false, error: "cannotInviteHost" };
  const [existing] = await tx<{ status: string; expiresAt: Date }[]>`
    select status, expires_at from space_partners where space_id = ${space.id} and tenant_id = ${tenant.id}`;
  const now = input.now ?? new Date();
  if (existing?.status === "active") return { ok: false, error: "alreadyPartner" };
  if (existing?.status === "invited" && existing.expiresAt > now) return { ok: false, error: "alreadyInvitedTenant" };
  const expiresAt = new Date(now.getTime() + LIMITS.invitationDays * 86_400_000);
  await tx`
    insert into space_partners (space_id, tenant_id, role, status, invited_by, invited_at, expires_at)
    values (${space.id}, ${tenant.id}, ${input.role}, 'invited', ${input.actorId}, ${now}, ${expiresAt})
    on conflict (space_id, tenant_id) do update set
      role = excluded.role, status = 'invited', invited_by = excluded.invited_by, invited_at = excluded.invited_at,
      expires_at = excluded.expires_at, responded_by = null, responded_at = null, member_selection = 'all'`;
  await tx`delete from space_members where space_id = ${space.id} and tenant_id = ${tenant.id}`;
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: space.hostTenantId,
    spaceId: space.id,
    action: "partner.invited",
    details: { partner: tenant.name, role: input.role },
  });
  await announceInvitationChange(tx, tenant.id);
  return { ok: true, tenantName: tenant.name };
}

/** The invited tenant's admin accepts or declines (the caller has checked the policy). */
export async function respondToPartnerInvitation(
  tx: Queryable,
  input: { spaceId: string; tenantId: string; accept: boolean; actorId: string },
): Promise<void> {
  await tx`
    update space_partners set status = ${input.accept ? "active" : "declined"}, responded_by = ${input.actorId}, responded_at = now()
    where space_id = ${input.spaceId} and tenant_id = ${input.tenantId} and status = 'invited'`;
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: input.tenantId,
    spaceId: input.spaceId,
    action: input.accept ? "partner.accepted" : "partner.declined",
  });
  await announceInvitationChange(tx, input.tenantId);
}

/**
 * Ends a partnership: `removed` by the host or `left` by the partner. From the commit on, the
 * partner's members have no access; the content stays with the host.
 */
export async function endPartnership(
  tx: Queryable,
  input: { spaceId: string; tenantId: string; actorId: string; by: "host" | "partner" },
): Promise<void> {
  const [tenant] = await tx<{ name: string }[]>`select name from tenants where id = ${input.tenantId}`;
  await tx`
    update space_partners set status = ${input.by === "host" ? "removed" : "left"}, responded_by = ${input.actorId}, responded_at = now()
    where space_id = ${input.spaceId} and tenant_id = ${input.tenantId} and status in ('active', 'invited')`;
  await tx`delete from space_members where space_id = ${input.spaceId} and tenant_id = ${input.tenantId}`;
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: input.tenantId,
    spaceId: input.spaceId,
    action: input.by === "host" ? "partner.removed" : "partner.left",
    details: { partner: tenant?.name ?? "" },
  });
  await announceAccess(tx, { spaceId: input.spaceId });
  // An invitation withdrawn no longer waits in the tenant's admins' inboxes.
  await announceInvitationChange(tx, input.tenantId);
}

/** A partner's admins choose who of their members take part: everyone, or the listed users. */
export async function chooseMembers(
  tx: Queryable,
  input: { spaceId: string; tenantId: string; selection: "all" | "chosen"; userIds: string[]; actorId: string },
): Promise<{ ok: true } | { ok: false; error: "notMembers" }> {
  const members = await tx<{ userId: string }[]>`
    select user_id from memberships where tenant_id = ${input.tenantId} and user_id = any(${input.userIds})`;
  if (members.length !== new Set(input.userIds).size) return { ok: false, error: "notMembers" };
  await tx`update space_partners set member_selection = ${input.selection} where space_id = ${input.spaceId} and tenant_id = ${input.tenantId}`;
  await tx`delete from space_members where space_id = ${input.spaceId} and tenant_id = ${input.tenantId}`;
  if (input.selection === "chosen" && input.userIds.length) {
    await tx`
      insert into space_members ${tx(input.userIds.map((userId) => ({ spaceId: input.spaceId, tenantId: input.tenantId, userId })))}`;
  }
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: input.tenantId,
    spaceId: input.spaceId,
    action: "partner.membersChosen",
    details: { selection: input.selection, count: String(input.userIds.length) },
  });
  await announceAccess(tx, { spaceId: input.spaceId });
  return { ok: true };
}

/**
 * Tenants matching a name or slug, for the host's partner search, with what tells two of one name apart:
 * short name, kind, country and how many members each has (a count only; memberships stay private).
 */
export async function searchTenants(
  sql: Queryable,
  query: string,
  limit = 10,
): Promise<{ slug: string; name: string; kind: TenantKind; country: string; memberCount: number }[]> {
  const q = query.normalize("NFC");
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`
    select slug, name, kind, country, coalesce(app_tenant_member_count(id), 0) as member_count from tenants
    where name ilike ${pattern} or slug ilike ${pattern}
    order by (lower(name) = lower(${q}) or slug = lower(${q})) desc, name, slug limit ${limit}`;
}

/** The time zones of a space's host and active partners, each with a country (to name it by); issue 15. */
export async function spaceTimeZones(sql: Queryable, spaceId: string): Promise<{ zone: string; country: Country }[]> {
  return sql<{ zone: string; country: Country }[]>`
    select distinct t.time_zone as zone, t.country from tenants t
    where t.id = (select host_tenant_id from spaces where id = ${spaceId})
       or t.id in (select tenant_id from space_partners where space_id = ${spaceId} and status = 'active')
    order by t.time_zone, t.country`;
}
