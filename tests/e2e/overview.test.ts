import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACTIVITY_SPACE, loadDemoWorld, sourceActivities } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";
import { strFromU8, unzipSync } from "fflate";

const SHOTS = process.env.TWINNING_SHOTS;
const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");
const WAIT = { timeout: 15_000 };

/**
 * The activity overview in Chromium: the Bycirklen–Wuxi space's 2014 table and chart at 1440 and
 * 360 px (nothing but the table's own box scrolls sideways; screenshots to $TWINNING_SHOTS), a cell
 * listing its items, an activity added through the form (a refusal first, keeping what was typed),
 * the CSV and DOCX downloads, the space page's link, and a Chinese reader; axe on every state.
 */
describe("activity overview in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let spaceId: string;
  let overviewUrl: string;

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    browser = await launchBrowser();
    [{ id: spaceId }] = await app.db.owner<{ id: string }[]>`select id from spaces where title = ${ACTIVITY_SPACE}`;
    overviewUrl = `${app.url}/s/${spaceId}/overview?year=2014`;
  });
  afterAll(() => browser?.close());
  // A retry starts from the demo's activities: an attempt that failed after adding one leaves nothing behind.
  beforeEach(async () => {
    await app.db.owner`delete from activities where title like 'Læreres videomøde med Wuxi %'`;
  });

  const shot = async (page: Page, name: string, width: number) => {
    if (!SHOTS) return;
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: false });
  };
  /** The page is no wider than the screen (only the table's own box may scroll). */
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it("shows the 2014 table and chart at 1440 and 360 px; a cell lists its items", async () => {
    const page = await openAsDemoUser(browser, app.url, "ballerup-kommune", `${app.url}/s/${spaceId}`, { viewport: { width: 1440, height: 900 } });
    // From the space page, by its link.
    await page.getByRole("link", { name: da.overview.link }).first().click();
    await page.waitForURL(/\/overview/);
    await page.goto(overviewUrl);
    const table = page.getByRole("table", { name: fill(da.overview.tableCaption, { year: "2014" }) });
    await table.waitFor(WAIT);
    await expect.poll(() => page.locator("[data-total]").first().getAttribute("data-total")).toBe("99");
    // February, overall: the visit to Wuxi about soil remediation, as a visit abroad.
    const visit = sourceActivities.find((a) => a.id === "act-2014-014")!;
    const cell = page.locator('tr[data-month="2"] td[data-area="overall"]');
    await expect.poll(() => cell.locator("li").count()).toBe(sourceActivities.filter((a) => a.date.startsWith("2014-02") && a.area === "overall").length);
    await cell.getByText(visit.title_da).waitFor();
    expect(await cell.locator("li", { hasText: visit.title_da }).locator(".badge").textContent()).toBe(da.overview.kinds.visit_out);
    const chart = page.getByRole("img", { name: new RegExp(`^${fill(da.overview.chartLabel, { year: "2014", summary: "" }).slice(0, 30)}`) });
    await chart.waitFor(WAIT);
    expect(await chart.locator("rect").count()).toBeGreaterThan(12);
    expect(await noSideScroll(page)).toBe(true);
    await expectAccessible(page, "overview 2014 at 1440");
    await shot(page, "overview", 1440);
    await chart.scrollIntoViewIfNeeded();
    await shot(page, "overview-chart", 1440);

    await page.setViewportSize({ width: 360, height: 800 });
    await table.waitFor();
    expect(await noSideScroll(page)).toBe(true);
    // The table scrolls inside its own box, which the keyboard can reach.
    const region = page.getByRole("region", { name: fill(da.overview.regionLabel, { year: "2014" }) });
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await region.getAttribute("tabindex")).toBe("0");
    await expectAccessible(page, "overview 2014 at 360");
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "overview", 360);
    await chart.scrollIntoViewIfNeeded();
    await shot(page, "overview-chart", 360);
    // The chart's numbers as a table.
    await page.getByText(da.overview.chartTable).click();
    await page.getByRole("table", { name: da.overview.chartHeading }).waitFor();
    await expectAccessible(page, "overview chart table at 360");
    await page.context().close();
  });

  it("an editor adds an activity through the form: a refusal keeps what was typed, then it is in its cell", async () => {
    const page = await openAsDemoUser(browser, app.url, "bycirklen", overviewUrl, { viewport: { width: 1440, height: 900 } });
    const title = `Læreres videomøde med Wuxi ${Date.now()}`;
    const form = page.locator("#activity-form");
    await form.waitFor(WAIT);
    await form.getByLabel(da.overview.form.kind, { exact: true }).selectOption("exchange");
    await form.getByLabel(da.overview.form.area, { exact: true }).selectOption("school");
    await form.getByLabel(da.overview.form.start, { exact: true }).fill("2014-11-20");
    await form.getByLabel(da.overview.form.end, { exact: true }).fill("2014-11-03");
    await form.getByLabel(da.overview.form.title, { exact: true }).fill(title);
    await form.getByLabel(da.overview.form.organisations, { exact: true }).fill("skolenetvaerket, wuxi");
    await form.getByRole("button", { name: da.overview.form.add }).click();
    // End before start: refused, said beside the end date, with focus there and everything kept.
    await form.getByText(da.errors.endBeforeStart).waitFor(WAIT);
    const end = form.getByLabel(da.overview.form.end, { exact: true });
    expect(await end.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => end.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByLabel(da.overview.form.title, { exact: true }).inputValue()).toBe(title);
    expect(await form.getByLabel(da.overview.form.organisations, { exact: true }).inputValue()).toBe("skolenetvaerket, wuxi");
    expect(await form.getByLabel(da.overview.form.area, { exact: true }).inputValue()).toBe("school");
    await expectAccessible(page, "overview form refused");
    await end.fill("2014-11-22");
    await form.getByRole("button", { name: da.overview.form.add }).click();
    await page.getByRole("status").getByText(da.overview.notices.added).waitFor(WAIT);
    const cell = page.locator('tr[data-month="11"] td[data-area="school"]');
    await cell.getByText(title).waitFor(WAIT);
    // The form is empty again for the next one.
    await expect.poll(() => form.getByLabel(da.overview.form.title, { exact: true }).inputValue()).toBe("");
    await expect.poll(() => page.locator("[data-total]").first().getAttribute("data-total")).toBe("100");
    // Edit it, then remove it after the confirmation (so a retry starts from the demo's 99).
    await cell.getByRole("link", { name: fill(da.overview.editNamed, { title }) }).click();
    await page.getByRole("heading", { name: da.overview.form.editHeading }).waitFor(WAIT);
    expect(await form.getByLabel(da.overview.form.start, { exact: true }).inputValue()).toBe("2014-11-20");
    await form.getByRole("button", { name: da.overview.form.remove }).click();
    const dialog = page.getByRole("dialog", { name: da.overview.form.removeTitle });
    await dialog.waitFor(WAIT);
    await expectAccessible(page, "overview remove confirmation");
    await dialog.getByRole("button", { name: da.overview.form.removeConfirm }).click();
    await page.getByRole("status").getByText(da.overview.notices.removed).waitFor(WAIT);
    await expect.poll(() => page.locator("[data-total]").first().getAttribute("data-total")).toBe("99");
    await page.context().close();
  });

  it("downloads the year as CSV and DOCX, and a Chinese reader sees the overview in Chinese", async () => {
    const page = await openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", overviewUrl, {
      locale: "zh-CN",
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    await page.getByRole("table", { name: fill(zh.overview.tableCaption, { year: "2014" }) }).waitFor(WAIT);
    const download = page.waitForEvent("download", WAIT);
    await page.getByRole("link", { name: zh.overview.exportCsv }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const text = await readFile((await file.path())!, "utf8");
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(Object.values(zh.overview.columns).join(","));
    expect(lines).toHaveLength(1 + 99);
    // The Word file: a zip whose document has the areas in Chinese and the year's first activity.
    const docx = page.waitForEvent("download", WAIT);
    await page.getByRole("link", { name: zh.overview.exportDocx }).click();
    const word = await docx;
    expect(word.suggestedFilename()).toMatch(/\.docx$/);
    const xml = strFromU8(unzipSync(await readFile((await word.path())!))["word/document.xml"]);
    expect(xml).toContain(zh.areas.overall);
    expect(xml).toContain("Møde med GEO og Cowi");
    await expectAccessible(page, "overview in Chinese");
    await page.context().close();
  });
});
