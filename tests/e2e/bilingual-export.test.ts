import { readFileSync } from "node:fs";
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

/**
 * Bilingual export and the grouped document list in Chromium (issue 15): Bycirklen's ⋯ menu on the
 * renewal agreement offers "bilingual (Dansk | 中文（简体）)" as Word and PDF and downloads both; the
 * Translations page links them without JavaScript; the space page lists the Chinese translation under
 * its source. axe finds nothing; no page scrolls sideways at 360 or 1440 px.
 */
describe("bilingual export in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let sourceUrl: string;
  let spaceUrl: string;
  let translationTitle: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [pair] = await app.db.owner`
      select t.source_id, t.space_id, d.title from document_translations t join documents s on s.id = t.source_id join documents d on d.id = t.document_id
      where s.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    sourceUrl = `${app.url}/s/${pair.spaceId}/docs/${pair.sourceId}`;
    spaceUrl = `${app.url}/s/${pair.spaceId}`;
    translationTitle = pair.title;
    page = await openAsDemoUser(browser, app.url, "bycirklen", sourceUrl, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  });
  afterAll(() => page?.context().close());

  const noSidewaysScroll = async (label: string) => {
    for (const width of [360, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${label} at ${width}`).toBe(true);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/bilingual-${label}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  it("downloads the agreement as bilingual Word and PDF from the ⋯ menu", async () => {
    await page.locator(".document-body").first().waitFor(WAIT);
    const menu = page.getByRole("button", { name: /Flere handlinger/ });
    await menu.click();
    await page.getByRole("menuitem", { name: "Hent tosproget (Dansk | 中文（简体）) som PDF" }).waitFor(WAIT);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/bilingual-menu-1440.png` });
    await page.keyboard.press("Escape");
    for (const [format, name] of [
      ["docx", "Word (.docx)"],
      ["pdf", "PDF"],
    ]) {
      await menu.click();
      const download = page.waitForEvent("download", WAIT);
      await page.getByRole("menuitem", { name: `Hent tosproget (Dansk | 中文（简体）) som ${name}` }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(new RegExp(`\\(da–zh-CN\\)\\.${format}$`));
      const bytes = readFileSync((await file.path())!);
      const text = (format === "docx" ? unzipXml(bytes)["word/document.xml"].replace(/<[^>]+>/g, "") : (await pdfText(bytes)).join("")).replace(/\s+/g, "");
      expect(text).toContain("Baggrund");
      expect(text).toContain("背景");
    }
    await expectAccessible(page, "the agreement");
    await menu.click();
    await noSidewaysScroll("document-menu");
    await page.keyboard.press("Escape");
  });

  it("links the bilingual files on the Translations page, and lists the translation under its source on the space page", async () => {
    await page.goto(`${sourceUrl}/translations`);
    const links = page.locator(".bilingual-links a");
    expect(await links.allInnerTexts()).toEqual(["Word (.docx)", "PDF"]);
    expect(await links.first().getAttribute("href")).toContain("with=");
    await expectAccessible(page, "translations page");
    await noSidewaysScroll("translations");

    await page.goto(spaceUrl);
    const row = page.locator("tr.document-translation-row");
    await row.waitFor(WAIT);
    expect(await row.locator(".document-translation-of").innerText()).toContain("↳ 中文（简体） (zh-CN)");
    expect(await row.getByRole("link").innerText()).toBe(translationTitle);
    const sidebarItem = page.locator(".sidebar-tree li.sidebar-translation");
    expect(await sidebarItem.innerText()).toContain(translationTitle);
    await expectAccessible(page, "space page");
    await noSidewaysScroll("space");
  });
});
