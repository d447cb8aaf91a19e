import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import { pdfText, unzipXml } from "@twinning/export/testing";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

/** Where screenshots go (looked at by hand; `TWINNING_SHOTS=dir` to keep them). */
const SHOTS = process.env.TWINNING_SHOTS;
const WAIT = { timeout: 15_000 };

/** Export in Chromium: from the "⋯" menu (as an editor and as a viewer), a version's links, and printing. */
describe("export in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let agreementUrl: string;
  let title: string;
  const pages: Page[] = [];

  const open = async (slug: string, url: string, locale = "da-DK") => {
    const page = await openAsDemoUser(browser, app.url, slug, url, { locale, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    pages.push(page);
    return page;
  };
  /** Chooses "Download as …" in the document's menu and returns the download. */
  const exportFromMenu = async (page: Page, menuLabel: RegExp, item: RegExp) => {
    await page.getByRole("button", { name: menuLabel }).click();
    const download = page.waitForEvent("download", WAIT);
    await page.getByRole("menuitem", { name: item }).click();
    return download;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [agreement] = await app.db.owner`select id, space_id, title from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    agreementUrl = `${app.url}/s/${agreement.spaceId}/docs/${agreement.id}`;
    title = agreement.title;
  });
  afterAll(() => Promise.all(pages.map((p) => p.context().close())));

  it("an editor exports from the ⋯ menu: the menu says the file is being prepared, the download has the document's name", async () => {
    const page = await open("bycirklen", agreementUrl);
    await page.locator(".document-body").first().waitFor(WAIT);
    const pdf = await exportFromMenu(page, /Flere handlinger/, /Hent som PDF/);
    expect(pdf.suggestedFilename()).toBe(`${title}.pdf`);
    const text = (await pdfText(readFileSync((await pdf.path())!))).join("").replace(/\s+/g, "");
    expect(text).toContain("Baggrund");
    await expect.poll(() => page.getByRole("status").filter({ hasText: `Hentede ${title}.pdf` }).count(), WAIT).toBe(1);

    const docx = await exportFromMenu(page, /Flere handlinger/, /^Hent som Word \(\.docx\)$/);
    expect(docx.suggestedFilename()).toBe(`${title}.docx`);
    expect(unzipXml(readFileSync((await docx.path())!))["word/document.xml"]).toContain("Baggrund");
    // With comments: the open threads as Word comments.
    const commented = await exportFromMenu(page, /Flere handlinger/, /Word med kommentarer/);
    expect(unzipXml(readFileSync((await commented.path())!))["word/comments.xml"]).toContain("Skal vi nævne datoerne");
    await expectAccessible(page);
  });

  it("a viewer, in Chinese, finds only the exports in the menu and downloads Markdown", async () => {
    // Wuxi's office is an editor; Region Hovedstaden a viewer of this space.
    const page = await open("region-hovedstaden", agreementUrl);
    await page.getByRole("button", { name: /Flere handlinger/ }).click();
    // The bilingual items come with the translations (loaded after the page).
    await page.getByRole("menuitem", { name: /tosproget.*PDF/ }).waitFor();
    const items = await page.getByRole("menuitem").allInnerTexts();
    expect(items).toEqual([
      "Hent som Word (.docx)",
      "Hent som Word med kommentarer (.docx)",
      "Hent som PDF",
      "Hent som OpenDocument (.odt)",
      "Hent som Markdown (.md)",
      "Hent som Webside (.html)",
      // The agreement has a Chinese translation: both side by side (issue 15).
      "Hent tosproget (Dansk | 中文（简体）) som Word (.docx)",
      "Hent tosproget (Dansk | 中文（简体）) som PDF",
    ]);
    await page.keyboard.press("Escape");
    const md = await exportFromMenu(page, /Flere handlinger/, /Markdown/);
    expect(md.suggestedFilename()).toBe(`${title}.md`);
    expect(readFileSync((await md.path())!, "utf8")).toContain("## Baggrund");

    const chinese = await open("wuxi-foreign-affairs-office", agreementUrl, "zh-CN");
    const odt = await exportFromMenu(chinese, /更多操作/, /OpenDocument/);
    expect(odt.suggestedFilename()).toBe(`${title}.odt`);
    expect(unzipXml(readFileSync((await odt.path())!))["content.xml"]).toContain("当前文本");
  });

  it("a version page links its export in every format, without JavaScript too", async () => {
    const [version] = await app.db.owner`select id, name from document_versions where name = 'Første udkast'`;
    const page = await open("bycirklen", `${agreementUrl}/versions/${version.id}`);
    const links = page.getByRole("navigation", { name: "Eksportér" }).getByRole("link");
    expect(await links.count()).toBe(5);
    const download = page.waitForEvent("download", WAIT);
    await links.filter({ hasText: "Webside" }).click();
    const html = await download;
    expect(html.suggestedFilename()).toBe(`${title} – Første udkast.html`);
    expect(readFileSync((await html.path())!, "utf8")).toContain("Første udkast");
    await expectAccessible(page);
  });

  it("printing the document page shows only the document: no header, toolbar, avatars or buttons", async () => {
    const page = await open("bycirklen", agreementUrl);
    await page.locator('.document-body[contenteditable="true"]').waitFor(WAIT);
    await page.locator(".toolbar").waitFor(WAIT);
    await page.emulateMedia({ media: "print" });
    /** How many of these elements take up room on the page. */
    const shown = (selector: string) => page.locator(selector).evaluateAll((els) => els.filter((el) => el.getClientRects().length > 0).length);
    for (const hidden of [".site-header", ".sidebar-frame", ".breadcrumbs", ".toolbar", ".presence", ".panel-toggle", ".document-menu", ".save-status", ".document-outline-column"]) expect(await shown(hidden), hidden).toBe(0);
    expect(await page.locator("button:visible").count()).toBeLessThanOrEqual(1);
    await expect.poll(() => page.locator(".document-title").isVisible()).toBe(true);
    expect(await shown(".document-facts-line .status-badge")).toBe(1);
    expect(await page.locator(".print-version").innerText()).toBe("Version: Nuværende tekst");
    expect(await page.locator(".document-body").first().innerText()).toContain("Baggrund");
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/export-print.png`, fullPage: true });
    }
    await page.emulateMedia({ media: "screen" });
    expect(await shown(".site-header")).toBe(1);
  });
});
