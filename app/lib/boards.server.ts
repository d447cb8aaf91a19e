import type { SessionUser } from "@twinning/auth";
import { isUuid } from "@twinning/domain";
import { findBoard, findCard, participantsOf, partnersOf, type Queryable } from "@twinning/db";
import { authorizeSpace, notFound } from "~/lib/access.server";
import type { SpaceAction } from "@twinning/domain";

/** A board of a space the user may act on (`action` is a space action: view, edit, comment). */
export async function authorizeBoard(tx: Queryable, user: SessionUser, spaceId: string | undefined, boardId: string | undefined, action: SpaceAction) {
  const access = await authorizeSpace(tx, user, spaceId, action);
  const board = isUuid(boardId) ? await findBoard(tx, boardId) : undefined;
  if (!board || board.spaceId !== access.space.id) notFound();
  return { ...access, board };
}

export async function authorizeCard(tx: Queryable, user: SessionUser, params: { spaceId?: string; boardId?: string; cardId?: string }, action: SpaceAction) {
  const access = await authorizeBoard(tx, user, params.spaceId, params.boardId, action);
  const card = isUuid(params.cardId) ? await findCard(tx, params.cardId) : undefined;
  if (!card || card.boardId !== access.board.id || card.deletedAt) notFound();
  return { ...access, card };
}

/** Who may be assigned (people taking part) and which tenants may lead (host and active partners). */
export async function peopleOfSpace(tx: Queryable, spaceId: string, hostTenantId: string) {
  const [participants, partners, [host]] = await Promise.all([
    participantsOf(tx, spaceId),
    partnersOf(tx, spaceId),
    tx<{ id: string; name: string }[]>`select id, name from tenants where id = ${hostTenantId}`,
  ]);
  const tenants = [{ id: host.id, name: host.name }, ...partners.filter((p) => p.status === "active").map((p) => ({ id: p.tenantId, name: p.name }))];
  // One entry per person (someone in two participating tenants appears once).
  const people = [...new Map(participants.map((p) => [p.userId, { userId: p.userId, name: p.name, tenantId: p.tenantId, tenantName: p.tenantName }])).values()];
  return { people, tenants, participants: participants.map((p) => ({ userId: p.userId, tenantId: p.tenantId })) };
}
