import { describe, expect, it } from "vitest";
import { can, spaceAccess, type Actor, type PartnerAction, type SpaceAction, type SpaceFacts, type TenantAction } from "./policy";
import { SPACE_ROLES, TENANT_ROLES, type SpaceRole, type TenantRole } from "./vocabulary";

const HOST = "host-tenant";
const PARTNER = "partner-tenant";
const OTHER = "other-tenant";
const future = new Date(Date.now() + 86_400_000);
const past = new Date(Date.now() - 1000);

function space(overrides: Partial<SpaceFacts> = {}, partner: Partial<SpaceFacts["partners"][number]> = {}): SpaceFacts {
  return {
    id: "s1",
    hostTenantId: HOST,
    private: false,
    archived: false,
    partners: [{ tenantId: PARTNER, role: "editor", status: "active", selection: "all", chosen: [], expiresAt: future, ...partner }],
    ...overrides,
  };
}
const actor = (memberships: Actor["memberships"], userId = "u1"): Actor => ({ userId, memberships });

const SPACE_ACTIONS: SpaceAction[] = ["space.view", "space.comment", "space.edit", "space.update", "space.manage", "space.viewAudit", "space.invitePartner", "space.archive"];
const allowed = (a: Actor | null, s: SpaceFacts) => SPACE_ACTIONS.filter((action) => can(a, action, { type: "space", space: s }));

describe("permission policy: spaces", () => {
  // Expected actions for a host member by tenant role.
  const hostTable: Record<TenantRole, SpaceAction[]> = {
    owner: SPACE_ACTIONS,
    admin: SPACE_ACTIONS,
    member: ["space.view", "space.comment", "space.edit"],
    viewer: ["space.view"],
  };
  it.each(TENANT_ROLES)("host tenant %s", (role) => {
    expect(allowed(actor([{ tenantId: HOST, role }]), space())).toEqual(hostTable[role]);
  });

  // Partner: (space role × tenant role) → actions. A tenant viewer is never more than a viewer; partners never manage.
  const partnerExpected = (spaceRole: SpaceRole, tenantRole: TenantRole): SpaceAction[] => {
    if (tenantRole === "viewer" || spaceRole === "viewer") return ["space.view"];
    if (spaceRole === "commenter") return ["space.view", "space.comment"];
    return ["space.view", "space.comment", "space.edit"];
  };
  for (const spaceRole of SPACE_ROLES) {
    it.each(TENANT_ROLES)(`partner as ${spaceRole}, tenant %s`, (tenantRole) => {
      expect(allowed(actor([{ tenantId: PARTNER, role: tenantRole }]), space({}, { role: spaceRole }))).toEqual(partnerExpected(spaceRole, tenantRole));
    });
  }

  it.each(["invited", "declined", "left", "removed"] as const)("a partner whose status is %s has no access", (status) => {
    for (const role of TENANT_ROLES) expect(allowed(actor([{ tenantId: PARTNER, role }]), space({}, { status }))).toEqual([]);
  });

  it("members of a non-partner tenant, and nobody signed in, have no access", () => {
    for (const role of TENANT_ROLES) expect(allowed(actor([{ tenantId: OTHER, role }]), space())).toEqual([]);
    expect(allowed(null, space())).toEqual([]);
    expect(spaceAccess(actor([]), space())).toBeNull();
  });

  it("with chosen members, only those chosen take part — whatever their role in the tenant", () => {
    const chosen = space({}, { selection: "chosen", chosen: ["picked"] });
    for (const role of TENANT_ROLES) {
      expect(allowed(actor([{ tenantId: PARTNER, role }], "picked"), chosen).includes("space.view")).toBe(true);
      expect(allowed(actor([{ tenantId: PARTNER, role }], "not-picked"), chosen)).toEqual([]);
    }
  });

  it("an archived space is read-only; only the host's admins may still manage (restore) it", () => {
    const archived = space({ archived: true });
    expect(allowed(actor([{ tenantId: HOST, role: "admin" }]), archived)).toEqual(["space.view", "space.manage", "space.viewAudit", "space.archive"]);
    expect(allowed(actor([{ tenantId: HOST, role: "member" }]), archived)).toEqual(["space.view"]);
    expect(allowed(actor([{ tenantId: PARTNER, role: "owner" }]), archived)).toEqual(["space.view"]);
  });

  it("a private space has no partners, even if rows say otherwise, and cannot invite any", () => {
    const priv = space({ private: true });
    expect(allowed(actor([{ tenantId: PARTNER, role: "owner" }]), priv)).toEqual([]);
    expect(allowed(actor([{ tenantId: HOST, role: "owner" }]), priv)).not.toContain("space.invitePartner");
  });

  it("a user in several participating tenants gets the highest access", () => {
    const s = space({}, { role: "viewer" });
    expect(spaceAccess(actor([{ tenantId: PARTNER, role: "owner" }, { tenantId: HOST, role: "member" }]), s)).toBe("edit");
    expect(spaceAccess(actor([{ tenantId: PARTNER, role: "admin" }, { tenantId: HOST, role: "viewer" }]), s)).toBe("view");
    const two = space({ partners: [...space({}, { role: "commenter" }).partners, { tenantId: OTHER, role: "editor", status: "active", selection: "all", chosen: [], expiresAt: future }] });
    expect(spaceAccess(actor([{ tenantId: PARTNER, role: "member" }, { tenantId: OTHER, role: "member" }]), two)).toBe("edit");
  });
});

describe("permission policy: acting for a partner tenant", () => {
  const ACTIONS: PartnerAction[] = ["partner.respond", "partner.chooseMembers", "partner.leave"];
  const allowedFor = (role: TenantRole | null, s: SpaceFacts, tenantId = PARTNER) =>
    ACTIONS.filter((action) => can(actor(role ? [{ tenantId, role }] : []), action, { type: "partner", space: s, tenantId }));

  it.each(TENANT_ROLES)("on an open invitation, tenant %s", (role) => {
    expect(allowedFor(role, space({}, { status: "invited" }))).toEqual(role === "owner" || role === "admin" ? ["partner.respond"] : []);
  });
  it.each(TENANT_ROLES)("as an active partner, tenant %s", (role) => {
    expect(allowedFor(role, space())).toEqual(role === "owner" || role === "admin" ? ["partner.chooseMembers", "partner.leave"] : []);
  });
  it("an expired invitation can no longer be answered; a foreign tenant's admin can never act for it", () => {
    expect(allowedFor("owner", space({}, { status: "invited", expiresAt: past }))).toEqual([]);
    expect(ACTIONS.filter((a) => can(actor([{ tenantId: OTHER, role: "owner" }]), a, { type: "partner", space: space({}, { status: "invited" }), tenantId: PARTNER }))).toEqual([]);
    expect(allowedFor("owner", space(), "not-a-partner")).toEqual([]);
  });
  it.each(["left", "removed", "declined"] as const)("after the partnership is %s, nothing", (status) => {
    expect(allowedFor("owner", space({}, { status }))).toEqual([]);
  });
});

describe("permission policy: tenants", () => {
  const ACTIONS: TenantAction[] = ["tenant.view", "tenant.manageMembers", "tenant.viewAudit", "tenant.createSpace"];
  it.each(TENANT_ROLES)("tenant %s", (role) => {
    const got = ACTIONS.filter((a) => can(actor([{ tenantId: HOST, role }]), a, { type: "tenant", tenantId: HOST }));
    expect(got).toEqual(role === "owner" || role === "admin" ? ACTIONS : ["tenant.view"]);
  });
  it("outsiders and anonymous users can do nothing", () => {
    expect(ACTIONS.filter((a) => can(actor([{ tenantId: OTHER, role: "owner" }]), a, { type: "tenant", tenantId: HOST }))).toEqual([]);
    expect(ACTIONS.filter((a) => can(null, a, { type: "tenant", tenantId: HOST }))).toEqual([]);
  });
});

describe("permission policy: documents", () => {
  const ACTIONS = ["document.view", "document.comment", "document.edit", "document.manage"] as const;
  const allowedOn = (a: Actor, document: { archived: boolean; status: "draft" | "in_review" | "approved" | "signed" }, s = space()) =>
    ACTIONS.filter((action) => can(a, action, { type: "document", space: s, document }));
  const draft = { archived: false, status: "draft" as const };

  it("follows the space role: editors edit, commenters comment, viewers read", () => {
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "member" }]), draft, space({}, { role: "editor" }))).toEqual([...ACTIONS]);
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "member" }]), draft, space({}, { role: "commenter" }))).toEqual(["document.view", "document.comment"]);
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "member" }]), draft, space({}, { role: "viewer" }))).toEqual(["document.view"]);
    expect(allowedOn(actor([{ tenantId: OTHER, role: "owner" }]), draft)).toEqual([]);
  });
  it("signed and archived documents are read-only; only host admins may reopen a signed one", () => {
    const signed = { archived: false, status: "signed" as const };
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "owner" }]), signed)).toEqual(["document.view", "document.comment"]);
    expect(allowedOn(actor([{ tenantId: HOST, role: "admin" }]), signed)).toEqual(["document.view", "document.comment", "document.manage"]);
    expect(allowedOn(actor([{ tenantId: HOST, role: "member" }]), { archived: true, status: "draft" })).toEqual(["document.view", "document.manage"]);
    expect(allowedOn(actor([{ tenantId: HOST, role: "admin" }]), draft, space({ archived: true }))).toEqual(["document.view"]);
  });
});
