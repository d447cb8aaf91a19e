import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";

/** The document's type and language, set through the document route's own intents (setType, setLanguage). */
describe("document type and language", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  let docPath: string;
  let documentId: string;
  let otherSpaceId: string;

  const post = (who: string, path: string, body: Record<string, string>) =>
    fetch(`${app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
      body: new URLSearchParams(body),
    });
  const row = async () => (await app.db.owner`select type, language from documents where id = ${documentId}`)[0];

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    for (const slug of ["ballerup-kommune", "region-hovedstaden", "kobenhavns-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select d.id, d.space_id from documents d join spaces s on s.id = d.space_id where d.type = 'agreement'`;
    documentId = doc.id;
    docPath = `/s/${doc.spaceId}/docs/${doc.id}`;
    [{ id: otherSpaceId }] = await app.db.owner`select id from spaces where title = 'Jordsporet – Jiangsu'`;
  });

  it("an editor who manages the document changes its type and language; both are audit-logged and shown", async () => {
    expect((await post("ballerup-kommune", docPath, { intent: "setType", type: "mou" })).status).toBe(200);
    expect((await post("ballerup-kommune", docPath, { intent: "setLanguage", language: "zh-CN" })).status).toBe(200);
    expect(await row()).toEqual({ type: "mou", language: "zh-CN" });
    const audit = await app.db.owner`select action, details from audit_events where action in ('document.typeChanged', 'document.languageChanged') order by at`;
    expect(audit.map((a) => [a.action, a.details.type ?? a.details.language])).toEqual([
      ["document.typeChanged", "mou"],
      ["document.languageChanged", "zh-CN"],
    ]);
    const page = await (await fetch(`${app.url}${docPath}`, { headers: { Cookie: cookie["ballerup-kommune"] } })).text();
    expect(page).toContain("Hensigtserklæring (MoU)");
    expect(page).toContain('lang="zh-CN"');
  });

  it("refuses an unknown or missing type or language (400, the error key the dialog translates) and changes nothing", async () => {
    const before = await row();
    const bodies: Record<string, string>[] = [{ intent: "setType", type: "contract" }, { intent: "setLanguage", language: "fr" }, { intent: "setType" }];
    for (const body of bodies) {
      const response = await post("ballerup-kommune", docPath, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.text()).toMatch(/intent\W+set(Type|Language)\W+error\W+required/);
    }
    expect(await row()).toEqual(before);
  });

  it("a viewer is refused (403), an outsider does not see the document (404), another space's URL finds nothing (404)", async () => {
    const before = await row();
    expect((await post("region-hovedstaden", docPath, { intent: "setType", type: "note" })).status).toBe(403);
    expect((await post("region-hovedstaden", docPath, { intent: "setLanguage", language: "en" })).status).toBe(403);
    expect((await post("kobenhavns-kommune", docPath, { intent: "setType", type: "note" })).status).toBe(404);
    expect((await post("ballerup-kommune", `/s/${otherSpaceId}/docs/${documentId}`, { intent: "setLanguage", language: "en" })).status).toBe(404);
    expect(await row()).toEqual(before);
  });
});
