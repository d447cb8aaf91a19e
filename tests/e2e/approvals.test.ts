import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { backToDraft, setAsideDemoTranslations } from "../helpers/approval";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const EDITABLE = '.document-body[contenteditable="true"]';
const LOCKED = '.document-body[contenteditable="false"]';
const SHOTS = process.env.TWINNING_SHOTS;

const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");

/**
 * The renewal agreement's approval, in four browser contexts at once: Bycirklen (the host), Ballerup,
 * Egedal and Wuxi (in Chinese). The host sends a saved version for approval; three approve and Wuxi
 * requests changes; Egedal's edit makes the approvals stale; a new version goes out, all four approve,
 * the host signs after a confirmation that names what is signed, and every open editor turns read-only
 * (the figure printed). Inbox counts follow; axe and the Content-Security-Policy check pass on the panels,
 * the signing dialog and the inbox.
 */
describe("approval and signing in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let docUrl: string;
  let historyUrl: string;
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    app = await startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "100" });
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    browser = await launchBrowser();
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docUrl = `${app.url}/s/${doc.spaceId}/docs/${doc.id}`;
    historyUrl = `${docUrl}/history`;
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune", "wuxi-foreign-affairs-office"]) {
      pages[slug] = await openAsDemoUser(browser, app.url, slug, docUrl, slug.startsWith("wuxi") ? { locale: "zh-CN" } : {});
    }
    await Promise.all(Object.values(pages).map((p) => p.locator(EDITABLE).waitFor()));
  });
  afterAll(() => browser?.close());

  const shot = async (page: Page, name: string, width: number) => {
    if (!SHOTS) return;
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: false });
  };
  const panelToggle = (page: Page, strings = da) => page.getByRole("button", { name: strings.document.panels.approval, exact: true });
  const openPanel = async (page: Page, strings = da) => {
    const toggle = panelToggle(page, strings);
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    await page.locator(".approval-panel").waitFor();
  };
  const summary = (page: Page) => page.locator(".approval-summary").getAttribute("data-state");
  const inboxCount = (page: Page) => page.locator(".inbox-count").textContent({ timeout: 500 }).catch(() => null);

  /** The host saves a named version on the history page (as the History panel does), and the document page then offers it. */
  async function saveVersion(name: string) {
    const host = await pages.bycirklen.context().newPage();
    await host.goto(historyUrl);
    await host.getByLabel(da.versions.name).fill(name);
    await host.getByRole("button", { name: da.versions.save }).click();
    await host.getByText(fill(da.versions.saved, { name })).waitFor();
    await host.close();
    await pages.bycirklen.reload();
    await pages.bycirklen.locator(EDITABLE).waitFor();
  }
  const approve = async (slug: string, tenant: string, strings = da) => {
    const page = pages[slug];
    await openPanel(page, strings);
    await page.getByRole("button", { name: fill(strings.approval.approve, { tenant }) }).click();
    await page.getByText(strings.approval.done.approve).waitFor();
  };

  /**
   * A retry starts where the demo does: the agreement a draft with no rounds and no notifications about
   * it (the first attempt may have sent or signed it), and every page reloaded onto a writable editor.
   */
  async function startFromDemo() {
    if (!(await backToDraft(app.db.owner, docUrl.split("/").pop()!))) return;
    for (const page of Object.values(pages)) await page.reload();
    await Promise.all(Object.values(pages).map((p) => p.locator(EDITABLE).waitFor()));
  }

  it("send, decide, go stale after an edit, send again, all approve, sign: every editor turns read-only", async () => {
    await startFromDemo();
    const host = pages.bycirklen;
    await saveVersion("Udkast til godkendelse");
    await openPanel(host);
    await expectAccessible(host, "approval panel, before sending");
    // The host chooses the parties: itself, Ballerup, Egedal and Wuxi (not Frederikssund, not Region Hovedstaden).
    await host.getByRole("checkbox", { name: "Frederikssund Kommune" }).uncheck();
    await host.getByRole("checkbox", { name: "Region Hovedstaden" }).uncheck();
    await host.getByRole("button", { name: da.approval.sendButton }).click();
    await host.getByText(da.approval.done.requestApproval).waitFor();
    await shot(host, "approval-sent", 1440);

    // The parties' pages follow live: the header's state and the inbox count.
    for (const slug of ["ballerup-kommune", "egedal-kommune", "wuxi-foreign-affairs-office"]) {
      await expect.poll(() => summary(pages[slug]), { timeout: 5_000 }).toBe("in-review");
      await expect.poll(() => inboxCount(pages[slug]), { timeout: 5_000 }).toBe("1");
    }

    // Three approve (the host for Bycirklen, Ballerup, Egedal); Wuxi, in Chinese, requests changes.
    await approve("bycirklen", "Bycirklen");
    await approve("ballerup-kommune", "Ballerup Kommune");
    await approve("egedal-kommune", "Egedal Kommune");
    const wuxi = pages["wuxi-foreign-affairs-office"];
    await openPanel(wuxi, zh);
    await expectAccessible(wuxi, "approval panel in Chinese");
    await shot(wuxi, "approval-wuxi", 360);
    await wuxi.getByLabel(zh.approval.comment).fill("请补充关于文化交流的段落。");
    await wuxi.getByRole("button", { name: zh.approval.requestChanges }).click();
    await wuxi.getByText(zh.approval.done.requestChanges).waitFor();
    await expect.poll(() => host.locator('.approval-party[data-state="changes"]').count(), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => inboxCount(host), { timeout: 5_000 }).toBe("3");

    // Egedal edits: the approvals no longer hold, visibly, on every page that shows them.
    const egedal = pages["egedal-kommune"];
    await egedal.locator(EDITABLE).click();
    await egedal.keyboard.press("Control+End");
    await egedal.keyboard.press("Enter");
    await egedal.keyboard.type("Kulturudveksling: et årligt kulturprogram i Wuxi og Bycirklen.", { delay: 5 });
    await expect.poll(() => egedal.locator(".save-status").getAttribute("data-state")).toBe("saved");
    await expect.poll(() => summary(host), { timeout: 5_000 }).toBe("stale");
    await expect.poll(() => host.locator('.approval-party[data-state="stale"]').count()).toBe(3);
    await expectAccessible(host, "approval panel, stale");
    await shot(host, "approval-stale", 1440);
    await shot(host, "approval-stale", 360);

    // A new version goes out to the same parties; all four approve.
    await saveVersion("Endelig aftaletekst");
    await openPanel(host);
    await host.getByRole("button", { name: da.approval.sendButton }).click();
    await host.getByText(da.approval.done.requestApproval).waitFor();
    for (const [slug, tenant] of [["bycirklen", "Bycirklen"], ["ballerup-kommune", "Ballerup Kommune"], ["egedal-kommune", "Egedal Kommune"]] as const) {
      await expect.poll(() => summary(pages[slug]), { timeout: 5_000 }).toBe("in-review");
      await approve(slug, tenant);
    }
    await expect.poll(() => summary(wuxi), { timeout: 5_000 }).toBe("in-review");
    await approve("wuxi-foreign-affairs-office", "Wuxi Foreign Affairs Office", zh);
    await expect.poll(() => summary(host), { timeout: 5_000 }).toBe("approved");

    // Signing asks first, naming the document, the version, its hash and the parties.
    await openPanel(host);
    await host.getByRole("button", { name: da.approval.sign }).click();
    const dialog = host.getByRole("dialog");
    await dialog.waitFor();
    const [{ title }] = await app.db.owner`select title from documents where id = ${docUrl.split("/").pop()!}`;
    expect(await dialog.innerText()).toContain("Endelig aftaletekst");
    const [{ contentHash }] = await app.db.owner`select content_hash from approval_rounds where ended_at is null and document_id = ${docUrl.split("/").pop()!}`;
    expect(await dialog.innerText()).toContain(contentHash);
    await expectAccessible(host, "signing dialog");
    await shot(host, "approval-confirm", 1440);
    await shot(host, "approval-confirm", 360);
    const signing = host.waitForResponse((r) => r.url().includes("/approval") && r.request().method() === "POST");
    await dialog.getByRole("button", { name: fill(da.approval.confirmSign, { title }) }).click();
    expect((await signing).status()).toBe(200);
    // Every open editor turns read-only in place, without a reload. The target is within a second of the
    // signature's answer; the figure is printed (a timed assertion would measure the busy test machine).
    const signedAt = Date.now();
    await Promise.all(Object.values(pages).map((p) => p.locator(LOCKED).waitFor({ state: "attached", timeout: 10_000 })));
    console.log(`signed → read-only in all ${Object.keys(pages).length} open editors: ${Date.now() - signedAt} ms (target < 1,000 ms)`);
    // The banner: parties, who approved and when, the hash.
    await host.locator(".signed-banner").waitFor();
    expect(await host.locator(".signed-banner").innerText()).toContain(contentHash);
    await wuxi.locator(".signed-banner").waitFor();
    expect(await wuxi.locator(".signed-banner h2").innerText()).toBe(zh.approval.signedTitle);
    await expectAccessible(wuxi, "signed banner in Chinese");
    await shot(host, "signed", 1440);
    await shot(wuxi, "signed-wuxi", 360);
    await shot(wuxi, "signed-wuxi", 1440);
  }, 180_000);

  it("the demo's China business strategy shows as signed by its parties, in Chinese, with a way to the signed version", async () => {
    const wuxi = pages["wuxi-foreign-affairs-office"];
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'kina-erhvervsstrategi-2013-2016'`;
    await wuxi.setViewportSize({ width: 1440, height: 900 });
    await wuxi.goto(`${app.url}/s/${doc.spaceId}/docs/${doc.id}`);
    const banner = wuxi.locator(".signed-banner");
    await banner.waitFor();
    expect(await banner.locator("tbody tr").count()).toBe(5);
    await wuxi.locator(LOCKED).waitFor({ state: "attached" });
    await expectAccessible(wuxi, "signed demo strategy");
    await shot(wuxi, "strategy-signed", 1440);
    await shot(wuxi, "strategy-signed", 360);
    await banner.getByRole("link", { name: zh.approval.openSigned }).click();
    await wuxi.getByText("Vedtaget strategi 2013–2016").first().waitFor();
  });

  it("the inbox lists what happened, and marks read", async () => {
    const egedal = pages["egedal-kommune"];
    const before = Number(await inboxCount(egedal));
    expect(before).toBeGreaterThan(0);
    await egedal.goto(`${app.url}/inbox`);
    await egedal.getByRole("heading", { name: da.inbox.title, level: 1 }).waitFor();
    await expectAccessible(egedal, "inbox");
    await shot(egedal, "inbox", 360);
    await shot(egedal, "inbox", 1440);
    await egedal.getByRole("button", { name: da.inbox.markAllRead }).click();
    await expect.poll(() => inboxCount(egedal)).toBeNull();
    await expectAccessible(egedal, "inbox, all read");
  });
});
