import { beforeAll, describe, expect, it } from "vitest";
import { can, type TenantRole } from "@twinning/domain";
import {
  asUser,
  acceptInvitation,
  changeMember,
  createInvitation,
  createTenant,
  insertUser,
  loadActor,
  membersOf,
  pendingInvitations,
  revokeInvitation,
  roleInTenant,
  setCurrentTenant,
  tenantsOfUser,
  type Sql,
} from "@twinning/db";
import { freshDatabase } from "../helpers/db";

async function user(sql: Sql, id: string) {
  await insertUser(sql, { id, email: `${id}@example.dk`, name: id, passwordHash: "x", locale: "da" });
  return { id, email: `${id}@example.dk` };
}

/**
 * Runs against the app role: every call is a transaction as the acting user, so the row-level
 * security policies are exercised together with the rules.
 */
describe("tenants, members and invitations", () => {
  let sql: Sql;
  let app: Sql;
  let tenantId: string;
  const owner = { id: "owner", email: "owner@example.dk" };
  const as = <T>(userId: string, fn: (tx: Sql) => Promise<T>) => asUser(app, userId, (tx) => fn(tx as unknown as Sql));

  beforeAll(async () => {
    ({ sql, app } = await freshDatabase());
    await user(sql, "owner");
    await Promise.all(["admin", "member", "other", "late"].map((id) => user(sql, id)));
    const created = await as("owner", (tx) => createTenant(tx, { name: "Ballerup Kommune", slug: "ballerup", kind: "municipality", country: "DK", ownerId: "owner" }));
    if (!created.ok) throw new Error(created.error);
    tenantId = created.tenant.id;
  });

  it("makes the creator the owner and their current tenant; slugs are unique", async () => {
    expect(await roleInTenant(sql, tenantId, "owner")).toBe("owner");
    const [u] = await sql`select current_tenant_id from users where id = 'owner'`;
    expect(u.currentTenantId).toBe(tenantId);
    expect(await as("other", (tx) => createTenant(tx, { name: "Other", slug: "ballerup", kind: "school", country: "DK", ownerId: "other" }))).toEqual({ ok: false, error: "slugTaken" });
    expect(await as("other", (tx) => createTenant(tx, { name: "Other", slug: "other-one", kind: "school", country: "DK", parentSlug: "nope", ownerId: "other" }))).toEqual({ ok: false, error: "parentNotFound" });
  });

  it("accepts an invitation once, only for the invited address", async () => {
    const invited = await as(owner.id, (tx) => createInvitation(tx, { tenantId, email: "Admin@Example.dk", role: "admin", invitedBy: owner.id }));
    if (!invited.ok) throw new Error(invited.error);
    expect(await as("owner", (tx) => pendingInvitations(tx, tenantId))).toHaveLength(1);
    // Only a hash of the token is stored.
    const [row] = await sql`select token_hash from invitations where id = ${invited.invitation.id}`;
    expect(row.tokenHash).not.toContain(invited.token);

    expect(await as("other", (tx) => acceptInvitation(tx, { token: invited.token, userId: "other", email: "other@example.dk" }))).toMatchObject({ ok: false, error: "invitationWrongEmail", email: "admin@example.dk" });
    expect(await roleInTenant(sql, tenantId, "other")).toBeNull();

    expect(await as("admin", (tx) => acceptInvitation(tx, { token: invited.token, userId: "admin", email: "admin@example.dk" }))).toMatchObject({ ok: true });
    expect(await roleInTenant(sql, tenantId, "admin")).toBe("admin");
    expect(await as("admin", (tx) => acceptInvitation(tx, { token: invited.token, userId: "admin", email: "admin@example.dk" }))).toMatchObject({ ok: false, error: "invitationUsed" });
    expect(await as("admin", (tx) => acceptInvitation(tx, { token: "not-a-token", userId: "admin", email: "admin@example.dk" }))).toMatchObject({ ok: false, error: "invitationNotFound" });
  });

  it("refuses expired and withdrawn invitations", async () => {
    const expired = await as(owner.id, (tx) => createInvitation(tx, { tenantId, email: "late@example.dk", role: "member", invitedBy: owner.id, now: new Date(Date.now() - 15 * 86_400_000) }));
    if (!expired.ok) throw new Error(expired.error);
    expect(await as("late", (tx) => acceptInvitation(tx, { token: expired.token, userId: "late", email: "late@example.dk" }))).toMatchObject({ ok: false, error: "invitationExpired" });
    const fresh = await as(owner.id, (tx) => createInvitation(tx, { tenantId, email: "late@example.dk", role: "member", invitedBy: owner.id }));
    if (!fresh.ok) throw new Error(fresh.error);
    expect(await as("owner", (tx) => revokeInvitation(tx, { tenantId, invitationId: fresh.invitation.id, actorId: "owner" }))).toBe(true);
    expect(await as("late", (tx) => acceptInvitation(tx, { token: fresh.token, userId: "late", email: "late@example.dk" }))).toMatchObject({ ok: false, error: "invitationNotFound" });
    expect(await roleInTenant(sql, tenantId, "late")).toBeNull();
  });

  it("refuses duplicate invitations, members, and invitations by non-admins or above the inviter's rank", async () => {
    const m = await as("admin", (tx) => createInvitation(tx, { tenantId, email: "member@example.dk", role: "member", invitedBy: "admin" }));
    if (!m.ok) throw new Error(m.error);
    expect(await as("owner", (tx) => createInvitation(tx, { tenantId, email: "member@example.dk", role: "viewer", invitedBy: "owner" }))).toEqual({ ok: false, error: "alreadyInvited" });
    await as("member", (tx) => acceptInvitation(tx, { token: m.token, userId: "member", email: "member@example.dk" }));
    expect(await as("owner", (tx) => createInvitation(tx, { tenantId, email: "member@example.dk", role: "viewer", invitedBy: "owner" }))).toEqual({ ok: false, error: "alreadyMember" });
    // Who may invite with which role is the policy's (`invitation.create`, asked by the route); row-level
    // security refuses non-admins underneath it.
    const actorOf = (userId: string) => as(userId, (tx) => loadActor(tx, userId));
    const invitation = (role: TenantRole) => ({ type: "invitation" as const, tenantId, role });
    expect(can(await actorOf("admin"), "invitation.create", invitation("admin"))).toBe(true);
    expect(can(await actorOf("admin"), "invitation.create", invitation("owner"))).toBe(false);
    expect(can(await actorOf("owner"), "invitation.create", invitation("owner"))).toBe(true);
    expect(can(await actorOf("member"), "invitation.create", invitation("viewer"))).toBe(false);
    expect(can(await actorOf("other"), "invitation.create", invitation("viewer"))).toBe(false);
    await expect(as("member", (tx) => createInvitation(tx, { tenantId, email: "x@example.dk", role: "viewer", invitedBy: "member" }))).rejects.toThrow(/row-level security/);
    await expect(as("other", (tx) => createInvitation(tx, { tenantId, email: "x@example.dk", role: "viewer", invitedBy: "other" }))).rejects.toThrow(/row-level security/);
  });

  it("keeps at least one owner: the last owner can neither leave nor be demoted", async () => {
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "owner", next: null }))).toBe("lastOwner");
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "owner", next: "admin" }))).toBe("lastOwner");
    expect(await as("admin", (tx) => changeMember(tx, { tenantId, actorId: "admin", targetId: "owner", next: "member" }))).toBe("forbidden");
    expect(await roleInTenant(sql, tenantId, "owner")).toBe("owner");
    // With a second owner, the first may step down.
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "admin", next: "owner" }))).toBeNull();
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "owner", next: "admin" }))).toBeNull();
    // Two owners demoting each other at once cannot leave the tenant ownerless.
    const results = await Promise.all([
      as("admin", (tx) => changeMember(tx, { tenantId, actorId: "admin", targetId: "admin", next: "member" })),
      as("admin", (tx) => changeMember(tx, { tenantId, actorId: "admin", targetId: "admin", next: null })),
    ]);
    expect(results.filter((r) => r === null).length).toBeLessThanOrEqual(1);
    expect((await as("owner", (tx) => membersOf(tx, tenantId))).filter((m) => m.role === "owner").length).toBeGreaterThanOrEqual(1);
  });

  it("lets only admins and owners manage members, and only owners touch owners", async () => {
    // "owner" is now admin, "admin" is owner.
    expect(await as("member", (tx) => changeMember(tx, { tenantId, actorId: "member", targetId: "owner", next: "viewer" }))).toBe("forbidden");
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "admin", next: "member" }))).toBe("forbidden");
    expect(await as("owner", (tx) => changeMember(tx, { tenantId, actorId: "owner", targetId: "member", next: "viewer" }))).toBeNull();
    expect(await roleInTenant(sql, tenantId, "member")).toBe("viewer");
    expect(await as("member", (tx) => changeMember(tx, { tenantId, actorId: "member", targetId: "member", next: null }))).toBeNull();
    expect(await roleInTenant(sql, tenantId, "member")).toBeNull();
  });

  it("switches only to tenants the user belongs to", async () => {
    const second = await as("other", (tx) => createTenant(tx, { name: "Egedal Kommune", slug: "egedal", kind: "municipality", country: "DK", ownerId: "other" }));
    if (!second.ok) throw new Error(second.error);
    expect(await as("owner", (tx) => setCurrentTenant(tx, "owner", second.tenant.id))).toBe(false);
    expect(await as("other", (tx) => setCurrentTenant(tx, "other", tenantId))).toBe(false);
    expect((await as("other", (tx) => tenantsOfUser(tx, "other"))).map((t) => t.slug)).toEqual(["egedal"]);
  });
});
