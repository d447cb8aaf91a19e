import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { asUser, createSpace, createTenant, insertUser } from "@twinning/db";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";

/** Spaces over HTTP as the browser's forms use them: partners, answers, leaving, archive, audit, bad input. */
describe("spaces", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const post = (path: string, who: string, body: Record<string, string>) =>
    fetch(`${app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
      body: new URLSearchParams(body),
    });
  const get = (path: string, who: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: { Cookie: cookie[who] } });
  const partnerRow = async (slug: string) =>
    (await app.db.owner`select p.* from space_partners p join tenants t on t.id = p.tenant_id where t.slug = ${slug} and p.space_id = ${ids.space}`)[0];

  beforeAll(async () => {
    app = await startTestApp();
    const passwordHash = await hashPassword("spaces-test-password");
    const people = { bycirklen: "owner", ballerupMember: null, wuxi: "owner", wuxiViewer: null, kbh: "owner", bycirklenMember: null } as const;
    for (const id of Object.keys(people)) {
      await insertUser(app.db.owner, { id, email: `${id.toLowerCase()}@example.org`, name: id, passwordHash, locale: "da" });
    }
    for (const slug of ["bycirklen", "wuxi", "kbh"]) {
      const t = await asUser(app.db.sql, slug, (tx) => createTenant(tx, { name: `Tenant ${slug}`, slug, kind: "network", country: "DK", ownerId: slug }));
      if (!t.ok) throw new Error(t.error);
      ids[slug] = t.tenant.id;
    }
    await app.db.owner`insert into memberships (tenant_id, user_id, role) values
      (${ids.wuxi}, 'wuxiViewer', 'viewer'), (${ids.bycirklen}, 'bycirklenMember', 'member')`;
    const space = await asUser(app.db.sql, "bycirklen", (tx) =>
      createSpace(tx, { hostTenantId: ids.bycirklen, title: "Samarbejdsaftale", color: "blue", icon: "handshake", private: false, actorId: "bycirklen" }),
    );
    ids.space = space.id;
    for (const id of Object.keys(people)) {
      const login = await app.auth.logIn({ email: `${id.toLowerCase()}@example.org`, password: "spaces-test-password", address: `10.8.0.${id.length}` });
      if (!login.ok) throw new Error(id);
      cookie[id] = login.setCookie.split(";")[0];
    }
  });

  it("invites a partner once; inviting it twice, inviting the host or an unknown tenant is refused with a clear message", async () => {
    const first = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "invitePartner", tenant: "wuxi", role: "editor" });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Tenant wuxi er inviteret.");
    const twice = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "invitePartner", tenant: "wuxi", role: "viewer" });
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain("Organisationen er allerede inviteret og har ikke svaret endnu.");
    expect((await partnerRow("wuxi")).role).toBe("editor");
    // Messages come in the user's language (their setting wins over the browser's).
    await app.db.owner`update users set locale = 'en' where id = 'bycirklen'`;
    const self = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "invitePartner", tenant: "bycirklen", role: "editor" });
    expect(self.status).toBe(400);
    expect(await self.text()).toContain("The host organisation is already in the space; invite another organisation.");
    await app.db.owner`update users set locale = 'zh-CN' where id = 'bycirklen'`;
    const unknown = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "invitePartner", tenant: "no-such-tenant", role: "editor" });
    expect(await unknown.text()).toContain("没有使用该简称的机构。");
    await app.db.owner`update users set locale = 'da' where id = 'bycirklen'`;
    const [count] = await app.db.owner`select count(*)::int as n from space_partners where space_id = ${ids.space}`;
    expect(count.n).toBe(1);
  });

  it("finds tenants to invite by name or slug", async () => {
    const res = await get(`/s/${ids.space}/settings?q=wux`, "bycirklen");
    expect(await res.text()).toContain("Tenant wuxi");
  });

  it("only the invited tenant's admins answer; a foreign tenant's admin cannot accept it", async () => {
    const foreign = await post("/t/kbh", "kbh", { intent: "acceptSpace", spaceId: ids.space });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain("Invitationen findes ikke eller er trukket tilbage.");
    const viewer = await post("/t/wuxi", "wuxiViewer", { intent: "acceptSpace", spaceId: ids.space });
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).toContain("Du har ikke tilladelse til dette.");
    expect((await partnerRow("wuxi")).status).toBe("invited");
    // Before answering, the partner's members cannot open the space.
    expect((await get(`/s/${ids.space}`, "wuxi")).status).toBe(404);
  });

  it("an expired invitation cannot be accepted", async () => {
    await app.db.owner`update space_partners set expires_at = now() - interval '1 minute' where space_id = ${ids.space}`;
    const res = await post("/t/wuxi", "wuxi", { intent: "acceptSpace", spaceId: ids.space });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("Invitationen er udløbet. Bed om en ny.");
    expect((await partnerRow("wuxi")).status).toBe("invited");
    // The host can invite again once it has expired.
    const again = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "invitePartner", tenant: "wuxi", role: "editor" });
    expect(again.status).toBe(200);
  });

  it("accepting gives the tenant's members access at once, per the tenant role", async () => {
    const res = await post("/t/wuxi", "wuxi", { intent: "acceptSpace", spaceId: ids.space });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/s/${ids.space}/partners/${ids.wuxi}?notice=accepted`);
    expect((await get(`/s/${ids.space}`, "wuxi")).status).toBe(200);
    expect(await (await get("/", "wuxi")).text()).toContain("Samarbejdsaftale");
    const viewerPage = await (await get(`/s/${ids.space}`, "wuxiViewer")).text();
    expect(viewerPage).toContain("Din adgang: kun læse");
  });

  it("a partner's admins choose members: one not chosen loses access", async () => {
    const res = await post(`/s/${ids.space}/partners/${ids.wuxi}`, "wuxi", { intent: "choose", selection: "chosen", userIds: "wuxi" });
    expect(res.status).toBe(200);
    expect((await get(`/s/${ids.space}`, "wuxiViewer")).status).toBe(404);
    expect((await get(`/s/${ids.space}`, "wuxi")).status).toBe(200);
    const foreignUser = await post(`/s/${ids.space}/partners/${ids.wuxi}`, "wuxi", { intent: "choose", selection: "chosen", userIds: "kbh" });
    expect(foreignUser.status).toBe(400);
    expect(await foreignUser.text()).toContain("Kun medlemmer af jeres organisation kan vælges.");
    await post(`/s/${ids.space}/partners/${ids.wuxi}`, "wuxi", { intent: "choose", selection: "all" });
    expect((await get(`/s/${ids.space}`, "wuxiViewer")).status).toBe(200);
  });

  it("viewers and members without the right change nothing and are told so", async () => {
    const archive = await post(`/s/${ids.space}/settings`, "wuxiViewer", { intent: "archive" });
    expect(archive.status).toBe(403);
    expect(await archive.text()).toContain("Du har ikke tilladelse til dette.");
    const update = await post(`/s/${ids.space}/settings`, "bycirklenMember", { intent: "update", title: "Hijacked", color: "red", icon: "leaf" });
    expect(update.status).toBe(403);
    const partnerLeave = await post(`/s/${ids.space}/partners/${ids.wuxi}`, "wuxiViewer", { intent: "leave" });
    expect(partnerLeave.status).toBe(403);
    const [space] = await app.db.owner`select title, archived_at from spaces where id = ${ids.space}`;
    expect(space).toEqual({ title: "Samarbejdsaftale", archivedAt: null });
    expect((await partnerRow("wuxi")).status).toBe("active");
  });

  it("an archived space is read-only until restored", async () => {
    expect((await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "archive" })).status).toBe(200);
    expect(await (await get(`/s/${ids.space}`, "wuxi")).text()).toContain("Rummet er arkiveret");
    const edit = await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "update", title: "Changed", color: "red", icon: "leaf" });
    expect(edit.status).toBe(403);
    expect((await post(`/s/${ids.space}/settings`, "bycirklen", { intent: "restore" })).status).toBe(200);
    const [space] = await app.db.owner`select archived_at from spaces where id = ${ids.space}`;
    expect(space.archivedAt).toBeNull();
  });

  it("when the partner leaves, its members lose access at once; the content stays with the host", async () => {
    const res = await post(`/s/${ids.space}/partners/${ids.wuxi}`, "wuxi", { intent: "leave" });
    expect(res.status).toBe(302);
    expect((await get(`/s/${ids.space}`, "wuxi")).status).toBe(404);
    expect(await (await get("/", "wuxi")).text()).not.toContain("Samarbejdsaftale");
    expect((await get(`/s/${ids.space}.data`, "wuxiViewer")).status).not.toBe(200);
    expect((await get(`/s/${ids.space}`, "bycirklen")).status).toBe(200);
    expect((await partnerRow("wuxi")).status).toBe("left");
  });

  it("records joins, leaves, invitations, role changes and archiving in the audit log, for the right admins", async () => {
    const hostAudit = await (await get(`/s/${ids.space}/audit`, "bycirklen")).text();
    for (const text of ["Inviterede Tenant wuxi som Redaktør", "Tenant wuxi accepterede invitationen", "Tenant wuxi forlod rummet", "Arkiverede rummet", "Genåbnede rummet"]) {
      expect(hostAudit).toContain(text);
    }
    const partnerAudit = await (await get("/t/wuxi/audit", "wuxi")).text();
    expect(partnerAudit).toContain("Tenant wuxi accepterede invitationen");
    expect(partnerAudit).not.toContain("Arkiverede rummet");
    expect((await get("/t/wuxi/audit", "wuxiViewer")).status).toBe(403);
    expect((await get(`/s/${ids.space}/audit`, "bycirklenMember")).status).toBe(403);
    const [events] = await app.db.owner`select count(*)::int as n from audit_events where space_id = ${ids.space} and actor_id is not null`;
    expect(events.n).toBeGreaterThanOrEqual(8);
  });
});
