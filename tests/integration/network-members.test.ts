import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { asUser, createTenant, insertUser } from "@twinning/db";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";

/**
 * A tenant is listed as a member of a network only when the network's admins accept: over HTTP as the
 * tenant page's forms post, and in PostgreSQL, where the member side can no longer list itself.
 */
describe("network members", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const post = (slug: string, who: string, body: Record<string, string>) =>
    fetch(`${app.url}/t/${slug}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
      body: new URLSearchParams(body),
    });
  /** The tenant page's HTML, without React's text separators. */
  const page = async (slug: string, who: string) => (await (await fetch(`${app.url}/t/${slug}`, { headers: { Cookie: cookie[who] } })).text()).replaceAll("<!-- -->", "");
  const listed = async () =>
    (await app.db.owner<{ network: string; member: string }[]>`
      select n.slug as network, m.slug as member from network_members x join tenants n on n.id = x.network_id join tenants m on m.id = x.member_id order by 1, 2`).map(
      (r) => `${r.network}>${r.member}`,
    );

  beforeAll(async () => {
    app = await startTestApp();
    const passwordHash = await hashPassword("network-test-password");
    for (const id of ["bycirklen", "ballerup", "kbh", "bycirklenMember"]) {
      await insertUser(app.db.owner, { id, email: `${id.toLowerCase()}@example.org`, name: id, passwordHash, locale: "da" });
    }
    for (const [slug, kind] of [["bycirklen", "network"], ["ballerup", "municipality"], ["kbh", "municipality"]] as const) {
      const t = await asUser(app.db.sql, slug, (tx) => createTenant(tx, { name: `Tenant ${slug}`, slug, kind, country: "DK", ownerId: slug }));
      if (!t.ok) throw new Error(t.error);
      ids[slug] = t.tenant.id;
    }
    await app.db.owner`insert into memberships (tenant_id, user_id, role) values (${ids.bycirklen}, 'bycirklenMember', 'member')`;
    for (const id of ["bycirklen", "ballerup", "kbh", "bycirklenMember"]) {
      const login = await app.auth.logIn({ email: `${id.toLowerCase()}@example.org`, password: "network-test-password", address: `10.20.0.${id.length}` });
      if (!login.ok) throw new Error(id);
      cookie[id] = login.setCookie.split(";")[0];
    }
  });

  it("in PostgreSQL, a member tenant's admins cannot list it in a network, nor the network's admins without a request", async () => {
    const insert = (who: string) =>
      asUser(app.db.sql, who, (tx) => tx`insert into network_members (network_id, member_id) values (${ids.bycirklen}, ${ids.ballerup})`).then(
        () => "inserted",
        (e: Error) => e.message,
      );
    expect(await insert("ballerup")).toMatch(/row-level security/);
    expect(await insert("bycirklen")).toMatch(/row-level security/);
    expect(await listed()).toEqual([]);
  });

  it("asking lists nothing yet; bad short names are refused with a message that keeps what was typed", async () => {
    const asked = await post("ballerup", "ballerup", { intent: "requestNetwork", network: "bycirklen" });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("Anmodningen er sendt. Netværkets administratorer beslutter, om organisationen opføres.");
    expect(await listed()).toEqual([]);
    expect(await page("ballerup", "ballerup")).toContain("Venter på svar fra Tenant bycirklen");

    for (const [network, message] of [
      ["bycirklen", "I har allerede bedt om det; netværkets administratorer har ikke svaret endnu."],
      ["no-such-network", "Intet netværk har dette korte navn."],
      ["kbh", "Denne organisation er ikke et netværk."],
      ["Not A Slug!", "Brug små bogstaver, tal og enkelte bindestreger."],
    ]) {
      const res = await post("ballerup", "ballerup", { intent: "requestNetwork", network });
      expect(res.status, network).toBe(400);
      const html = await res.text();
      expect(html, network).toContain(message);
      expect(html, network).toContain(`value="${network}"`);
    }
  });

  it("only the network's admins answer: another tenant's admin gets a 404, a network member a 403, and nothing changes", async () => {
    const foreign = await post("kbh", "kbh", { intent: "acceptNetworkMember", tenantId: ids.ballerup });
    expect(foreign.status).toBe(404);
    const member = await post("bycirklen", "bycirklenMember", { intent: "acceptNetworkMember", tenantId: ids.ballerup });
    expect(member.status).toBe(403);
    const unknown = await post("bycirklen", "bycirklen", { intent: "acceptNetworkMember", tenantId: ids.kbh });
    expect(unknown.status).toBe(404);
    const malformed = await post("bycirklen", "bycirklen", { intent: "acceptNetworkMember", tenantId: "not-a-uuid" });
    expect(malformed.status).toBe(404);
    expect(await listed()).toEqual([]);
    expect((await app.db.owner`select 1 from network_membership_requests`).length).toBe(1);
  });

  it("the network's admins see the request with the tenant's short name, kind and country, and accepting lists it", async () => {
    const html = await page("bycirklen", "bycirklen");
    expect(html).toContain("Beder om at blive opført som medlemmer af netværket");
    expect(html).toMatch(/Tenant ballerup<\/strong> \(kort navn ballerup, Kommune, Danmark\)/);
    expect(await page("bycirklen", "bycirklenMember")).not.toContain("Tenant ballerup");

    const accepted = await post("bycirklen", "bycirklen", { intent: "acceptNetworkMember", tenantId: ids.ballerup });
    expect(accepted.status).toBe(200);
    expect(await listed()).toEqual(["bycirklen>ballerup"]);
    expect((await app.db.owner`select 1 from network_membership_requests`).length).toBe(0);
    expect(await page("bycirklen", "bycirklenMember")).toContain("Tenant ballerup");
    expect(await page("ballerup", "ballerup")).toContain("Medlem af netværkene");
    const again = await post("ballerup", "ballerup", { intent: "requestNetwork", network: "bycirklen" });
    expect(await again.text()).toContain("Organisationen er allerede opført som medlem af dette netværk.");
    const audit = await app.db.owner<{ action: string }[]>`select action from audit_events where action like 'network.%' order by at`;
    expect(audit.map((a) => a.action)).toEqual(["network.requested", "network.memberAccepted"]);
  });

  it("declining lists nothing and lets the tenant ask again", async () => {
    expect((await post("kbh", "kbh", { intent: "requestNetwork", network: "bycirklen" })).status).toBe(200);
    expect((await post("bycirklen", "bycirklen", { intent: "declineNetworkMember", tenantId: ids.kbh })).status).toBe(200);
    expect(await listed()).toEqual(["bycirklen>ballerup"]);
    expect((await post("kbh", "kbh", { intent: "requestNetwork", network: "bycirklen" })).status).toBe(200);
  });
});
