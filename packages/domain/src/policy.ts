import { canManageMembers } from "./tenant-rules";
import type { DocumentStatus, PartnerStatus, SpaceRole, TenantRole } from "./vocabulary";

/**
 * The one permission policy: "may this user do this action on this resource", answered from facts the
 * caller loads (memberships, space participation). Pure, so it is tested exhaustively and used alike by
 * loaders, actions, resource routes, the WebSocket upgrade, exports and search.
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

/** What a user may do in a space, strongest first. */
export type SpaceAccess = "manage" | "edit" | "comment" | "view";

export type TenantAction = "tenant.view" | "tenant.manageMembers" | "tenant.viewAudit" | "tenant.createSpace";
export type SpaceAction =
  | "space.view"
  | "space.comment"
  | "space.edit"
  | "space.manage"
  | "space.update"
  | "space.viewAudit"
  | "space.invitePartner"
  | "space.archive";
/** Documents: `edit` also needs the document unarchived and unsigned; `manage` renames, archives, sets status. */
export type DocumentAction = "document.view" | "document.comment" | "document.edit" | "document.manage";

export interface DocumentFacts {
  archived: boolean;
  status: DocumentStatus;
}

/** Acting for one partner tenant in a space: accept/decline its invitation, choose members, leave. */
export type PartnerAction = "partner.respond" | "partner.chooseMembers" | "partner.leave";

export type Resource =
  | { type: "tenant"; tenantId: string }
  | { type: "space"; space: SpaceFacts }
  | { type: "partner"; space: SpaceFacts; tenantId: string }
  | { type: "document"; space: SpaceFacts; document: DocumentFacts };

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

/** The policy itself. */
export function can(actor: Actor | null, action: TenantAction | SpaceAction | PartnerAction | DocumentAction, resource: Resource): boolean {
  if (!actor) return false;
  switch (resource.type) {
    case "tenant": {
      const role = roleIn(actor, resource.tenantId);
      if (action === "tenant.view") return role !== null;
      if (action === "tenant.manageMembers" || action === "tenant.viewAudit" || action === "tenant.createSpace") return canManageMembers(role);
      return false;
    }
    case "space": {
      const access = spaceAccess(actor, resource.space);
      if (!access) return false;
      const rank = ACCESS_RANK[access];
      const writable = !resource.space.archived;
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
          return access === "manage" && writable && !resource.space.private;
        default:
          return false;
      }
    }
    case "document": {
      const space = { type: "space" as const, space: resource.space };
      const locked = resource.document.archived || resource.document.status === "signed";
      switch (action) {
        case "document.view":
          return can(actor, "space.view", space);
        case "document.comment":
          return can(actor, "space.comment", space) && !resource.document.archived;
        case "document.edit":
          return can(actor, "space.edit", space) && !locked;
        case "document.manage":
          // Signed documents are final: only the host's admins may reopen them.
          return can(actor, "space.edit", space) && (resource.document.status !== "signed" || can(actor, "space.manage", space));
        default:
          return false;
      }
    }
    case "partner": {
      const partner = resource.space.partners.find((p) => p.tenantId === resource.tenantId);
      if (!partner || !isAdmin(roleIn(actor, resource.tenantId))) return false;
      if (action === "partner.respond") return invitationOpen(partner);
      if (action === "partner.chooseMembers" || action === "partner.leave") return partner.status === "active";
      return false;
    }
  }
}
