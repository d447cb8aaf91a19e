import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createDocument } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { jsonToYUpdate, templateContent } from "@twinning/editor";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { formPoster, saveVersion, setAsideDemoTranslations } from "../helpers/approval";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const da = resources.da.translation;

/**
 * The inbox count in the header is live on every page, not only on a space's pages: Ballerup's admin
 * sits on the home page and on the account page while the host asks Ballerup to approve, and the
 * count appears without a reload; reading the inbox in another tab takes it away again. And the
 * approval flow shows on an agreement's page from the start, while a note shows it only once the
 * host's admins start it from the "⋯" menu (a partner editor is not offered that).
 */
describe("the header's inbox count everywhere, and where the approval flow shows", () => {
  let app: RunningApp;
  let browser: Browser;
  let agreementPath: string;
  let notePath: string;
  const cookie: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    browser = await launchBrowser();
    cookie.bycirklen = await logInCookie(app.url, demoEmail("bycirklen"), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    agreementPath = `/s/${doc.spaceId}/docs/${doc.id}`;
    const note = await asUser(app.db.sql, "demo-bycirklen", (tx) =>
      createDocument(tx, { spaceId: doc.spaceId, type: "note", title: "Referat af styregruppemødet", language: "da", template: "blank", initialState: jsonToYUpdate(templateContent("blank", "da")), actorId: "demo-bycirklen" }),
    );
    notePath = `/s/${doc.spaceId}/docs/${note.id}`;
  });

  it("the count follows on the home page and the account page, without a reload", async () => {
    const home = await openAsDemoUser(browser, app.url, "ballerup-kommune", `${app.url}/`);
    const account = await home.context().newPage();
    await account.goto(`${app.url}/account`);
    const count = (page: typeof home) => page.locator(".inbox-count").textContent({ timeout: 500 }).catch(() => null);
    await home.locator(".inbox-link").waitFor();
    // The demo's signed strategy may have told Ballerup already.
    const before = Number((await count(home)) ?? 0);
    // A marker that a reload would lose.
    await home.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    const versionId = await saveVersion(post, app.db.owner, "bycirklen", agreementPath, "Til Ballerup");
    expect((await post("bycirklen", `${agreementPath}/approval`, { intent: "requestApproval", versionId, tenantIds: [ballerup.id] })).status).toBe(200);
    for (const page of [home, account]) await expect.poll(() => count(page), { timeout: 5_000 }).toBe(String(before + 1));
    expect(await home.locator(".inbox-link").getAttribute("aria-label")).toBe(da.inbox.navCount.replace("{{count}}", String(before + 1)));
    expect(await home.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expectAccessible(home, "home page with a live inbox count");

    // Read in a third tab: the others follow.
    const inbox = await home.context().newPage();
    await inbox.goto(`${app.url}/inbox`);
    await inbox.getByRole("button", { name: da.inbox.markAllRead }).click();
    // What stays is only invitations waiting for Ballerup (none in the demo).
    const [{ waiting }] = await app.db.owner<{ waiting: number }[]>`
      select count(*)::int as waiting from space_partners p join memberships m on m.tenant_id = p.tenant_id and m.user_id = 'demo-ballerup-kommune' and m.role in ('owner', 'admin')
      where p.status = 'invited' and p.expires_at > now()`;
    for (const page of [home, account, inbox]) await expect.poll(() => count(page), { timeout: 5_000 }).toBe(waiting ? String(waiting) : null);
    await home.context().close();
  });

  it("an agreement shows the approval flow; a note shows it once the host starts it from the ⋯ menu", async () => {
    const host = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}${agreementPath}`);
    const toggle = host.getByRole("button", { name: da.document.panels.approval, exact: true });
    await toggle.waitFor();

    await host.goto(`${app.url}${notePath}`);
    await host.getByRole("button", { name: da.document.panels.history, exact: true }).waitFor();
    expect(await toggle.count()).toBe(0);
    await host.getByRole("button", { name: da.document.more }).click();
    await host.getByRole("menuitem", { name: da.approval.start }).click();
    await host.waitForURL(`${app.url}${notePath}/approval`);
    await host.getByRole("heading", { name: da.approval.heading, exact: true }).waitFor();
    await expectAccessible(host, "approval page of a note");

    // A partner editor of the space manages the note but cannot send it: no "Start approval" for them.
    const partner = await openAsDemoUser(browser, app.url, "ballerup-kommune", `${app.url}${notePath}`);
    await partner.getByRole("button", { name: da.document.more }).click();
    await partner.getByRole("menuitem", { name: da.document.rename }).waitFor();
    expect(await partner.getByRole("menuitem", { name: da.approval.start }).count()).toBe(0);
    expect(await partner.getByRole("button", { name: da.document.panels.approval, exact: true }).count()).toBe(0);
    await host.context().close();
    await partner.context().close();
  });
});
