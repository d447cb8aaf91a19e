import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { SessionUser } from "@twinning/auth";
import { findSpace, findTenantBySlug, loadActor, loadSpaceFacts, type Queryable, type Space, type Tenant } from "@twinning/db";
import { can, isUuid, spaceAccess, type Actor, type PartnerAction, type SpaceAccess, type SpaceAction, type SpaceFacts, type TenantAction, type TenantRole } from "@twinning/domain";

/**
 * Every loader and action asks the one permission policy (`can` in @twinning/domain) through these
 * helpers. What a user may not even see is a 404 (its existence is not revealed); what they see but
 * may not do is a 403.
 */

/** First line of every protected loader and action: the signed-in user, or a redirect to log in. */
export function requireUser(context: AppLoadContext, request: Request): SessionUser {
  if (context.user) return context.user;
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** A thrown 404 Response that the route's ErrorBoundary shows as the translated not-found page. */
export function notFound(): never {
  throw new Response("Not Found", { status: 404 });
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403 });
}

export interface TenantAccess {
  tenant: Tenant;
  actor: Actor;
  role: TenantRole;
}

export async function authorizeTenant(tx: Queryable, user: SessionUser, slug: string | undefined, action: TenantAction): Promise<TenantAccess> {
  const [tenant, actor] = await Promise.all([slug ? findTenantBySlug(tx, slug) : undefined, loadActor(tx, user.id)]);
  if (!tenant || !can(actor, "tenant.view", { type: "tenant", tenantId: tenant.id })) notFound();
  if (!can(actor, action, { type: "tenant", tenantId: tenant.id })) forbidden();
  const role = actor.memberships.find((m) => m.tenantId === tenant.id)!.role;
  return { tenant, actor, role };
}

export interface SpaceAccessResult {
  space: Space;
  facts: SpaceFacts;
  actor: Actor;
  access: SpaceAccess;
}

export async function authorizeSpace(tx: Queryable, user: SessionUser, spaceId: string | undefined, action: SpaceAction): Promise<SpaceAccessResult> {
  if (!isUuid(spaceId)) notFound();
  const [facts, actor, space] = await Promise.all([loadSpaceFacts(tx, spaceId), loadActor(tx, user.id), findSpace(tx, spaceId)]);
  const access = facts && spaceAccess(actor, facts);
  if (!facts || !space || !access) notFound();
  if (!can(actor, action, { type: "space", space: facts })) forbidden();
  return { space, facts, actor, access };
}

/** Acting for one partner tenant in a space (respond to its invitation, choose members, leave). */
export async function authorizePartner(
  tx: Queryable,
  user: SessionUser,
  spaceId: string | undefined,
  tenantId: string | undefined,
  action: PartnerAction,
): Promise<{ space: Space; facts: SpaceFacts; actor: Actor }> {
  if (!isUuid(spaceId) || !isUuid(tenantId)) notFound();
  const [facts, actor, space] = await Promise.all([loadSpaceFacts(tx, spaceId), loadActor(tx, user.id), findSpace(tx, spaceId)]);
  if (!facts || !space || !actor.memberships.some((m) => m.tenantId === tenantId)) notFound();
  if (!can(actor, action, { type: "partner", space: facts, tenantId })) forbidden();
  return { space, facts, actor };
}
