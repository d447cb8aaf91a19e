import { TENANT_ROLES, type TenantRole } from "./vocabulary";

/** Rules about who may manage a tenant's members. Pure: the caller loads the facts. */

export function roleRank(role: TenantRole): number {
  return TENANT_ROLES.length - TENANT_ROLES.indexOf(role);
}

export function canManageMembers(role: TenantRole | null | undefined): boolean {
  return role === "owner" || role === "admin";
}

/** Admins may grant roles up to admin; only owners make owners. */
export function canGrantRole(actor: TenantRole | null | undefined, role: TenantRole): boolean {
  if (!canManageMembers(actor)) return false;
  return role === "owner" ? actor === "owner" : true;
}

export type MemberChangeError = "lastOwner" | "forbidden";

/**
 * Whether `actor` may change `target`'s role to `next` (null = remove). A tenant always keeps an owner,
 * and only owners touch owners.
 */
export function checkMemberChange(input: {
  actor: TenantRole | null | undefined;
  actorIsTarget: boolean;
  target: TenantRole;
  next: TenantRole | null;
  ownerCount: number;
}): MemberChangeError | null {
  const { actor, actorIsTarget, target, next, ownerCount } = input;
  const lastOwnerLeaving = target === "owner" && next !== "owner" && ownerCount <= 1;
  // Anyone may leave a tenant themselves, except its last owner.
  if (actorIsTarget && next === null) return lastOwnerLeaving ? "lastOwner" : null;
  if (!canManageMembers(actor)) return "forbidden";
  if ((target === "owner" || next === "owner") && actor !== "owner") return "forbidden";
  if (lastOwnerLeaving) return "lastOwner";
  return null;
}
