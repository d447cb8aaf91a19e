import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { SessionUser } from "@twinning/auth";
import {
  findBoard,
  findCard,
  findChecklistItem,
  findColumn,
  findDocument,
  findSpace,
  findTenantBySlug,
  loadActor,
  loadSpaceFacts,
  type Queryable,
  type Space,
  type Tenant,
} from "@twinning/db";
import {
  AccessDenied,
  authorize as policyAuthorize,
  isUuid,
  spaceAccess,
  type ActionOf,
  type Actor,
  type PartnerAction,
  type Resource,
  type SpaceAccess,
  type SpaceAction,
  type SpaceFacts,
  type TenantAction,
  type TenantRole,
} from "@twinning/domain";

/**
 * Every loader and action asks the one permission policy (`authorize` / `can` in @twinning/domain)
 * through these helpers. Each loads a resource *inside* its authorised parent (a board by id and
 * space, a card by id and board, …), so an id from another space is simply not found. What a user may
 * not even see is a 404 (its existence is not revealed); what they see but may not do is a 403.
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

/** The policy's `authorize`, throwing the 404/403 as a Response for Remix. */
export function authorize<R extends Resource>(actor: Actor, action: ActionOf<R["type"]>, resource: R): void {
  try {
    policyAuthorize(actor, action, resource);
  } catch (error) {
    if (error instanceof AccessDenied) throw new Response(error.message, { status: error.status });
    throw error;
  }
}

export interface TenantAccess {
  tenant: Tenant;
  actor: Actor;
  role: TenantRole;
}

export async function authorizeTenant(tx: Queryable, user: SessionUser, slug: string | undefined, action: TenantAction): Promise<TenantAccess> {
  const [tenant, actor] = await Promise.all([slug ? findTenantBySlug(tx, slug) : undefined, loadActor(tx, user.id)]);
  if (!tenant) notFound();
  authorize(actor, action, { type: "tenant", tenantId: tenant.id });
  const role = actor.memberships.find((m) => m.tenantId === tenant.id)!.role;
  return { tenant, actor, role };
}

export interface SpaceAccessResult {
  space: Space;
  facts: SpaceFacts;
  actor: Actor;
  access: SpaceAccess;
}

/** The facts of a space the user takes part in, or a 404 (a malformed id too). */
async function loadSpace(tx: Queryable, user: SessionUser, spaceId: string | undefined) {
  if (!isUuid(spaceId)) notFound();
  const [facts, actor, space] = await Promise.all([loadSpaceFacts(tx, spaceId), loadActor(tx, user.id), findSpace(tx, spaceId)]);
  if (!facts || !space) notFound();
  return { facts, actor, space };
}

export async function authorizeSpace(tx: Queryable, user: SessionUser, spaceId: string | undefined, action: SpaceAction): Promise<SpaceAccessResult> {
  const { facts, actor, space } = await loadSpace(tx, user, spaceId);
  authorize(actor, action, { type: "space", space: facts });
  return { space, facts, actor, access: spaceAccess(actor, facts)! };
}

/** Acting for one partner tenant in a space (its admins), or on it (the host removes it). */
export async function authorizePartner(tx: Queryable, user: SessionUser, spaceId: string | undefined, tenantId: string | undefined, action: PartnerAction) {
  const { facts, actor, space } = await loadSpace(tx, user, spaceId);
  if (!isUuid(tenantId) || !facts.partners.some((p) => p.tenantId === tenantId)) notFound();
  authorize(actor, action, { type: "partner", space: facts, tenantId });
  return { space, facts, actor, tenantId };
}

export async function authorizeDocument(tx: Queryable, user: SessionUser, spaceId: string | undefined, documentId: string | undefined, action: ActionOf<"document">) {
  const { facts, actor, space } = await loadSpace(tx, user, spaceId);
  const doc = isUuid(documentId) ? await findDocument(tx, space.id, documentId) : undefined;
  if (!doc) notFound();
  const resource = { type: "document" as const, space: facts, document: { archived: doc.archivedAt !== null, status: doc.status } };
  authorize(actor, action, resource);
  return { space, facts, actor, doc, resource };
}

export async function authorizeBoard(tx: Queryable, user: SessionUser, spaceId: string | undefined, boardId: string | undefined, action: ActionOf<"board">) {
  const { facts, actor, space } = await loadSpace(tx, user, spaceId);
  const board = isUuid(boardId) ? await findBoard(tx, space.id, boardId) : undefined;
  if (!board) notFound();
  authorize(actor, action, { type: "board", space: facts, board });
  return { space, facts, actor, board, access: spaceAccess(actor, facts)! };
}

export async function authorizeCard(tx: Queryable, user: SessionUser, params: { spaceId?: string; boardId?: string; cardId?: string }, action: ActionOf<"card">) {
  const { facts, actor, space } = await loadSpace(tx, user, params.spaceId);
  const board = isUuid(params.boardId) ? await findBoard(tx, space.id, params.boardId) : undefined;
  const card = board && isUuid(params.cardId) ? await findCard(tx, board.id, params.cardId) : undefined;
  if (!board || !card) notFound();
  const resource = { type: "card" as const, space: facts, board, card: { boardId: card.boardId, deleted: card.deletedAt !== null } };
  authorize(actor, action, resource);
  return { space, facts, actor, board, card, resource };
}

/**
 * A column named in a request, found only on the authorised board; undefined when it is not there
 * (removed meanwhile, or another board's), which the caller answers with a 404 that keeps the page.
 */
export async function authorizeColumn(
  tx: Queryable,
  actor: Actor,
  scope: { facts: SpaceFacts; board: { id: string; spaceId: string } },
  columnId: string | undefined,
) {
  const column = isUuid(columnId) ? await findColumn(tx, scope.board.id, columnId) : undefined;
  if (column) authorize(actor, "column.edit", { type: "column", space: scope.facts, board: scope.board, column });
  return column;
}

/** A checklist item named in a request, found only on the authorised card. */
export async function authorizeChecklistItem(
  tx: Queryable,
  actor: Actor,
  scope: { facts: SpaceFacts; board: { id: string; spaceId: string }; card: { id: string; boardId: string; deletedAt: Date | null } },
  itemId: string | undefined,
) {
  const item = isUuid(itemId) ? await findChecklistItem(tx, scope.card.id, itemId) : undefined;
  if (!item) notFound();
  const card = { id: scope.card.id, boardId: scope.card.boardId, deleted: scope.card.deletedAt !== null };
  authorize(actor, "checklistItem.toggle", { type: "checklistItem", space: scope.facts, board: scope.board, card, item });
  return item;
}
