import { canGrantRole, canManageMembers } from "./tenant-rules";
import type { DocumentStatus, PartnerStatus, SpaceRole, TenantRole } from "./vocabulary";

/**
 * The one permission policy: "may this user do this action on this resource", answered from facts the
 * caller loads (memberships, space participation, the resource's own row). Pure, so it is tested
 * exhaustively and used alike by loaders, actions, resource routes, the WebSocket upgrade, event
 * streams, exports and search. Every resource that exists is a resource here, each with its own
 * actions: `can(actor, "space.view", { type: "tenant", … })` does not compile.
 */

export interface Actor {
  userId: string;
  memberships: { tenantId: string; role: TenantRole }[];
}

export interface PartnerFacts {
  tenantId: string;
  role: SpaceRole;
  status: PartnerStatus;
  selection: "all" | "chosen";
  /** Users the partner's admins chose (when selection is "chosen"). */
  chosen: string[];
  expiresAt: Date;
}

export interface SpaceFacts {
  id: string;
  hostTenantId: string;
  private: boolean;
  archived: boolean;
  partners: PartnerFacts[];
}

export interface DocumentFacts {
  archived: boolean;
  status: DocumentStatus;
  /** The open approval round (a saved version sent for approval), when there is one. */
  approval?: ApprovalFacts | null;
  /** A linked translation: it is approved and signed with its source, never on its own. */
  translation?: boolean;
}

/** An approval round as the policy sees it: who was asked, who approved that version, and whether it still is the text. */
export interface ApprovalFacts {
  /** The tenants asked to approve the version under review. */
  required: string[];
  /** Of those, the tenants whose approval binds to the version under review. */
  approved: string[];
  /** The document was changed after that version was saved: its approvals no longer hold. */
  stale: boolean;
}

/** What a user may do in a space, strongest first. */
export type SpaceAccess = "manage" | "edit" | "comment" | "view";

/** Each resource with the rows that prove where it belongs (a board's space, a card's board, …). */
export type Resource =
  | { type: "tenant"; tenantId: string }
  | { type: "invitation"; tenantId: string; role: TenantRole }
  | { type: "space"; space: SpaceFacts }
  | { type: "partner"; space: SpaceFacts; tenantId: string }
  | { type: "document"; space: SpaceFacts; document: DocumentFacts }
  /**
   * One party of a document's approval round: a tenant asked to approve it, with the people it named
   * to approve for it (`approvers`, user ids; its admins always may).
   */
  | { type: "documentParty"; space: SpaceFacts; document: DocumentFacts; tenantId: string; approvers?: readonly string[] }
  | { type: "board"; space: SpaceFacts; board: { spaceId: string } }
  | { type: "column"; space: SpaceFacts; board: { id: string; spaceId: string }; column: { boardId: string } }
  | { type: "card"; space: SpaceFacts; board: { id: string; spaceId: string }; card: { boardId: string; deleted: boolean } }
  | { type: "checklistItem"; space: SpaceFacts; card: { id: string; boardId: string; deleted: boolean }; board: { id: string; spaceId: string }; item: { cardId: string } }
  /** The space's activities (`activity: null`: its overview, or one to be added) or one activity of it. */
  | { type: "activity"; space: SpaceFacts; activity: { spaceId: string } | null };

/** The actions of each resource type. */
export interface Actions {
  /**
   * `manageNetwork`: ask to be listed in a network, and (for a network) accept or decline members.
   * `nameApprovers`: name the members who approve documents for the tenant (its admins).
   */
  tenant: "tenant.view" | "tenant.manageMembers" | "tenant.viewAudit" | "tenant.createSpace" | "tenant.manageNetwork" | "tenant.nameApprovers";
  /** Inviting a person into a tenant with a role: admins up to admin, only owners make owners. */
  invitation: "invitation.create";
  space: "space.view" | "space.comment" | "space.edit" | "space.manage" | "space.update" | "space.viewAudit" | "space.invitePartner" | "space.archive";
  /**
   * Acting for one partner tenant in a space (its admins: answer the invitation, choose members,
   * leave) or on it as the host (remove it while it is invited or active).
   */
  partner: "partner.respond" | "partner.chooseMembers" | "partner.leave" | "partner.remove";
  /**
   * `edit` also needs the document unarchived and unsigned; `manage` renames and archives. The status
   * follows from the approval flow, each step the host's admins': `requestApproval` (send a saved
   * version to chosen tenants: in review), `sign` (every one of them approved that very text: signed,
   * frozen), `amend` (a new draft from the signed version). Versions: `viewHistory` (list, open and
   * compare versions: whoever sees the document), `saveVersion` and `restoreVersion` (editors, while the
   * document is neither archived nor signed; a restore is a new change, history is never rewritten).
   * Comments: `comment` (answer, resolve and reopen threads: commenters and editors of an unarchived
   * document), `startThread` (anchor a new thread in the text: also not while it is signed).
   * `translate`: add a translation (a new document of the space) of an unarchived document: editors.
   */
  document:
    | "document.view"
    | "document.comment"
    | "document.startThread"
    | "document.edit"
    | "document.manage"
    | "document.requestApproval"
    | "document.sign"
    | "document.amend"
    | "document.viewHistory"
    | "document.saveVersion"
    | "document.restoreVersion"
    | "document.translate";
  /**
   * `approve`: approve, or request changes, for the tenant — its admins and the members it named as
   * approvers, while it is asked and the version still is the text.
   */
  documentParty: "document.approve";
  /** `edit`: add cards and columns, set the board's areas. */
  board: "board.view" | "board.edit";
  column: "column.edit";
  card: "card.view" | "card.comment" | "card.edit" | "card.delete";
  checklistItem: "checklistItem.toggle";
  /**
   * The yearly activity overview: `view` (the overview and its exports: whoever sees the space),
   * `create`, `edit` and `delete` (editors of an unarchived space).
   */
  activity: "activity.view" | "activity.create" | "activity.edit" | "activity.delete";
}

export type ResourceType = Resource["type"];
export type ActionOf<T extends ResourceType> = Actions[T];
export type ResourceOf<T extends ResourceType> = Extract<Resource, { type: T }>;
export type TenantAction = Actions["tenant"];
export type SpaceAction = Actions["space"];
export type PartnerAction = Actions["partner"];
export type DocumentAction = Actions["document"];
export type BoardAction = Actions["board"];
export type CardAction = Actions["card"];
export type ActivityAction = Actions["activity"];

const ACCESS_RANK: Record<SpaceAccess, number> = { manage: 4, edit: 3, comment: 2, view: 1 };
const SPACE_ROLE_ACCESS: Record<SpaceRole, SpaceAccess> = { editor: "edit", commenter: "comment", viewer: "view" };

function roleIn(actor: Actor, tenantId: string): TenantRole | null {
  return actor.memberships.find((m) => m.tenantId === tenantId)?.role ?? null;
}

const isAdmin = canManageMembers;

/** Whether a partner's invitation can still be answered. */
export function invitationOpen(partner: PartnerFacts, now = new Date()): boolean {
  return partner.status === "invited" && partner.expiresAt > now;
}

/**
 * A user's effective access to a space: through the host tenant (admins manage, members edit) and
 * through each active partner tenant that has them taking part (its role in the space, never more than
 * a viewer for a tenant viewer). Several tenants: the highest wins. Archived spaces are read-only.
 * Row-level security's `app_space_rank` (migration 00006) mirrors this rule underneath.
 */
export function spaceAccess(actor: Actor, space: SpaceFacts): SpaceAccess | null {
  const grants: SpaceAccess[] = [];
  const hostRole = roleIn(actor, space.hostTenantId);
  if (hostRole) grants.push(isAdmin(hostRole) ? "manage" : hostRole === "viewer" ? "view" : "edit");
  if (!space.private) {
    for (const partner of space.partners) {
      if (partner.status !== "active") continue;
      const role = roleIn(actor, partner.tenantId);
      if (!role) continue;
      if (partner.selection === "chosen" && !partner.chosen.includes(actor.userId)) continue;
      grants.push(role === "viewer" ? "view" : SPACE_ROLE_ACCESS[partner.role]);
    }
  }
  if (!grants.length) return null;
  const best = grants.reduce((a, b) => (ACCESS_RANK[b] > ACCESS_RANK[a] ? b : a));
  // An archived space can still be managed (restored) by the host but not written to.
  if (space.archived && best !== "manage") return "view";
  return best;
}

function spaceRule(actor: Actor, action: SpaceAction, space: SpaceFacts): boolean {
  const access = spaceAccess(actor, space);
  if (!access) return false;
  const rank = ACCESS_RANK[access];
  const writable = !space.archived;
  switch (action) {
    case "space.view":
      return true;
    case "space.comment":
      return writable && rank >= ACCESS_RANK.comment;
    case "space.edit":
      return writable && rank >= ACCESS_RANK.edit;
    case "space.manage":
    case "space.viewAudit":
    case "space.archive":
      return access === "manage";
    case "space.update":
      return access === "manage" && writable;
    case "space.invitePartner":
      return access === "manage" && writable && !space.private;
  }
}

/** A board's rules are its space's, and only for a board that is in that space. */
function boardRule(actor: Actor, action: BoardAction, space: SpaceFacts, board: { spaceId: string }): boolean {
  if (board.spaceId !== space.id) return false;
  return spaceRule(actor, action === "board.view" ? "space.view" : "space.edit", space);
}

function cardRule(actor: Actor, action: CardAction, r: { space: SpaceFacts; board: { id: string; spaceId: string }; card: { boardId: string; deleted: boolean } }): boolean {
  if (r.card.boardId !== r.board.id || r.card.deleted) return false;
  const needs: Record<CardAction, SpaceAction> = { "card.view": "space.view", "card.comment": "space.comment", "card.edit": "space.edit", "card.delete": "space.edit" };
  return boardRule(actor, "board.view", r.space, r.board) && spaceRule(actor, needs[action], r.space);
}

/** An activity's rules are its space's (view, or edit), and only for an activity of that space. */
function activityRule(actor: Actor, action: ActivityAction, space: SpaceFacts, activity: { spaceId: string } | null): boolean {
  if (activity && activity.spaceId !== space.id) return false;
  return spaceRule(actor, action === "activity.view" ? "space.view" : "space.edit", space);
}

/** A tenant takes part in a space: its host, or an active partner. */
function participates(space: SpaceFacts, tenantId: string): boolean {
  return space.hostTenantId === tenantId || space.partners.some((p) => p.tenantId === tenantId && p.status === "active" && !space.private);
}

/**
 * Who may decide for a tenant: its admins, and the members it named as approvers (a tenant viewer
 * never, named or not). Row-level security's `app_may_approve_for` (migration 00012) mirrors this.
 */
export function approvesFor(actor: Actor, tenantId: string, approvers: readonly string[] = []): boolean {
  const role = roleIn(actor, tenantId);
  return isAdmin(role) || (role === "member" && approvers.includes(actor.userId));
}

/**
 * Approving (or requesting changes) for one tenant: its admins and named approvers, who take part in
 * the space, while the tenant is asked in the open round, the document is neither signed nor archived,
 * and the version under review still is the document's text (a stale version cannot be approved).
 */
function partyRule(actor: Actor, r: Extract<Resource, { type: "documentParty" }>): boolean {
  const round = r.document.approval;
  if (!round || round.stale || !round.required.includes(r.tenantId)) return false;
  if (r.document.archived || r.document.status === "signed" || r.space.archived || r.document.translation) return false;
  if (!participates(r.space, r.tenantId) || !approvesFor(actor, r.tenantId, r.approvers)) return false;
  return spaceAccess(actor, r.space) !== null;
}

/** The policy itself. */
export function can<R extends Resource>(actor: Actor | null, action: ActionOf<R["type"]>, resource: R): boolean {
  if (!actor) return false;
  const r = resource as Resource;
  switch (r.type) {
    case "tenant": {
      const role = roleIn(actor, r.tenantId);
      if (action === "tenant.view") return role !== null;
      return (["tenant.manageMembers", "tenant.viewAudit", "tenant.createSpace", "tenant.manageNetwork", "tenant.nameApprovers"] as string[]).includes(action) && canManageMembers(role);
    }
    case "invitation":
      return canGrantRole(roleIn(actor, r.tenantId), r.role);
    case "space":
      return spaceRule(actor, action as SpaceAction, r.space);
    case "document": {
      const space = r.space;
      const locked = r.document.archived || r.document.status === "signed";
      switch (action as DocumentAction) {
        case "document.view":
          return spaceRule(actor, "space.view", space);
        case "document.comment":
          return spaceRule(actor, "space.comment", space) && !r.document.archived;
        case "document.startThread":
          // A new thread marks the text: a signed text stays as it was (its threads can still be answered).
          return spaceRule(actor, "space.comment", space) && !locked;
        case "document.edit":
          return spaceRule(actor, "space.edit", space) && !locked;
        case "document.manage":
          // Signed documents are final: only the host's admins may still rename or archive them.
          return spaceRule(actor, "space.edit", space) && (r.document.status !== "signed" || spaceRule(actor, "space.manage", space));
        case "document.requestApproval":
          return spaceRule(actor, "space.update", space) && !locked && !r.document.translation;
        case "document.sign": {
          const round = r.document.approval;
          const complete = !!round && round.required.length > 0 && !round.stale && round.required.every((t) => round.approved.includes(t));
          return spaceRule(actor, "space.update", space) && !locked && complete && !r.document.translation;
        }
        case "document.amend":
          return spaceRule(actor, "space.update", space) && !r.document.archived && r.document.status === "signed" && !r.document.translation;
        case "document.viewHistory":
          return spaceRule(actor, "space.view", space);
        case "document.saveVersion":
        case "document.restoreVersion":
          return spaceRule(actor, "space.edit", space) && !locked;
        case "document.translate":
          // A signed text can be translated (the translation is a new document); an archived one not.
          return spaceRule(actor, "space.edit", space) && !r.document.archived;
      }
      return false;
    }
    case "documentParty":
      return partyRule(actor, r);
    case "board":
      return boardRule(actor, action as BoardAction, r.space, r.board);
    case "column":
      return r.column.boardId === r.board.id && boardRule(actor, "board.edit", r.space, r.board);
    case "card":
      return cardRule(actor, action as CardAction, r);
    case "checklistItem":
      return r.item.cardId === r.card.id && cardRule(actor, "card.edit", r);
    case "activity":
      return activityRule(actor, action as ActivityAction, r.space, r.activity);
    case "partner": {
      const partner = r.space.partners.find((p) => p.tenantId === r.tenantId);
      if (!partner) return false;
      if (action === "partner.remove") return spaceRule(actor, "space.manage", r.space) && (partner.status === "active" || partner.status === "invited");
      if (!isAdmin(roleIn(actor, r.tenantId))) return false;
      if (action === "partner.respond") return invitationOpen(partner);
      return partner.status === "active";
    }
  }
}

/** Why `authorize` refused: 404 when the user may not even see the resource (its existence is not revealed), else 403. */
export class AccessDenied extends Error {
  constructor(readonly status: 403 | 404) {
    super(status === 404 ? "Not Found" : "Forbidden");
  }
}

/** What seeing each resource type means, to tell a 404 (invisible) from a 403 (visible, not allowed). */
function visible(actor: Actor, resource: Resource): boolean {
  switch (resource.type) {
    case "tenant":
    case "invitation":
      return roleIn(actor, resource.tenantId) !== null;
    case "partner":
      return roleIn(actor, resource.tenantId) !== null || spaceAccess(actor, resource.space) !== null;
    case "documentParty":
      return spaceAccess(actor, resource.space) !== null && can(actor, "document.view", { type: "document", space: resource.space, document: resource.document });
    default:
      return spaceAccess(actor, resource.space) !== null && can(actor, viewActionOf(resource) as never, resource);
  }
}

function viewActionOf(resource: Exclude<Resource, { type: "tenant" | "invitation" | "partner" }>): string {
  switch (resource.type) {
    case "space":
      return "space.view";
    case "document":
    case "documentParty":
      return "document.view";
    case "board":
    case "column":
      return "board.view";
    case "card":
    case "checklistItem":
      return "card.view";
    case "activity":
      return "activity.view";
  }
}

/**
 * Outline-style: passes when `can` allows, throws `AccessDenied` (404 or 403) otherwise, and narrows
 * the actor to a signed-in one.
 */
export function authorize<R extends Resource>(actor: Actor | null, action: ActionOf<R["type"]>, resource: R): asserts actor is Actor {
  if (!actor) throw new AccessDenied(404);
  if (can(actor, action, resource)) return;
  const seen = resource.type === "column" || resource.type === "checklistItem" ? visibleParts(actor, resource) : visible(actor, resource);
  throw new AccessDenied(seen ? 403 : 404);
}

/** A column or checklist item that is not where the request says it is, is not found. */
function visibleParts(actor: Actor, resource: Extract<Resource, { type: "column" | "checklistItem" }>): boolean {
  if (resource.type === "column") return resource.column.boardId === resource.board.id && boardRule(actor, "board.view", resource.space, resource.board);
  return resource.item.cardId === resource.card.id && cardRule(actor, "card.view", resource);
}
