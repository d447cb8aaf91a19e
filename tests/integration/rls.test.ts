import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createSpace, createTenant, insertUser, invitePartner, recordAudit, type Sql } from "@twinning/db";
import { freshDatabase } from "../helpers/db";

/**
 * The second wall: the app role sees a tenant's and a space's rows only as a user who belongs there,
 * whatever the query asks for.
 */
describe("row-level security", () => {
  let sql: Sql;
  let app: Sql;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ sql, app } = await freshDatabase());
    for (const id of ["ballerup", "wuxi", "kbh"]) {
      await insertUser(sql, { id, email: `${id}@example.org`, name: id, passwordHash: "x", locale: "da" });
      const t = await asUser(app, id, (tx) => createTenant(tx, { name: id, slug: id, kind: "municipality", country: "DK", ownerId: id }));
      if (!t.ok) throw new Error(t.error);
      ids[id] = t.tenant.id;
      const s = await asUser(app, id, (tx) => createSpace(tx, { hostTenantId: t.tenant.id, title: `${id} space`, color: "blue", icon: "globe", private: false, actorId: id }));
      ids[`${id}-space`] = s.id;
    }
    // Ballerup's space has Wuxi as a partner; København's is its own.
    await asUser(app, "ballerup", (tx) => invitePartner(tx, { spaceId: ids["ballerup-space"], tenantSlug: "wuxi", role: "editor", actorId: "ballerup" }));
    await sql`update space_partners set status = 'active'`;
  });

  it("the app connects as a role that owns no table and cannot bypass row-level security", async () => {
    const [role] = await app`select current_user as name, rolbypassrls, rolsuper from pg_roles where rolname = current_user`;
    expect(role).toEqual({ name: "twinning_app", rolbypassrls: false, rolsuper: false });
    const owned = await app`select tablename from pg_tables where schemaname = 'public' and tableowner = current_user`;
    expect(owned).toHaveLength(0);
  });

  it("a query without the user setting sees nothing", async () => {
    for (const table of ["spaces", "space_partners", "memberships", "invitations", "audit_events"]) {
      const rows = await app.unsafe(`select * from ${table}`);
      expect(rows, table).toHaveLength(0);
    }
  });

  it("a raw query for another tenant's rows returns none", async () => {
    await asUser(app, "kbh", async (tx) => {
      expect(await tx`select id from spaces where id = ${ids["ballerup-space"]}`).toHaveLength(0);
      expect(await tx`select * from memberships where tenant_id = ${ids.ballerup}`).toHaveLength(0);
      expect(await tx`select * from audit_events where tenant_id = ${ids.ballerup}`).toHaveLength(0);
      expect((await tx`select id from spaces`).map((r) => r.id)).toEqual([ids["kbh-space"]]);
    });
    // A partner sees the shared space but not the host's private affairs elsewhere.
    await asUser(app, "wuxi", async (tx) => {
      expect((await tx`select id from spaces order by title`).map((r) => r.id).sort()).toEqual([ids["ballerup-space"], ids["wuxi-space"]].sort());
      expect(await tx`select id from spaces where id = ${ids["kbh-space"]}`).toHaveLength(0);
    });
  });

  it("cannot write into another tenant, nor edit or delete audit events", async () => {
    await expect(
      asUser(app, "kbh", (tx) => tx`insert into memberships (tenant_id, user_id, role) values (${ids.ballerup}, 'kbh', 'owner')`),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asUser(app, "kbh", (tx) => tx`insert into spaces (host_tenant_id, title) values (${ids.ballerup}, 'sneaky')`),
    ).rejects.toThrow(/row-level security/);
    const updated = await asUser(app, "kbh", (tx) => tx`update spaces set title = 'taken' where id = ${ids["ballerup-space"]}`);
    expect(updated.count).toBe(0);
    await asUser(app, "ballerup", (tx) => recordAudit(tx, { actorId: "ballerup", tenantId: ids.ballerup, action: "space.updated" }));
    await expect(asUser(app, "ballerup", (tx) => tx`update audit_events set action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(asUser(app, "ballerup", (tx) => tx`delete from audit_events`)).rejects.toThrow(/permission denied/);
    await expect(
      asUser(app, "ballerup", (tx) => recordAudit(tx, { actorId: "wuxi", tenantId: ids.ballerup, action: "space.updated" })),
    ).rejects.toThrow(/row-level security/);
  });

  it("1,000 interleaved pooled requests for two tenants never see each other's rows", async () => {
    const leaks: string[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const who = i % 2 === 0 ? "ballerup" : "kbh";
        const foreign = who === "ballerup" ? ids.kbh : ids.ballerup;
        const rows = await asUser(app, who, (tx) => tx`select s.host_tenant_id from spaces s union all select m.tenant_id from memberships m`);
        if (rows.some((r) => r.hostTenantId === foreign || r.tenantId === foreign)) leaks.push(`${i}:${who}`);
        if (rows.length === 0) leaks.push(`${i}:${who} saw nothing`);
      }),
    );
    expect(leaks).toEqual([]);
    // Pooled connections keep no user setting between transactions.
    const [after] = await app`select coalesce(current_setting('app.user_id', true), '') as user_id`;
    expect(after.userId).toBe("");
  });
});
