import { beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  changeMember,
  createInvitation,
  createTenant,
  insertUser,
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

describe("tenants, members and invitations", () => {
  let sql: Sql;
  let tenantId: string;
  const owner = { id: "owner", email: "owner@example.dk" };

  beforeAll(async () => {
    ({ sql } = await freshDatabase());
    await user(sql, "owner");
    await Promise.all(["admin", "member", "other", "late"].map((id) => user(sql, id)));
    const created = await createTenant(sql, { name: "Ballerup Kommune", slug: "ballerup", kind: "municipality", country: "DK", ownerId: "owner" });
    if (!created.ok) throw new Error(created.error);
    tenantId = created.tenant.id;
  });

  it("makes the creator the owner and their current tenant; slugs are unique", async () => {
    expect(await roleInTenant(sql, tenantId, "owner")).toBe("owner");
    const [u] = await sql`select current_tenant_id from users where id = 'owner'`;
    expect(u.currentTenantId).toBe(tenantId);
    expect(await createTenant(sql, { name: "Other", slug: "ballerup", kind: "school", country: "DK", ownerId: "other" })).toEqual({ ok: false, error: "slugTaken" });
    expect(await createTenant(sql, { name: "Other", slug: "other-one", kind: "school", country: "DK", parentSlug: "nope", ownerId: "other" })).toEqual({ ok: false, error: "parentNotFound" });
  });

  it("accepts an invitation once, only for the invited address", async () => {
    const invited = await createInvitation(sql, { tenantId, email: "Admin@Example.dk", role: "admin", invitedBy: owner.id });
    if (!invited.ok) throw new Error(invited.error);
    expect(await pendingInvitations(sql, tenantId)).toHaveLength(1);
    // Only a hash of the token is stored.
    const [row] = await sql`select token_hash from invitations where id = ${invited.invitation.id}`;
    expect(row.tokenHash).not.toContain(invited.token);

    expect(await acceptInvitation(sql, { token: invited.token, userId: "other", email: "other@example.dk" })).toMatchObject({ ok: false, error: "invitationWrongEmail", email: "admin@example.dk" });
    expect(await roleInTenant(sql, tenantId, "other")).toBeNull();

    expect(await acceptInvitation(sql, { token: invited.token, userId: "admin", email: "admin@example.dk" })).toMatchObject({ ok: true });
    expect(await roleInTenant(sql, tenantId, "admin")).toBe("admin");
    expect(await acceptInvitation(sql, { token: invited.token, userId: "admin", email: "admin@example.dk" })).toMatchObject({ ok: false, error: "invitationUsed" });
    expect(await acceptInvitation(sql, { token: "not-a-token", userId: "admin", email: "admin@example.dk" })).toMatchObject({ ok: false, error: "invitationNotFound" });
  });

  it("refuses expired and withdrawn invitations", async () => {
    const expired = await createInvitation(sql, { tenantId, email: "late@example.dk", role: "member", invitedBy: owner.id, now: new Date(Date.now() - 15 * 86_400_000) });
    if (!expired.ok) throw new Error(expired.error);
    expect(await acceptInvitation(sql, { token: expired.token, userId: "late", email: "late@example.dk" })).toMatchObject({ ok: false, error: "invitationExpired" });
    const fresh = await createInvitation(sql, { tenantId, email: "late@example.dk", role: "member", invitedBy: owner.id });
    if (!fresh.ok) throw new Error(fresh.error);
    expect(await revokeInvitation(sql, { tenantId, invitationId: fresh.invitation.id })).toBe(true);
    expect(await acceptInvitation(sql, { token: fresh.token, userId: "late", email: "late@example.dk" })).toMatchObject({ ok: false, error: "invitationNotFound" });
    expect(await roleInTenant(sql, tenantId, "late")).toBeNull();
  });

  it("refuses duplicate invitations, members, and invitations by non-admins or above the inviter's rank", async () => {
    const m = await createInvitation(sql, { tenantId, email: "member@example.dk", role: "member", invitedBy: "admin" });
    if (!m.ok) throw new Error(m.error);
    expect(await createInvitation(sql, { tenantId, email: "member@example.dk", role: "viewer", invitedBy: "owner" })).toEqual({ ok: false, error: "alreadyInvited" });
    await acceptInvitation(sql, { token: m.token, userId: "member", email: "member@example.dk" });
    expect(await createInvitation(sql, { tenantId, email: "member@example.dk", role: "viewer", invitedBy: "owner" })).toEqual({ ok: false, error: "alreadyMember" });
    expect(await createInvitation(sql, { tenantId, email: "x@example.dk", role: "viewer", invitedBy: "member" })).toEqual({ ok: false, error: "forbidden" });
    expect(await createInvitation(sql, { tenantId, email: "x@example.dk", role: "owner", invitedBy: "admin" })).toEqual({ ok: false, error: "forbidden" });
    expect(await createInvitation(sql, { tenantId, email: "x@example.dk", role: "viewer", invitedBy: "other" })).toEqual({ ok: false, error: "forbidden" });
  });

  it("keeps at least one owner: the last owner can neither leave nor be demoted", async () => {
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "owner", next: null })).toBe("lastOwner");
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "owner", next: "admin" })).toBe("lastOwner");
    expect(await changeMember(sql, { tenantId, actorId: "admin", targetId: "owner", next: "member" })).toBe("forbidden");
    expect(await roleInTenant(sql, tenantId, "owner")).toBe("owner");
    // With a second owner, the first may step down.
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "admin", next: "owner" })).toBeNull();
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "owner", next: "admin" })).toBeNull();
    // Two owners demoting each other at once cannot leave the tenant ownerless.
    const results = await Promise.all([
      changeMember(sql, { tenantId, actorId: "admin", targetId: "admin", next: "member" }),
      changeMember(sql, { tenantId, actorId: "admin", targetId: "admin", next: null }),
    ]);
    expect(results.filter((r) => r === null).length).toBeLessThanOrEqual(1);
    expect((await membersOf(sql, tenantId)).filter((m) => m.role === "owner").length).toBeGreaterThanOrEqual(1);
  });

  it("lets only admins and owners manage members, and only owners touch owners", async () => {
    // "owner" is now admin, "admin" is owner.
    expect(await changeMember(sql, { tenantId, actorId: "member", targetId: "owner", next: "viewer" })).toBe("forbidden");
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "admin", next: "member" })).toBe("forbidden");
    expect(await changeMember(sql, { tenantId, actorId: "owner", targetId: "member", next: "viewer" })).toBeNull();
    expect(await roleInTenant(sql, tenantId, "member")).toBe("viewer");
    expect(await changeMember(sql, { tenantId, actorId: "member", targetId: "member", next: null })).toBeNull();
    expect(await roleInTenant(sql, tenantId, "member")).toBeNull();
  });

  it("switches only to tenants the user belongs to", async () => {
    const second = await createTenant(sql, { name: "Egedal Kommune", slug: "egedal", kind: "municipality", country: "DK", ownerId: "other" });
    if (!second.ok) throw new Error(second.error);
    expect(await setCurrentTenant(sql, "owner", second.tenant.id)).toBe(false);
    expect(await setCurrentTenant(sql, "other", tenantId)).toBe(false);
    expect((await tenantsOfUser(sql, "other")).map((t) => t.slug)).toEqual(["egedal"]);
  });
});
