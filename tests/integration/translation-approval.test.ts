import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { liveContentHash } from "../../app/lib/approvals.server";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, saveVersion } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { LIVE_WAIT_MS } from "../helpers/latency";
import { openSocket } from "../helpers/live";

const da = resources.da.translation;
const zh = resources["zh-CN"].translation;

/**
 * Approval and signing cover every language (issue 15), on the demo renewal agreement and its Chinese
 * translation (one block of which is stale against a later Danish edit): sending is refused, naming
 * the language and changing nothing, until the translation has caught up; a round then carries a
 * version of the translation whose hash its approvals bind to — an edit of the translation makes them
 * stale as an edit of the source does; signing freezes both texts (the translation's sockets turn
 * read-only), the signed banner lists both hashes, and an amendment opens both again. A translation
 * takes no approval step of its own.
 */
describe("approval and signing of a document with a translation", () => {
  let app: RunningApp;
  let spaceId: string;
  let sourceId: string;
  let translationId: string;
  let sourcePath: string;
  let translationPath: string;
  const cookie: Record<string, string> = {};
  const tenant: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);
  const USERS = ["bycirklen", "ballerup-kommune", "wuxi-foreign-affairs-office", "kobenhavns-kommune"];
  const PARTIES = ["ballerup-kommune", "wuxi-foreign-affairs-office"];

  const step = async (who: string, path: string, body: Record<string, string | string[]>) => {
    const res = await post(who, `${path}/approval`, body);
    return { status: res.status, text: await res.text() };
  };
  const page = async (who: string, path: string) => (await fetch(`${app.url}${path}`, { headers: { Cookie: cookie[who] } })).text();
  const state = async () => {
    const owner = app.db.owner;
    return JSON.stringify({
      docs: await owner`select id, status from documents where id in (${sourceId}, ${translationId}) order by id`,
      rounds: await owner`select id, ended_at, signed_at from approval_rounds where document_id = ${sourceId} order by requested_at`,
      translations: await owner`select * from approval_translations order by round_id`,
      versions: await owner`select count(*)::int as n from document_versions where document_id = ${translationId}`,
    });
  };
  const send = (versionId: string) => step("bycirklen", sourcePath, { intent: "requestApproval", versionId, tenantIds: PARTIES.map((p) => tenant[p]) });

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_DERIVE_DEBOUNCE_MS: "50" });
    await loadDemoWorld(app.db.owner);
    for (const slug of USERS) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
      [{ id: tenant[slug] }] = await app.db.owner`select id from tenants where slug = ${slug}`;
    }
    [{ documentId: translationId, sourceId, spaceId }] = await app.db.owner`
      select t.document_id, t.source_id, t.space_id from document_translations t join documents d on d.id = t.source_id
      where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    sourcePath = `/s/${spaceId}/docs/${sourceId}`;
    translationPath = `/s/${spaceId}/docs/${translationId}`;
  });

  it("refuses to send while the translation has not caught up, naming the language, and changes nothing", async () => {
    const v1 = await saveVersion(post, app.db.owner, "bycirklen", sourcePath, "Til godkendelse");
    const before = await state();
    const refused = await send(v1);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(da.approval.errors.translationStale.replace("{{language}}", da.languages["zh-CN"]).replace("{{count}}", "1"));
    expect(await state()).toBe(before);
    // The demo's stale block (the areas of cooperation) caught up: sending goes through.
    expect((await post("wuxi-foreign-affairs-office", `${translationPath}/translations`, { intent: "markReviewed", blockId: "b6" })).status).toBe(200);
    expect((await send(v1)).status).toBe(200);
    const [round] = await app.db
      .owner`select r.id, a.version_id, a.content_hash from approval_rounds r join approval_translations a on a.round_id = r.id where r.document_id = ${sourceId} and r.ended_at is null`;
    expect(round.contentHash).toBe(await liveContentHash(app.db.owner, translationId));
    const [version] = await app.db.owner`select name, document_id from document_versions where id = ${round.versionId}`;
    expect(version).toEqual({ name: "Til godkendelse", documentId: translationId });
    // The source's approval page says what went with it; the translation's shows the round, read-only.
    expect(await page("bycirklen", `${sourcePath}/approval`)).toContain(da.approval.sentWith.replace("{{languages}}", da.languages["zh-CN"]));
    const translationApproval = await page("wuxi-foreign-affairs-office", `${translationPath}/approval`);
    expect(translationApproval).toContain(zh.approval.withSource.replace("{{language}}", zh.languages.da));
    expect(translationApproval).not.toContain('value="requestApproval"');
  });

  it("a translation takes no step of its own; an outsider is not told it exists", async () => {
    const [{ id: tv }] = await app.db.owner`select id from document_versions where document_id = ${translationId} order by created_at desc limit 1`;
    const before = await state();
    const bodies: Record<string, string | string[]>[] = [
      { intent: "requestApproval", versionId: tv, tenantIds: [tenant["ballerup-kommune"]] },
      { intent: "sign", versionId: tv },
      { intent: "amend" },
    ];
    for (const body of bodies) {
      const res = await step("bycirklen", translationPath, body);
      expect(res.status, String(body.intent)).toBe(403);
      expect(res.text).toContain(da.approval.errors.withSource);
    }
    const approve = await step("wuxi-foreign-affairs-office", translationPath, {
      intent: "approve",
      versionId: tv,
      tenantId: tenant["wuxi-foreign-affairs-office"],
    });
    expect(approve.status).toBe(403);
    expect((await step("kobenhavns-kommune", translationPath, { intent: "approve", versionId: tv, tenantId: tenant["kobenhavns-kommune"] })).status).toBe(404);
    expect(await state()).toBe(before);
  });

  it("the approvals bind to the translation's hash too: an edit of it makes them stale; sent again, approved and signed, both texts are frozen", async () => {
    const [{ versionId: v1 }] = await app.db.owner`select version_id from approval_rounds where document_id = ${sourceId} and ended_at is null`;
    for (const who of PARTIES) expect((await step(who, sourcePath, { intent: "approve", versionId: v1, tenantId: tenant[who] })).status, who).toBe(200);
    // Wuxi edits the Chinese text after everyone approved: the approvals no longer hold; signing is refused.
    const chinese = openSocket(app.url, translationId, cookie["wuxi-foreign-affairs-office"]);
    await chinese.synced;
    chinese.type("补充条款。");
    await expect.poll(() => page("bycirklen", `${sourcePath}/approval`), { timeout: LIVE_WAIT_MS * 3 }).toContain(da.approval.staleNotice);
    const before = await state();
    const refused = await step("bycirklen", sourcePath, { intent: "sign", versionId: v1 });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(da.approval.errors.stale);
    expect(await state()).toBe(before);

    // The new paragraph is the translation's own (no source block is behind): a new version goes out.
    const v2 = await saveVersion(post, app.db.owner, "bycirklen", sourcePath, "Endelig tekst");
    expect((await send(v2)).status).toBe(200);
    for (const who of PARTIES) expect((await step(who, sourcePath, { intent: "approve", versionId: v2, tenantId: tenant[who] })).status, who).toBe(200);
    expect((await step("bycirklen", sourcePath, { intent: "sign", versionId: v2 })).status).toBe(200);
    const statuses = await app.db.owner`select id, status from documents where id in (${sourceId}, ${translationId})`;
    expect(statuses.map((d) => d.status)).toEqual(["signed", "signed"]);
    // The translation's open editor turns read-only, and what it types is not stored.
    await expect.poll(() => chinese.access.at(-1), { timeout: LIVE_WAIT_MS }).toEqual({ readOnly: true, reason: "signed" });
    const signedHash = await liveContentHash(app.db.owner, translationId);
    chinese.type("签署后的文字。");
    const [{ hashes }] = await app.db.owner`
      select json_agg(a.content_hash) as hashes from approval_rounds r join approval_translations a on a.round_id = r.id where r.signed_at is not null`;
    expect(hashes).toEqual([signedHash]);

    // Both hashes on the signed banner, of the source's page and of the translation's.
    const [{ sourceHash }] = await app.db.owner`select content_hash as source_hash from approval_rounds where signed_at is not null and document_id = ${sourceId}`;
    const banner = await page("ballerup-kommune", sourcePath);
    expect(banner, "the source's hash").toContain(sourceHash);
    expect(banner, "the translation's hash").toContain(signedHash);
    expect(banner).toContain(da.approval.translationHash.replace("{{language}}", da.languages["zh-CN"]));
    const translationPage = await page("wuxi-foreign-affairs-office", translationPath);
    expect(translationPage).toContain(zh.approval.signedTitle);
    expect(translationPage).toContain(signedHash);
    const [{ id: signedVersion }] = await app.db
      .owner`select a.version_id as id from approval_translations a join approval_rounds r on r.id = a.round_id where r.signed_at is not null`;
    expect(translationPage).toContain(`${translationPath}/versions/${signedVersion}`);
    // The signed text's export ends with the signature, listing both hashes (every format writes the same section).
    const exported = await (await fetch(`${app.url}${sourcePath}/export?format=md`, { headers: { Cookie: cookie["ballerup-kommune"] } })).text();
    expect(exported).toContain(sourceHash);
    expect(exported).toContain(signedHash);
    // The webhook's and audit's record of the signature name the translation's hash.
    const [audit] = await app.db.owner`select details from audit_events where action = 'document.signed' order by id desc limit 1`;
    expect(audit.details.translations).toBe(`zh-CN ${signedHash}`);
    chinese.destroy();
    expect(await liveContentHash(app.db.owner, translationId)).toBe(signedHash);

    // An amendment opens both texts again.
    expect((await step("bycirklen", sourcePath, { intent: "amend" })).status).toBe(200);
    const amended = await app.db.owner`select status from documents where id in (${sourceId}, ${translationId})`;
    expect(amended.map((d) => d.status)).toEqual(["draft", "draft"]);
  });
});
