import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { saveVersion, type Post, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { openSocket } from "../helpers/live";
import { LIVE_WAIT_MS, reportLatency } from "../helpers/latency";

/**
 * Approval and signing of the renewal agreement through the app's routes and the /collab socket: the
 * host sends a saved version to the four parties, they approve or request changes, an edit makes the
 * approvals stale, a new version is approved by all and signed, the document is read-only for everyone
 * (a forged update changes nothing) and only an amendment opens it again. Every refused step says why
 * in the user's language and changes nothing. The inbox tells each party's admins.
 */
describe("approval and signing", () => {
  let app: RunningApp;
  let spaceId: string;
  let docId: string;
  let docPath: string;
  const cookie: Record<string, string> = {};
  const tenant: Record<string, string> = {};
  const USERS = ["bycirklen", "ballerup-kommune", "egedal-kommune", "frederikssund-kommune", "wuxi-foreign-affairs-office", "region-hovedstaden", "kobenhavns-kommune"];
  const PARTIES = ["ballerup-kommune", "egedal-kommune", "frederikssund-kommune", "wuxi-foreign-affairs-office"];

  const post: Post = (who, path, body) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) form.append(k, one);
    return fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] } });
  };
  const step = async (who: string, body: Record<string, string | string[]>) => {
    const res = await post(who, `${docPath}/approval`, body);
    return { status: res.status, text: await res.text() };
  };
  const page = async (who: string, path = `${docPath}/approval`) => (await fetch(`${app.url}${path}`, { headers: { Cookie: cookie[who] } })).text();

  /** Everything the flow writes, to prove a refused step changed nothing. */
  const state = async () => {
    const owner = app.db.owner;
    const [doc] = await owner`select status from documents where id = ${docId}`;
    const rounds = await owner`select id, version_id, ended_at, signed_at, signed_by from approval_rounds where document_id = ${docId} order by requested_at, id`;
    const parties = await owner`select p.round_id, p.tenant_id, p.decision, p.comment, p.decided_by from approval_parties p join approval_rounds r on r.id = p.round_id where r.document_id = ${docId} order by 1, 2`;
    const [{ n: notifications }] = await owner`select count(*)::int as n from notifications`;
    const [{ n: updates }] = await owner`select count(*)::int as n from document_updates where document_id = ${docId}`;
    return JSON.stringify({ doc, rounds, parties, notifications, updates });
  };
  const refusedUnchanged = async (who: string, body: Record<string, string | string[]>, message: string, status = 403) => {
    const before = await state();
    const res = await step(who, body);
    expect(res.status, `${String(body.intent)} by ${who}`).toBe(status);
    expect(res.text, `${String(body.intent)} by ${who}`).toContain(message);
    expect(await state(), `${String(body.intent)} by ${who} changed something`).toBe(before);
  };

  /** The stock y-websocket client with a session cookie, as a browser's editor holds it. */
  const connect = (who: string) => openSocket(app.url, docId, cookie[who]);

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_DERIVE_DEBOUNCE_MS: "100", COLLAB_UNLOAD_GRACE_MS: "200" });
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of USERS) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
      [{ id: tenant[slug] }] = await app.db.owner`select id from tenants where slug = ${slug}`;
    }
    [{ id: docId, spaceId }] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docPath = `/s/${spaceId}/docs/${docId}`;
  });

  it("a partner editor cannot send for approval, sign or start an amendment, and the free status field is gone", async () => {
    const [version] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id = ${docId} order by created_at desc limit 1`;
    await refusedUnchanged("ballerup-kommune", { intent: "requestApproval", versionId: version.id, tenantIds: [tenant["ballerup-kommune"]] }, "Kun værtsorganisationens administratorer");
    await refusedUnchanged("ballerup-kommune", { intent: "sign", versionId: version.id }, "Kun værtsorganisationens administratorer");
    await refusedUnchanged("ballerup-kommune", { intent: "amend" }, "Kun værtsorganisationens administratorer");
    // The old dropdown's intent is no more: a partner (or the host) cannot set "signed" by hand.
    const before = await state();
    for (const who of ["ballerup-kommune", "bycirklen"]) expect((await post(who, docPath, { intent: "status", status: "signed" })).status).toBe(400);
    expect(await state()).toBe(before);
  });

  it("goes through the whole flow: send, decide, stale after an edit, send again, all approve, sign, read-only, amend", async () => {
    const v1 = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Udkast til godkendelse");
    const sent = await step("bycirklen", { intent: "requestApproval", versionId: v1, tenantIds: PARTIES.map((p) => tenant[p]) });
    expect(sent.status).toBe(200);
    expect((await app.db.owner`select status from documents where id = ${docId}`)[0].status).toBe("in_review");
    // Each party's admin is told, in their inbox (and the header counts it).
    const wuxiInbox = await page("wuxi-foreign-affairs-office", "/inbox");
    expect(wuxiInbox).toContain("请");
    expect(wuxiInbox).toContain("批准");
    expect(await page("ballerup-kommune", "/inbox")).toContain("beder Ballerup Kommune om at godkende");

    // Signing with a missing approval; approving for a tenant one is not admin of; an empty comment.
    await refusedUnchanged("bycirklen", { intent: "sign", versionId: v1 }, "Ikke alle parter har godkendt denne version endnu");
    await refusedUnchanged("ballerup-kommune", { intent: "approve", versionId: v1, tenantId: tenant["egedal-kommune"] }, "Du kan kun godkende for en organisation, hvor du er administrator eller udpeget godkender.");
    await refusedUnchanged("wuxi-foreign-affairs-office", { intent: "approve", versionId: v1, tenantId: tenant["ballerup-kommune"] }, "您只能代表您担任管理员或指定审批人的组织批准。");
    // A viewer partner's admin was not asked.
    await refusedUnchanged("region-hovedstaden", { intent: "approve", versionId: v1, tenantId: tenant["region-hovedstaden"] }, "Denne organisation er ikke bedt om at godkende denne version.");
    await refusedUnchanged("frederikssund-kommune", { intent: "requestChanges", versionId: v1, tenantId: tenant["frederikssund-kommune"], body: "   " }, "Feltet skal udfyldes.", 400);
    // Someone outside the space is not told the document exists.
    expect((await step("kobenhavns-kommune", { intent: "approve", versionId: v1, tenantId: tenant["kobenhavns-kommune"] })).status).toBe(404);

    // Three approve, one requests changes.
    for (const who of ["ballerup-kommune", "egedal-kommune", "wuxi-foreign-affairs-office"]) {
      expect((await step(who, { intent: "approve", versionId: v1, tenantId: tenant[who] })).status, who).toBe(200);
    }
    expect((await step("frederikssund-kommune", { intent: "requestChanges", versionId: v1, tenantId: tenant["frederikssund-kommune"], body: "Afsnittet om kultur mangler." })).status).toBe(200);
    const hostInbox = await page("bycirklen", "/inbox");
    expect(hostInbox).toContain("Frederikssund Kommune ønsker ændringer");
    expect(hostInbox).toContain("Afsnittet om kultur mangler.");
    const audit = await app.db.owner`select action, details->>'status' as status from audit_events where space_id = ${spaceId} and action like 'document.%' and action <> 'document.versionSaved'
      and details->>'title' = (select title from documents where id = ${docId}) order by id`;
    expect(audit.map((a) => `${a.action}:${a.status}`)).toEqual([
      "document.approvalRequested:in_review",
      "document.approved:in_review",
      "document.approved:in_review",
      "document.approved:in_review",
      "document.changesRequested:in_review",
    ]);

    // An edit makes the approvals stale, visibly, and a stale version can be neither approved nor signed.
    const editor = connect("egedal-kommune");
    await editor.synced;
    editor.type("Afsnit om kultur og fritid tilføjet.");
    await expect.poll(() => page("bycirklen"), { timeout: 3_000 }).toContain("så godkendelserne gælder ikke længere");
    await refusedUnchanged("frederikssund-kommune", { intent: "approve", versionId: v1, tenantId: tenant["frederikssund-kommune"] }, "Teksten eller en oversættelse, der blev sendt med, er ændret, efter denne version blev sendt");
    await refusedUnchanged("wuxi-foreign-affairs-office", { intent: "approve", versionId: v1, tenantId: tenant["wuxi-foreign-affairs-office"] }, "文本或随附的译文已被修改");

    // A new version; all four approve; a partner editor still cannot sign; the host signs.
    const v2 = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Endelig aftaletekst");
    expect((await step("bycirklen", { intent: "requestApproval", versionId: v2, tenantIds: PARTIES.map((p) => tenant[p]) })).status).toBe(200);
    // A decision on the old version changes nothing.
    await refusedUnchanged("ballerup-kommune", { intent: "approve", versionId: v1, tenantId: tenant["ballerup-kommune"] }, "Godkendelsen er gået videre imens", 409);
    for (const who of PARTIES) expect((await step(who, { intent: "approve", versionId: v2, tenantId: tenant[who] })).status, who).toBe(200);
    expect((await app.db.owner`select status from documents where id = ${docId}`)[0].status).toBe("approved");
    await refusedUnchanged("ballerup-kommune", { intent: "sign", versionId: v2 }, "Kun værtsorganisationens administratorer");
    const signedAt = Date.now();
    expect((await step("bycirklen", { intent: "sign", versionId: v2 })).status).toBe(200);
    // The open editor is told that it is read-only now, and why (the time printed against the 1 s target).
    await expect.poll(() => editor.access.at(-1), { timeout: LIVE_WAIT_MS, interval: 20 }).toEqual({ readOnly: true, reason: "signed" });
    reportLatency("open editor told the document is signed", signedAt);
    const [signed] = await app.db.owner`select r.content_hash, r.signed_by, v.content_hash as version_hash from approval_rounds r join document_versions v on v.id = r.version_id where r.document_id = ${docId} and r.signed_at is not null`;
    expect(signed.signedBy).toBe("demo-bycirklen");
    expect(signed.contentHash).toBe(signed.versionHash);
    // The banner: parties, who approved and when, and the hash.
    const docPage = await page("wuxi-foreign-affairs-office", docPath);
    expect(docPage).toContain(signed.contentHash);
    expect(docPage).toContain("已签署");
    for (const name of ["Ballerup Kommune", "Egedal Kommune", "Frederikssund Kommune"]) expect(docPage).toContain(name);

    // A forged update through /collab — from the socket open since before, and from a new one — changes nothing.
    const before = await state();
    editor.type("Ændret efter underskrift.");
    const late = connect("ballerup-kommune");
    await late.synced;
    expect(late.access).toEqual([{ readOnly: true, reason: "signed" }]);
    late.type("Også ændret efter underskrift.");
    // The server answers what it holds: the forged paragraphs never reach it (its own copy, read afresh, lacks them).
    const check = connect("frederikssund-kommune");
    await check.synced;
    expect(check.ydoc.getXmlFragment("default").toString()).not.toContain("efter underskrift");
    expect(await state()).toBe(before);
    // Restoring a version into the signed document, and approving after signing, are refused with a message.
    const restore = await post("bycirklen", `${docPath}/history`, { intent: "restoreVersion", versionId: v1 });
    expect(restore.status).toBe(409);
    expect(await state()).toBe(before);
    await refusedUnchanged("egedal-kommune", { intent: "approve", versionId: v2, tenantId: tenant["egedal-kommune"] }, "Dokumentet er allerede underskrevet");
    await refusedUnchanged("bycirklen", { intent: "requestApproval", versionId: v2, tenantIds: [tenant["egedal-kommune"]] }, "Dokumentet er allerede underskrevet");
    for (const c of [editor, late, check]) c.destroy();

    // Every party's admin is told it was signed.
    expect(await page("egedal-kommune", "/inbox")).toContain("Bycirklen har underskrevet");

    // Only an amendment changes the text again; the signed version stays as it was.
    const [v2Before] = await app.db.owner`select content_hash from document_versions where id = ${v2}`;
    expect((await step("bycirklen", { intent: "amend" })).status).toBe(200);
    expect((await app.db.owner`select status from documents where id = ${docId}`)[0].status).toBe("draft");
    expect((await app.db.owner`select content_hash from document_versions where id = ${v2}`)[0]).toEqual(v2Before);
    expect(await page("ballerup-kommune", docPath)).toContain("Dette er et tillæg");
    const actions = await app.db.owner`select action, details->>'status' as status from audit_events where space_id = ${spaceId} and action in ('document.signed', 'document.amended') order by id`;
    expect(actions.slice(-2).map((a) => `${a.action}:${a.status}`)).toEqual(["document.signed:signed", "document.amended:draft"]);
  });

  it("the inbox: one's own notifications only, read one or all", async () => {
    const [mine] = await app.db.owner<{ id: string }[]>`select id from notifications where user_id = 'demo-egedal-kommune' and read_at is null limit 1`;
    const [theirs] = await app.db.owner<{ id: string }[]>`select id from notifications where user_id = 'demo-ballerup-kommune' and read_at is null limit 1`;
    const count = async () => (await page("egedal-kommune", "/inbox")).match(/Indbakke, (\d+) ulæste/)?.[1];
    const start = Number(await count());
    expect(start).toBeGreaterThan(1);
    // Someone else's notification is not found, and stays unread.
    expect((await post("egedal-kommune", "/inbox", { intent: "markRead", notificationId: theirs.id })).status).toBe(404);
    expect((await app.db.owner`select read_at from notifications where id = ${theirs.id}`)[0].readAt).toBeNull();
    expect((await post("egedal-kommune", "/inbox", { intent: "markRead", notificationId: mine.id })).status).toBe(200);
    expect(Number(await count())).toBe(start - 1);
    expect((await post("egedal-kommune", "/inbox", { intent: "markAllRead" })).status).toBe(200);
    expect(await count()).toBeUndefined();
  });
});
