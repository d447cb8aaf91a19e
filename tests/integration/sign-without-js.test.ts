import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, sendAndApprove, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";

/**
 * Signing without JavaScript, as a browser with scripts off does it: the approval page's "Sign…" is a
 * plain GET form to a confirmation page naming document, version, content hash and parties; only its
 * button (a POST) signs. Reaching the confirmation signs nothing; a malformed or foreign version is not
 * found; a partner is refused; a document that can no longer be signed says why and offers no button.
 */
describe("signing without JavaScript", () => {
  let app: RunningApp;
  let docId: string;
  let docPath: string;
  const cookie: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);
  const get = (who: string, path: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: { Cookie: cookie[who] } });
  const status = async () => (await app.db.owner`select status from documents where id = ${docId}`)[0].status as string;
  /** The forms of a page as a browser without scripts sees them: method, action and their fields. */
  const forms = (html: string) =>
    [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs, inner]) => ({
      method: (/method="([^"]*)"/.exec(attrs)?.[1] ?? "get").toLowerCase(),
      action: (/action="([^"]*)"/.exec(attrs)?.[1] ?? "").replaceAll("&amp;", "&"),
      fields: Object.fromEntries([...inner.matchAll(/<(?:input|button)\b[^>]*\bname="([^"]*)"[^>]*\bvalue="([^"]*)"/g)].map(([, name, value]) => [name, value])),
      html: inner,
    }));

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "kobenhavns-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docId = doc.id;
    docPath = `/s/${doc.spaceId}/docs/${doc.id}`;
  });

  it("the sign button leads to a confirmation page naming document, version, hash and parties; only its button signs", async () => {
    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    const versionId = await sendAndApprove({ post, owner: app.db.owner, docPath, host: "bycirklen", parties: [{ tenantId: ballerup.id, admin: "ballerup-kommune" }], versionName: "Endelig tekst til byrådene" });
    const [round] = await app.db.owner<{ contentHash: string }[]>`select content_hash from approval_rounds where document_id = ${docId} and ended_at is null`;
    const [{ title }] = await app.db.owner<{ title: string }[]>`select title from documents where id = ${docId}`;

    // The approval page: "Underskriv…" is a GET form to the confirmation page, carrying the version.
    const approvalPage = await (await get("bycirklen", `${docPath}/approval`)).text();
    const opener = forms(approvalPage).find((f) => f.html.includes("Underskriv…"));
    expect(opener).toMatchObject({ method: "get", action: `${docPath}/approval/sign`, fields: { versionId } });

    // Following it (as the browser would: the form's fields as the query) signs nothing, and names what would be signed.
    const confirmation = await get("bycirklen", `${opener!.action}?${new URLSearchParams(opener!.fields)}`);
    expect(confirmation.status).toBe(200);
    const page = await confirmation.text();
    for (const shown of [title, "Endelig tekst til byrådene", round.contentHash, "Ballerup Kommune", "Underskriften er endelig"]) expect(page).toContain(shown);
    expect(await status()).toBe("approved");
    const confirm = forms(page).find((f) => f.method === "post" && f.fields.intent === "sign");
    expect(confirm).toMatchObject({ action: `${docPath}/approval`, fields: { intent: "sign", versionId } });

    // Partners never reach it; strangers do not learn the document exists; a malformed or foreign version is not found.
    expect((await get("ballerup-kommune", `${opener!.action}?versionId=${versionId}`)).status).toBe(403);
    expect((await get("kobenhavns-kommune", `${opener!.action}?versionId=${versionId}`)).status).toBe(404);
    expect((await get("bycirklen", `${opener!.action}?versionId=not-a-version`)).status).toBe(404);
    expect((await get("bycirklen", `${opener!.action}`)).status).toBe(404);
    const [foreign] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id <> ${docId} limit 1`;
    expect((await get("bycirklen", `${opener!.action}?versionId=${foreign.id}`)).status).toBe(404);
    expect(await status()).toBe("approved");

    // The confirmation's button signs, and the page it lands on says so.
    const signed = await post("bycirklen", confirm!.action, confirm!.fields);
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain("Underskrevet. Dokumentet er nu skrivebeskyttet for alle.");
    expect(await status()).toBe("signed");

    // Once signed, the confirmation page says why it cannot be signed and offers no button.
    const again = await get("bycirklen", `${opener!.action}?versionId=${versionId}`);
    expect(again.status).toBe(200);
    const againPage = await again.text();
    expect(againPage).toContain("Dokumentet er allerede underskrevet");
    expect(forms(againPage).filter((f) => f.method === "post" && f.fields.intent === "sign")).toEqual([]);
  });
});
