import { describe, expect, it } from "vitest";
import { AccessDenied, authorize, can, spaceAccess, type Actor, type PartnerAction, type SpaceAction, type SpaceFacts, type TenantAction } from "./policy";
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
  const ACTIONS: PartnerAction[] = ["partner.respond", "partner.chooseMembers", "partner.leave", "partner.remove"];
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
  const ACTIONS: TenantAction[] = ["tenant.view", "tenant.manageMembers", "tenant.viewAudit", "tenant.createSpace", "tenant.manageNetwork"];
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
  const ACTIONS = ["document.view", "document.comment", "document.startThread", "document.edit", "document.manage"] as const;
  const allowedOn = (a: Actor, document: { archived: boolean; status: "draft" | "in_review" | "approved" | "signed" }, s = space()) =>
    ACTIONS.filter((action) => can(a, action, { type: "document", space: s, document }));
  const draft = { archived: false, status: "draft" as const };

  it("follows the space role: editors edit, commenters comment, viewers read", () => {
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "member" }]), draft, space({}, { role: "editor" }))).toEqual([...ACTIONS]);
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "member" }]), draft, space({}, { role: "commenter" }))).toEqual(["document.view", "document.comment", "document.startThread"]);
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

describe("permission policy: versions", () => {
  const ACTIONS = ["document.viewHistory", "document.saveVersion", "document.restoreVersion"] as const;
  const ALL = [...ACTIONS];
  const draft = { archived: false, status: "draft" as const };
  const member = (tenantId: string, role: TenantRole = "member") => actor([{ tenantId, role }]);
  const cases: [string, Actor, { archived: boolean; status: "draft" | "in_review" | "approved" | "signed" }, SpaceFacts, string[]][] = [
    ["host member, draft", member(HOST), draft, space(), ALL],
    ["host admin, in review", member(HOST, "admin"), { archived: false, status: "in_review" }, space(), ALL],
    ["partner editor", member(PARTNER), draft, space({}, { role: "editor" }), ALL],
    ["partner commenter", member(PARTNER), draft, space({}, { role: "commenter" }), ["document.viewHistory"]],
    ["partner viewer", member(PARTNER), draft, space({}, { role: "viewer" }), ["document.viewHistory"]],
    ["a viewer of the editor partner", member(PARTNER, "viewer"), draft, space({}, { role: "editor" }), ["document.viewHistory"]],
    ["host admin, signed", member(HOST, "admin"), { archived: false, status: "signed" }, space(), ["document.viewHistory"]],
    ["host admin, archived", member(HOST, "admin"), { archived: true, status: "draft" }, space(), ["document.viewHistory"]],
    ["host admin, archived space", member(HOST, "admin"), draft, space({ archived: true }), ["document.viewHistory"]],
    ["another tenant", member(OTHER, "owner"), draft, space(), []],
    ["a partner not chosen", member(PARTNER), draft, space({}, { role: "editor", selection: "chosen", chosen: [] }), []],
  ];
  it.each(cases)("%s", (_name, a, document, s, allowed) => {
    expect(ACTIONS.filter((action) => can(a, action, { type: "document", space: s, document }))).toEqual(allowed);
  });
  it("nobody signed out; strangers get a 404, viewers a 403", () => {
    expect(ACTIONS.filter((action) => can(null, action, { type: "document", space: space(), document: draft }))).toEqual([]);
    const status = (a: Actor) => {
      try {
        authorize(a, "document.restoreVersion", { type: "document", space: space({}, { role: "viewer" }), document: draft });
        return 200;
      } catch (error) {
        return (error as AccessDenied).status;
      }
    };
    expect(status(member(OTHER, "owner"))).toBe(404);
    expect(status(member(PARTNER))).toBe(403);
  });
});

describe("permission policy: the host removes a partner", () => {
  const remove = (a: Actor, s: SpaceFacts, tenantId = PARTNER) => can(a, "partner.remove", { type: "partner", space: s, tenantId });
  it.each(TENANT_ROLES)("host tenant %s", (role) => {
    expect(remove(actor([{ tenantId: HOST, role }]), space())).toBe(role === "owner" || role === "admin");
  });
  it("only while the partner is invited or active; never a tenant that is not a partner; never the partner itself", () => {
    const admin = actor([{ tenantId: HOST, role: "admin" }]);
    expect(remove(admin, space({}, { status: "invited" }))).toBe(true);
    for (const status of ["declined", "left", "removed"] as const) expect(remove(admin, space({}, { status }))).toBe(false);
    expect(remove(admin, space(), "not-a-partner")).toBe(false);
    expect(remove(actor([{ tenantId: PARTNER, role: "owner" }]), space())).toBe(false);
  });
});

describe("permission policy: inviting people into a tenant", () => {
  const invite = (actorRole: TenantRole | null, role: TenantRole) =>
    can(actor(actorRole ? [{ tenantId: HOST, role: actorRole }] : []), "invitation.create", { type: "invitation", tenantId: HOST, role });
  it.each(TENANT_ROLES)("an owner may invite a %s; an admin anyone but an owner; members and viewers nobody", (role) => {
    expect(invite("owner", role)).toBe(true);
    expect(invite("admin", role)).toBe(role !== "owner");
    expect(invite("member", role)).toBe(false);
    expect(invite("viewer", role)).toBe(false);
    expect(invite(null, role)).toBe(false);
  });
});

describe("permission policy: boards, columns, cards and checklist items", () => {
  const board = { id: "b1", spaceId: "s1" };
  const card = { id: "c1", boardId: "b1", deleted: false };
  const column = { boardId: "b1" };
  const item = { cardId: "c1" };
  /** Everything a user may do on one board of space `s`, in a fixed order. */
  const allowedOn = (a: Actor, s: SpaceFacts, parts: { board?: typeof board; card?: typeof card; column?: typeof column; item?: typeof item } = {}) => {
    const b = parts.board ?? board;
    const c = parts.card ?? card;
    return [
      can(a, "board.view", { type: "board", space: s, board: b }) && "board.view",
      can(a, "board.edit", { type: "board", space: s, board: b }) && "board.edit",
      can(a, "column.edit", { type: "column", space: s, board: b, column: parts.column ?? column }) && "column.edit",
      ...(["card.view", "card.comment", "card.edit", "card.delete"] as const).map((action) => can(a, action, { type: "card", space: s, board: b, card: c }) && action),
      can(a, "checklistItem.toggle", { type: "checklistItem", space: s, board: b, card: c, item: parts.item ?? item }) && "checklistItem.toggle",
    ].filter(Boolean);
  };
  const EVERYTHING = ["board.view", "board.edit", "column.edit", "card.view", "card.comment", "card.edit", "card.delete", "checklistItem.toggle"];

  it("follow the space role: editors change, commenters comment, viewers read, outsiders nothing", () => {
    const member = actor([{ tenantId: PARTNER, role: "member" }]);
    expect(allowedOn(member, space({}, { role: "editor" }))).toEqual(EVERYTHING);
    expect(allowedOn(member, space({}, { role: "commenter" }))).toEqual(["board.view", "card.view", "card.comment"]);
    expect(allowedOn(member, space({}, { role: "viewer" }))).toEqual(["board.view", "card.view"]);
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "viewer" }]), space())).toEqual(["board.view", "card.view"]);
    expect(allowedOn(actor([{ tenantId: OTHER, role: "owner" }]), space())).toEqual([]);
    expect(allowedOn(actor([{ tenantId: PARTNER, role: "owner" }]), space({}, { status: "invited" }))).toEqual([]);
  });
  it("an archived space's board is read-only, even for the host's admins", () => {
    expect(allowedOn(actor([{ tenantId: HOST, role: "admin" }]), space({ archived: true }))).toEqual(["board.view", "card.view"]);
  });
  it("nothing is allowed on a part that is not where the request says it is", () => {
    const admin = actor([{ tenantId: HOST, role: "owner" }]);
    expect(allowedOn(admin, space(), { board: { id: "b1", spaceId: "another-space" } })).toEqual([]);
    expect(allowedOn(admin, space(), { column: { boardId: "another-board" } })).not.toContain("column.edit");
    expect(allowedOn(admin, space(), { card: { id: "c1", boardId: "another-board", deleted: false } })).toEqual(["board.view", "board.edit", "column.edit"]);
    expect(allowedOn(admin, space(), { item: { cardId: "another-card" } })).not.toContain("checklistItem.toggle");
    expect(allowedOn(admin, space(), { card: { ...card, deleted: true } })).toEqual(["board.view", "board.edit", "column.edit"]);
  });
});

describe("authorize()", () => {
  const denied = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (error) {
      return error instanceof AccessDenied ? error.status : "other";
    }
  };
  it("passes what `can` allows; 404 for what the user may not even see, 403 for what they see but may not do", () => {
    const board = { id: "b1", spaceId: "s1" };
    const viewer = actor([{ tenantId: PARTNER, role: "member" }]);
    const s = space({}, { role: "viewer" });
    expect(denied(() => authorize(viewer, "board.view", { type: "board", space: s, board }))).toBe("allowed");
    expect(denied(() => authorize(viewer, "board.edit", { type: "board", space: s, board }))).toBe(403);
    expect(denied(() => authorize(actor([{ tenantId: OTHER, role: "owner" }]), "board.view", { type: "board", space: s, board }))).toBe(404);
    expect(denied(() => authorize(null, "space.view", { type: "space", space: s }))).toBe(404);
    expect(denied(() => authorize(viewer, "card.view", { type: "card", space: s, board, card: { boardId: "elsewhere", deleted: false } }))).toBe(404);
    expect(denied(() => authorize(viewer, "column.edit", { type: "column", space: s, board, column: { boardId: "b1" } }))).toBe(403);
    expect(denied(() => authorize(viewer, "column.edit", { type: "column", space: s, board, column: { boardId: "elsewhere" } }))).toBe(404);
    expect(denied(() => authorize(actor([{ tenantId: HOST, role: "member" }]), "tenant.manageMembers", { type: "tenant", tenantId: HOST }))).toBe(403);
    expect(denied(() => authorize(actor([{ tenantId: OTHER, role: "owner" }]), "tenant.view", { type: "tenant", tenantId: HOST }))).toBe(404);
  });
  it("a wrong pair of action and resource does not compile", () => {
    // @ts-expect-error — a space action on a tenant (and at run time, if forced through, a no)
    expect(can(actor([{ tenantId: HOST, role: "owner" }]), "space.view", { type: "tenant", tenantId: HOST })).toBe(false);
  });
});

describe("permission policy: approval and signing", () => {
  type Status = "draft" | "in_review" | "approved" | "signed";
  const FLOW = ["document.requestApproval", "document.sign", "document.amend"] as const;
  const round = (o: Partial<{ required: string[]; approved: string[]; stale: boolean }> = {}) => ({ required: [HOST, PARTNER], approved: [], stale: false, ...o });
  const doc = (status: Status, approval: ReturnType<typeof round> | null = null, archived = false, translation = false) => ({ archived, status, approval, translation });
  const flow = (a: Actor, document: ReturnType<typeof doc>, s = space()) => FLOW.filter((action) => can(a, action, { type: "document", space: s, document }));
  const approves = (a: Actor, document: ReturnType<typeof doc>, tenantId = PARTNER, s = space()) => can(a, "document.approve", { type: "documentParty", space: s, document, tenantId });

  const hostAdmin = actor([{ tenantId: HOST, role: "admin" }]);
  const allApproved = round({ approved: [HOST, PARTNER] });

  // Who may take each step, by where the document is in its flow: only the host's admins, never partners.
  const steps: [string, ReturnType<typeof doc>, (typeof FLOW)[number][]][] = [
    ["a draft", doc("draft"), ["document.requestApproval"]],
    ["in review, nobody approved", doc("in_review", round()), ["document.requestApproval"]],
    ["in review, one of two approved", doc("in_review", round({ approved: [PARTNER] })), ["document.requestApproval"]],
    ["approved by all", doc("approved", allApproved), ["document.requestApproval", "document.sign"]],
    ["approved by all, then edited (stale)", doc("approved", { ...allApproved, stale: true }), ["document.requestApproval"]],
    ["a round that asked nobody", doc("in_review", round({ required: [] })), ["document.requestApproval"]],
    ["signed", doc("signed", allApproved), ["document.amend"]],
    ["archived", doc("approved", allApproved, true), []],
  ];
  it.each(steps)("host admin, %s", (_, document, expected) => {
    expect(flow(hostAdmin, document)).toEqual(expected);
    expect(flow(actor([{ tenantId: HOST, role: "owner" }]), document)).toEqual(expected);
  });
  it.each(steps)("host members and viewers and every partner role, %s: no step at all", (_, document) => {
    for (const role of ["member", "viewer"] as const) expect(flow(actor([{ tenantId: HOST, role }]), document)).toEqual([]);
    for (const role of TENANT_ROLES) {
      for (const spaceRole of SPACE_ROLES) expect(flow(actor([{ tenantId: PARTNER, role }]), document, space({}, { role: spaceRole }))).toEqual([]);
    }
  });
  it("a translation takes no step of its own: it is approved and signed with its source", () => {
    for (const [, { status, approval, archived }] of steps) expect(flow(hostAdmin, doc(status, approval, archived, true))).toEqual([]);
  });
  it("an archived space takes no step", () => {
    expect(flow(hostAdmin, doc("approved", allApproved), space({ archived: true }))).toEqual([]);
    expect(flow(hostAdmin, doc("signed", allApproved), space({ archived: true }))).toEqual([]);
  });

  // Approving for a tenant: (tenant role) → allowed, on a document in review that asked the tenant.
  it.each(TENANT_ROLES)("approving for the partner as its %s", (role) => {
    expect(approves(actor([{ tenantId: PARTNER, role }]), doc("in_review", round()))).toBe(role === "owner" || role === "admin");
    // The host's tenant is a party like any other; its members are not its admins.
    expect(approves(actor([{ tenantId: HOST, role }]), doc("in_review", round()), HOST)).toBe(role === "owner" || role === "admin");
  });
  it("nobody approves for a tenant they are not admin of, a tenant not asked, a stale, signed or archived version, or when the partner left", () => {
    const partnerAdmin = actor([{ tenantId: PARTNER, role: "admin" }]);
    expect(approves(hostAdmin, doc("in_review", round()), PARTNER)).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round()), HOST)).toBe(false);
    expect(approves(actor([{ tenantId: OTHER, role: "owner" }]), doc("in_review", round({ required: [OTHER] })), OTHER)).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round({ required: [HOST] })))).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round({ stale: true })))).toBe(false);
    expect(approves(partnerAdmin, doc("signed", allApproved))).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round(), true))).toBe(false);
    expect(approves(partnerAdmin, doc("draft", null))).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round()), PARTNER, space({}, { status: "left" }))).toBe(false);
    expect(approves(partnerAdmin, doc("in_review", round()), PARTNER, space({ archived: true }))).toBe(false);
    // A partner admin left out by "chosen members" does not take part.
    expect(approves(actor([{ tenantId: PARTNER, role: "admin" }], "not-picked"), doc("in_review", round()), PARTNER, space({}, { selection: "chosen", chosen: ["picked"] }))).toBe(false);
    // Approving may change one's mind (request changes after approving) until it is signed.
    expect(approves(partnerAdmin, doc("approved", allApproved))).toBe(true);
  });
  it("a member the tenant named as approver approves for it; a viewer, a member not named, or one named by another tenant does not", () => {
    const named = (role: (typeof TENANT_ROLES)[number], approvers: string[], tenantId = PARTNER) =>
      can(actor([{ tenantId: PARTNER, role }], "u1"), "document.approve", { type: "documentParty", space: space(), document: doc("in_review", round()), tenantId, approvers });
    expect(named("member", ["u1"])).toBe(true);
    expect(named("member", ["someone-else"])).toBe(false);
    expect(named("member", [])).toBe(false);
    expect(named("viewer", ["u1"])).toBe(false);
    expect(named("admin", [])).toBe(true);
    // Named for the partner, not for the host (not their tenant).
    expect(named("member", ["u1"], HOST)).toBe(false);
    // The rest of the rule holds for named approvers too: not once the version is stale.
    expect(can(actor([{ tenantId: PARTNER, role: "member" }], "u1"), "document.approve", { type: "documentParty", space: space(), document: doc("in_review", round({ stale: true })), tenantId: PARTNER, approvers: ["u1"] })).toBe(false);
  });
  it("a refused approval is a 403 to those who see the document and a 404 to those who do not", () => {
    const status = (a: Actor) => {
      try {
        authorize(a, "document.approve", { type: "documentParty", space: space(), document: doc("in_review", round()), tenantId: PARTNER });
        return "allowed";
      } catch (error) {
        return (error as AccessDenied).status;
      }
    };
    expect(status(actor([{ tenantId: PARTNER, role: "member" }]))).toBe(403);
    expect(status(actor([{ tenantId: OTHER, role: "owner" }]))).toBe(404);
  });
});

describe("permission policy: activities of the yearly overview", () => {
  const ACTIVITY_ACTIONS = ["activity.view", "activity.create", "activity.edit", "activity.delete"] as const;
  const allowedActivity = (a: Actor | null, s: SpaceFacts, activity: { spaceId: string } | null = { spaceId: "s1" }) =>
    ACTIVITY_ACTIONS.filter((action) => can(a, action, { type: "activity", space: s, activity }));
  const writes = ["activity.view", "activity.create", "activity.edit", "activity.delete"];

  // (who, space) → the actions they have on an activity of the space, and on the overview itself (no activity).
  const table: [string, Actor, SpaceFacts, string[]][] = [
    ["host owner", actor([{ tenantId: HOST, role: "owner" }]), space(), writes],
    ["host member", actor([{ tenantId: HOST, role: "member" }]), space(), writes],
    ["host viewer", actor([{ tenantId: HOST, role: "viewer" }]), space(), ["activity.view"]],
    ["partner editor (member)", actor([{ tenantId: PARTNER, role: "member" }]), space(), writes],
    ["partner commenter", actor([{ tenantId: PARTNER, role: "owner" }]), space({}, { role: "commenter" }), ["activity.view"]],
    ["partner viewer", actor([{ tenantId: PARTNER, role: "owner" }]), space({}, { role: "viewer" }), ["activity.view"]],
    ["tenant viewer of an editor partner", actor([{ tenantId: PARTNER, role: "viewer" }]), space(), ["activity.view"]],
    ["invited partner", actor([{ tenantId: PARTNER, role: "owner" }]), space({}, { status: "invited" }), []],
    ["removed partner", actor([{ tenantId: PARTNER, role: "owner" }]), space({}, { status: "removed" }), []],
    ["outsider", actor([{ tenantId: OTHER, role: "owner" }]), space(), []],
    ["host admin of an archived space", actor([{ tenantId: HOST, role: "admin" }]), space({ archived: true }), ["activity.view"]],
    ["partner editor of an archived space", actor([{ tenantId: PARTNER, role: "member" }]), space({ archived: true }), ["activity.view"]],
  ];
  it.each(table)("%s", (_, who, s, expected) => {
    expect(allowedActivity(who, s)).toEqual(expected);
    expect(allowedActivity(who, s, null)).toEqual(expected);
  });

  it("nobody signed out; nothing on an activity of another space", () => {
    expect(allowedActivity(null, space())).toEqual([]);
    expect(allowedActivity(actor([{ tenantId: HOST, role: "owner" }]), space(), { spaceId: "another-space" })).toEqual([]);
  });

  it("a refused change is a 403 to those who see the space and a 404 to those who do not", () => {
    const viewer = actor([{ tenantId: PARTNER, role: "owner" }]);
    expect(() => authorize(viewer, "activity.edit", { type: "activity", space: space({}, { role: "viewer" }), activity: { spaceId: "s1" } })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => authorize(actor([{ tenantId: OTHER, role: "owner" }]), "activity.view", { type: "activity", space: space(), activity: null })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
    expect(() => authorize(actor([{ tenantId: HOST, role: "owner" }]), "activity.edit", { type: "activity", space: space(), activity: { spaceId: "another-space" } })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});
