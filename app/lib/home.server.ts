import type { SessionUser } from "@twinning/auth";
import {
  approvalsWaitingFor,
  cardsAssignedTo,
  loadActor,
  recentCardEventsIn,
  spacesAudit,
  spacesForActor,
  waitingInvitations,
  type Queryable,
  type WaitingApproval,
} from "@twinning/db";
import { can, type Actor } from "@twinning/domain";
import { authorizeDocument } from "~/lib/access.server";
import { withApproval } from "~/lib/approvals.server";

/** Today as the boards judge "overdue" (`isOverdue` in CardChip): the UTC date. */
export const todayIso = () => new Date().toISOString().slice(0, 10);

/** One line of "what changed": a card's history, or (where the reader may see it) a space's audit log. */
export interface ChangeItem {
  id: string;
  kind: "card" | "audit";
  at: string;
  actorName: string | null;
  action: string;
  details: Record<string, string>;
  tenantName: string | null;
  /** The card's title (card changes). */
  subject: string | null;
  href: string;
  spaceId: string;
  spaceTitle: string;
}

/**
 * Approvals this user may decide now: the candidates `approvalsWaitingFor` finds, each asked of the
 * policy as the approval page asks it (`withApproval`: the open round, whether its version still is
 * the text, the tenant's named approvers) — a stale version, an archived document or a tenant that no
 * longer takes part drops out. One document is authorised once for all its parties.
 */
async function approvalsToDecide(tx: Queryable, user: SessionUser, actor: Actor, spaceIds: string[]): Promise<WaitingApproval[]> {
  const candidates = await approvalsWaitingFor(tx, { userId: user.id, spaceIds, limit: 20 });
  const byDocument = new Map<string, WaitingApproval[]>();
  for (const c of candidates) byDocument.set(c.documentId, [...(byDocument.get(c.documentId) ?? []), c]);
  const allowed: WaitingApproval[] = [];
  for (const parties of byDocument.values()) {
    const [first] = parties;
    let scope: Awaited<ReturnType<typeof withApproval>>;
    try {
      scope = await withApproval(tx, await authorizeDocument(tx, user, first.spaceId, first.documentId, "document.view"));
    } catch (error) {
      // Not visible after all (a 404 or 403 from the policy): not this user's to decide.
      if (error instanceof Response) continue;
      throw error;
    }
    for (const party of parties) {
      if (scope.round?.id === party.roundId && can(actor, "document.approve", scope.party(party.tenantId))) allowed.push(party);
    }
  }
  return allowed;
}

/**
 * The signed-in home: invitations waiting for the user's tenants, approvals waiting for them, cards
 * assigned to them, recent changes and their spaces — all from the spaces the policy lets them open
 * (`spacesForActor`), the audit events only of spaces where it lets them read the audit log.
 */
export async function loadHome(tx: Queryable, user: SessionUser) {
  const actor = await loadActor(tx, user.id);
  const spaces = await spacesForActor(tx, actor);
  const ids = spaces.map((s) => s.id);
  const open = spaces.filter((s) => s.archivedAt === null).map((s) => s.id);
  const auditable = spaces.filter((s) => can(actor, "space.viewAudit", { type: "space", space: s.facts })).map((s) => s.id);
  const [invitations, approvals, cards, cardEvents, auditEvents] = await Promise.all([
    waitingInvitations(tx, user.id),
    approvalsToDecide(tx, user, actor, open),
    cardsAssignedTo(tx, { userId: user.id, spaceIds: open, today: todayIso(), limit: 12 }),
    recentCardEventsIn(tx, ids, 12),
    spacesAudit(tx, auditable, 12),
  ]);
  const changes: ChangeItem[] = [
    ...cardEvents.map((e) => ({
      id: `card-${e.id}`,
      kind: "card" as const,
      at: new Date(e.at).toISOString(),
      actorName: e.actorName,
      action: e.action,
      details: e.details,
      tenantName: null,
      subject: e.cardTitle,
      href: `/s/${e.spaceId}/boards/${e.boardId}/cards/${e.cardId}`,
      spaceId: e.spaceId,
      spaceTitle: e.spaceTitle,
    })),
    ...auditEvents
      .filter((e) => e.spaceId)
      .map((e) => ({
        id: `audit-${e.id}`,
        kind: "audit" as const,
        at: new Date(e.at).toISOString(),
        actorName: e.actorName,
        action: e.action,
        details: e.details,
        tenantName: e.tenantName,
        subject: null,
        href: `/s/${e.spaceId}/audit`,
        spaceId: e.spaceId!,
        spaceTitle: e.spaceTitle ?? "",
      })),
  ]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, 12);
  return {
    invitations: invitations.map((i) => ({ ...i, invitedAt: i.invitedAt.toISOString(), expiresAt: i.expiresAt.toISOString() })),
    approvals: approvals.map((a) => ({ ...a, requestedAt: a.requestedAt.toISOString() })),
    cards,
    changes,
    spaces: spaces.map((s) => ({
      id: s.id,
      title: s.title,
      hostName: s.hostName,
      access: s.access,
      color: s.color,
      icon: s.icon,
      archived: s.archivedAt !== null,
    })),
  };
}
