import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { asUser, insertUser } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, saveVersion, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";

/**
 * The people a tenant names to approve for it: Ballerup Kommune's admin names a member (the council's
 * secretariat) on the tenant page; that member then approves, or requests changes, for Ballerup in the
 * renewal agreement's round and is told when Ballerup is asked — as Ballerup's admins are. A member not
 * named, a viewer (who cannot be named), someone named by another tenant, or a named member demoted to
 * viewer cannot; only the tenant's admins name; a person of another tenant is not found. Row-level
 * security refuses the same decisions underneath.
 */
describe("named approvers", () => {
  let app: RunningApp;
  let docPath: string;
  let docId: string;
  let ballerup: string;
  let egedal: string;
  const cookie: Record<string, string> = {};
  const PASSWORD = "sekretariat-password";

  const post = formPoster(() => app.url, cookie);
  const send = async (who: string, path: string, body: Record<string, string | string[]>) => {
    const res = await post(who, path, body);
    return { status: res.status, text: await res.text() };
  };
  const page = async (who: string, path: string) => (await fetch(`${app.url}${path}`, { headers: { Cookie: cookie[who] } })).text();
  /** What naming and deciding write, to prove a refused step changed nothing. */
  const state = async () =>
    JSON.stringify({
      approvers: await app.db.owner`select tenant_id, user_id from tenant_approvers order by 1, 2`,
      parties: await app.db.owner`select p.tenant_id, p.decision, p.decided_by from approval_parties p join approval_rounds r on r.id = p.round_id where r.document_id = ${docId} order by 1`,
    });
  const refused = async (who: string, path: string, body: Record<string, string | string[]>, status: number | number[], message?: string) => {
    const before = await state();
    const res = await send(who, path, body);
    expect([status].flat(), `${String(body.intent)} by ${who} → ${res.status}`).toContain(res.status);
    if (message) expect(res.text).toContain(message);
    expect(await state(), `${String(body.intent)} by ${who} changed something`).toBe(before);
  };

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    [{ id: ballerup }] = await app.db.owner`select id from tenants where slug = 'ballerup-kommune'`;
    [{ id: egedal }] = await app.db.owner`select id from tenants where slug = 'egedal-kommune'`;
    // Two more people of Ballerup: the secretariat (a member) and a viewer.
    const passwordHash = await hashPassword(PASSWORD);
    for (const [id, role] of [["sekretariat", "member"], ["laeser", "viewer"]] as const) {
      await insertUser(app.db.owner, { id, email: `${id}@ballerup.example`, name: `Ballerup ${id}`, passwordHash, locale: "da" });
      await app.db.owner`insert into memberships (tenant_id, user_id, role) values (${ballerup}, ${id}, ${role})`;
      cookie[id] = await logInCookie(app.url, `${id}@ballerup.example`, PASSWORD);
    }
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docId = doc.id;
    docPath = `/s/${doc.spaceId}/docs/${doc.id}`;
  });

  it("a tenant's admin names a member as approver, who then approves for the tenant; nobody else can", async () => {
    const v1 = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Til godkendelse i byrådene");
    expect((await send("bycirklen", `${docPath}/approval`, { intent: "requestApproval", versionId: v1, tenantIds: [ballerup, egedal] })).status).toBe(200);
    // Not named yet: a member does not decide for the tenant.
    await refused("sekretariat", `${docPath}/approval`, { intent: "approve", versionId: v1, tenantId: ballerup }, 403, "hvor du er administrator eller udpeget godkender");

    // Only Ballerup's admins name; a viewer cannot be named; a person of another tenant is not found here.
    await refused("sekretariat", "/t/ballerup-kommune", { intent: "setApprover", userId: "sekretariat", approver: "1" }, 403);
    await refused("egedal-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "sekretariat", approver: "1" }, [403, 404]);
    await refused("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "laeser", approver: "1" }, 400, "En læser kan ikke godkende for organisationen");
    await refused("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "demo-egedal-kommune", approver: "1" }, 404);
    await refused("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "not a user id", approver: "1" }, 404);

    const named = await send("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "sekretariat", approver: "1" });
    expect(named.status).toBe(200);
    expect(named.text).toContain("Medlemmet godkender nu dokumenter for organisationen.");
    const [audit] = await app.db.owner`select action, tenant_id, actor_id, details->>'member' as member from audit_events where action = 'member.approverNamed'`;
    expect(audit).toEqual({ action: "member.approverNamed", tenantId: ballerup, actorId: "demo-ballerup-kommune", member: "Ballerup sekretariat" });
    expect(await page("ballerup-kommune", "/t/ballerup-kommune")).toContain("Ikke længere godkender");

    // Named for Ballerup, not for Egedal.
    await refused("sekretariat", `${docPath}/approval`, { intent: "approve", versionId: v1, tenantId: egedal }, [403, 404]);
    // The approval panel offers the decision for Ballerup to the secretariat.
    expect(await page("sekretariat", `${docPath}/approval`)).toContain("Godkend for Ballerup Kommune");
    expect((await send("sekretariat", `${docPath}/approval`, { intent: "approve", versionId: v1, tenantId: ballerup })).status).toBe(200);
    const [party] = await app.db.owner`select p.decision, p.decided_by from approval_parties p join approval_rounds r on r.id = p.round_id where r.document_id = ${docId} and r.ended_at is null and p.tenant_id = ${ballerup}`;
    expect(party).toEqual({ decision: "approved", decidedBy: "sekretariat" });

    // A new round: the named approver is told Ballerup is asked, like its admin.
    const v2 = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Anden udgave");
    expect((await send("bycirklen", `${docPath}/approval`, { intent: "requestApproval", versionId: v2, tenantIds: [ballerup, egedal] })).status).toBe(200);
    const told = await app.db.owner`select user_id from notifications where kind = 'approvalRequested' and tenant_id = ${ballerup} and details->>'version' = 'Anden udgave' order by user_id`;
    expect(told.map((r) => r.userId)).toEqual(["demo-ballerup-kommune", "sekretariat"]);
    expect(await page("sekretariat", "/inbox")).toContain("beder Ballerup Kommune om at godkende");
    expect((await send("sekretariat", `${docPath}/approval`, { intent: "requestChanges", versionId: v2, tenantId: ballerup, body: "Byrådet ønsker et afsnit om kultur." })).status).toBe(200);

    // Demoted to viewer, the named member no longer decides: not by the policy, not by row-level security.
    await app.db.owner`update memberships set role = 'viewer' where tenant_id = ${ballerup} and user_id = 'sekretariat'`;
    await refused("sekretariat", `${docPath}/approval`, { intent: "approve", versionId: v2, tenantId: ballerup }, 403);
    const underneath = await asUser(app.db.sql, "sekretariat", (tx) => tx`update approval_parties set decision = 'approved', decided_by = 'sekretariat' where tenant_id = ${ballerup} returning 1`);
    expect(underneath.length).toBe(0);
    await app.db.owner`update memberships set role = 'member' where tenant_id = ${ballerup} and user_id = 'sekretariat'`;
    // Row-level security: the named member may decide for Ballerup, never for Egedal.
    const mine = await asUser(app.db.sql, "sekretariat", (tx) =>
      tx`update approval_parties set decided_by = 'sekretariat' where tenant_id = ${ballerup} and decision is not null returning 1`.then(async (rows) => {
        const theirs = await tx`update approval_parties set decided_by = 'sekretariat', decision = 'approved', decided_at = now() where tenant_id = ${egedal} returning 1`;
        throw Object.assign(new Error("rollback"), { counts: [rows.length, theirs.length] });
      }),
    ).catch((error: { counts?: number[] }) => error.counts);
    expect(mine).toEqual([expect.any(Number), 0]);
    expect(mine![0]).toBeGreaterThan(0);

    // Unnamed, the member no longer decides; leaving the tenant ends it as well.
    expect((await send("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "sekretariat", approver: "0" })).status).toBe(200);
    await refused("sekretariat", `${docPath}/approval`, { intent: "approve", versionId: v2, tenantId: ballerup }, 403);
    expect((await send("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "sekretariat", approver: "1" })).status).toBe(200);
    expect((await send("ballerup-kommune", "/t/ballerup-kommune", { intent: "removeMember", userId: "sekretariat" })).status).toBe(200);
    expect(await app.db.owner`select 1 from tenant_approvers where user_id = 'sekretariat'`).toEqual([]);
  });
});
