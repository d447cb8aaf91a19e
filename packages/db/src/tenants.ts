import {
  checkMemberChange,
  COUNTRY_TIME_ZONES,
  type Country,
  type MemberChangeError,
  type TenantKind,
  type TenantRole,
} from "@twinning/domain";
import { announceAccess } from "./access";
import { recordAudit } from "./audit";
import type { Queryable } from "./client";

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  kind: TenantKind;
  country: Country;
  /** An IANA zone: where the tenant's people read times (migration 00019). */
  timeZone: string;
  parentId: string | null;
  description: string | null;
  createdAt: Date;
}

export interface TenantWithRole extends Tenant {
  role: TenantRole;
}

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: TenantRole;
  createdAt: Date;
}

export async function findTenantBySlug(sql: Queryable, slug: string): Promise<Tenant | undefined> {
  const [row] = await sql<Tenant[]>`select * from tenants where slug = ${slug}`;
  return row;
}

export async function findTenantById(sql: Queryable, id: string): Promise<Tenant | undefined> {
  const [row] = await sql<Tenant[]>`select * from tenants where id = ${id}`;
  return row;
}

/** The tenants a user belongs to, with their role, by name. */
export async function tenantsOfUser(sql: Queryable, userId: string): Promise<TenantWithRole[]> {
  return sql<TenantWithRole[]>`
    select t.*, m.role from memberships m join tenants t on t.id = m.tenant_id
    where m.user_id = ${userId} order by t.name`;
}

export async function roleInTenant(sql: Queryable, tenantId: string, userId: string): Promise<TenantRole | null> {
  const [row] = await sql<{ role: TenantRole }[]>`
    select role from memberships where tenant_id = ${tenantId} and user_id = ${userId}`;
  return row?.role ?? null;
}

export async function membersOf(sql: Queryable, tenantId: string): Promise<Member[]> {
  return sql<Member[]>`
    select u.id as user_id, u.name, u.email, m.role, m.created_at
    from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId}
    order by array_position(array['owner','admin','member','viewer'], m.role), u.name`;
}

export async function networkMembersOf(sql: Queryable, tenantId: string): Promise<Tenant[]> {
  return sql<Tenant[]>`
    select t.* from network_members n join tenants t on t.id = n.member_id
    where n.network_id = ${tenantId} order by t.name`;
}

export interface NetworkRequest {
  networkId: string;
  memberId: string;
  /** The other side: the member tenant (for the network's admins) or the network (for the member's). */
  slug: string;
  name: string;
  kind: TenantKind;
  country: Country;
  createdAt: Date;
}

/** Requests to be listed as members of this network, for its admins to answer (row-level security shows them only to admins). */
export async function networkRequestsTo(sql: Queryable, networkId: string): Promise<NetworkRequest[]> {
  return sql<NetworkRequest[]>`
    select r.network_id, r.member_id, t.slug, t.name, t.kind, t.country, r.created_at
    from network_membership_requests r join tenants t on t.id = r.member_id
    where r.network_id = ${networkId} order by r.created_at`;
}

/** The networks this tenant has asked to be listed in and that have not answered yet. */
export async function networkRequestsFrom(sql: Queryable, memberId: string): Promise<NetworkRequest[]> {
  return sql<NetworkRequest[]>`
    select r.network_id, r.member_id, t.slug, t.name, t.kind, t.country, r.created_at
    from network_membership_requests r join tenants t on t.id = r.network_id
    where r.member_id = ${memberId} order by r.created_at`;
}

/** The networks this tenant is listed as a member of. */
export async function networksOf(sql: Queryable, memberId: string): Promise<Tenant[]> {
  return sql<Tenant[]>`
    select t.* from network_members n join tenants t on t.id = n.network_id
    where n.member_id = ${memberId} order by t.name`;
}

export type RequestNetworkError = "networkNotFound" | "notANetwork" | "ownNetwork" | "alreadyNetworkMember" | "alreadyRequested";

/**
 * The member tenant's admins ask to be listed as a member of a network (found by its short name). The
 * network's admins answer; until then nothing is listed.
 */
export async function requestNetworkMembership(
  tx: Queryable,
  input: { memberId: string; networkSlug: string; actorId: string },
): Promise<{ ok: true; network: Tenant } | { ok: false; error: RequestNetworkError }> {
  const [network] = await tx<Tenant[]>`select * from tenants where slug = ${input.networkSlug}`;
  if (!network) return { ok: false, error: "networkNotFound" };
  if (network.kind !== "network") return { ok: false, error: "notANetwork" };
  if (network.id === input.memberId) return { ok: false, error: "ownNetwork" };
  const [listed] = await tx`select 1 from network_members where network_id = ${network.id} and member_id = ${input.memberId}`;
  if (listed) return { ok: false, error: "alreadyNetworkMember" };
  const [created] = await tx`
    insert into network_membership_requests (network_id, member_id, requested_by)
    values (${network.id}, ${input.memberId}, ${input.actorId})
    on conflict do nothing returning 1`;
  if (!created) return { ok: false, error: "alreadyRequested" };
  await recordAudit(tx, { actorId: input.actorId, tenantId: input.memberId, action: "network.requested", details: { network: network.name } });
  return { ok: true, network };
}

/**
 * The network's admins accept (the member is listed) or decline a request; the request goes either way.
 * False when this network has no request from that tenant.
 */
export async function answerNetworkRequest(
  tx: Queryable,
  input: { networkId: string; memberId: string; accept: boolean; actorId: string },
): Promise<boolean> {
  const [request] = await tx<{ name: string }[]>`
    select t.name from network_membership_requests r join tenants t on t.id = r.member_id
    where r.network_id = ${input.networkId} and r.member_id = ${input.memberId}`;
  if (!request) return false;
  if (input.accept) {
    await tx`insert into network_members (network_id, member_id) values (${input.networkId}, ${input.memberId}) on conflict do nothing`;
  }
  await tx`delete from network_membership_requests where network_id = ${input.networkId} and member_id = ${input.memberId}`;
  await recordAudit(tx, {
    actorId: input.actorId,
    tenantId: input.networkId,
    action: input.accept ? "network.memberAccepted" : "network.memberDeclined",
    details: { member: request.name },
  });
  return true;
}

export type CreateTenantResult = { ok: true; tenant: Tenant } | { ok: false; error: "slugTaken" | "parentNotFound" };

/** Creates a tenant with `ownerId` as its owner and makes it the owner's current tenant. */
export async function createTenant(
  tx: Queryable,
  input: { name: string; slug: string; kind: TenantKind; country: Country; parentSlug?: string; ownerId: string },
): Promise<CreateTenantResult> {
  let parentId: string | null = null;
  if (input.parentSlug) {
    const [parent] = await tx<{ id: string }[]>`select id from tenants where slug = ${input.parentSlug}`;
    if (!parent) return { ok: false, error: "parentNotFound" };
    parentId = parent.id;
  }
  const [tenant] = await tx<Tenant[]>`
    insert into tenants (name, slug, kind, country, time_zone, parent_id)
    values (${input.name}, ${input.slug}, ${input.kind}, ${input.country}, ${COUNTRY_TIME_ZONES[input.country]}, ${parentId})
    on conflict (slug) do nothing returning *`;
  if (!tenant) return { ok: false, error: "slugTaken" };
  await tx`insert into memberships (tenant_id, user_id, role) values (${tenant.id}, ${input.ownerId}, 'owner')`;
  await tx`update users set current_tenant_id = ${tenant.id} where id = ${input.ownerId}`;
  await recordAudit(tx, { actorId: input.ownerId, tenantId: tenant.id, action: "tenant.created", details: { name: tenant.name } });
  return { ok: true, tenant };
}

/**
 * Changes a member's role (`next`) or removes them (`next` null). Runs inside the caller's
 * transaction; a per-tenant advisory lock serialises changes so two concurrent demotions cannot both
 * remove the last owner.
 */
export async function changeMember(
  tx: Queryable,
  input: { tenantId: string; actorId: string; targetId: string; next: TenantRole | null },
): Promise<MemberChangeError | "notMember" | null> {
  await tx`select pg_advisory_xact_lock(hashtext(${`memberships:${input.tenantId}`}))`;
  const rows = await tx<{ userId: string; role: TenantRole; name: string }[]>`
    select m.user_id, m.role, u.name from memberships m join users u on u.id = m.user_id where m.tenant_id = ${input.tenantId}`;
  const actor = rows.find((r) => r.userId === input.actorId)?.role ?? null;
  const target = rows.find((r) => r.userId === input.targetId);
  if (!target) return "notMember";
  const error = checkMemberChange({
    actor,
    actorIsTarget: input.actorId === input.targetId,
    target: target.role,
    next: input.next,
    ownerCount: rows.filter((r) => r.role === "owner").length,
  });
  if (error) return error;
  const audit = { actorId: input.actorId, tenantId: input.tenantId };
  if (input.next) {
    await tx`update memberships set role = ${input.next} where tenant_id = ${input.tenantId} and user_id = ${input.targetId}`;
    await recordAudit(tx, { ...audit, action: "member.roleChanged", details: { member: target.name, from: target.role, to: input.next } });
  } else {
    await tx`delete from memberships where tenant_id = ${input.tenantId} and user_id = ${input.targetId}`;
    await tx`update users set current_tenant_id = null where id = ${input.targetId} and current_tenant_id = ${input.tenantId}`;
    // The user's chosen-member rows in this tenant's spaces go too.
    await tx`delete from space_members where tenant_id = ${input.tenantId} and user_id = ${input.targetId}`;
    const action = input.actorId === input.targetId ? "member.left" : "member.removed";
    await recordAudit(tx, { ...audit, action, details: { member: target.name } });
  }
  // Their open sockets and streams are re-checked (demoted, removed or left).
  await announceAccess(tx, { userId: input.targetId, tenantId: input.tenantId });
  return null;
}

/** Where a user reads times: the zone and country of their current tenant (else their first); none without a tenant. */
export async function homeTimeZone(sql: Queryable, user: { id: string; currentTenantId: string | null }): Promise<{ zone: string; country: Country } | null> {
  const [row] = await sql<{ zone: string; country: Country }[]>`
    select t.time_zone as zone, t.country from memberships m join tenants t on t.id = m.tenant_id
    where m.user_id = ${user.id} order by (t.id = ${user.currentTenantId}) desc nulls last, t.name limit 1`;
  return row ?? null;
}
