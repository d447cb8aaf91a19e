import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout });
const LINE = "Udnytte kontakten til en lokal kunstner i Wuxi fra besøget i november 2015.";

/** Whether the element holding the selection (or focus) shows `text` and is inside the viewport. */
function landedOn(page: Page, text: string) {
  return page.evaluate((wanted) => {
    const node = window.getSelection()?.anchorNode ?? null;
    const el = (node instanceof Element ? node : node?.parentElement)?.closest("p, li, h1, h2, h3, td") ?? document.activeElement;
    if (!el?.textContent?.includes(wanted)) return "elsewhere";
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight ? "visible" : "off-screen";
  }, text);
}

/**
 * Search from the header by keyboard in a browser: Ballerup (Danish, 1440 px) presses `/`, types,
 * chooses the document hit with the arrow keys and lands on its block, deep in the renewal
 * agreement; an edit is found within seconds; Wuxi (Chinese, 360 px) finds its tenant by Chinese name
 * with Ctrl+K and on the results page, without sideways scrolling; axe finds nothing on either.
 */
describe("search in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let docUrl: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [doc] = await app.db.owner`select id, space_id from documents where type = 'agreement' and title like 'Samarbejdsaftale mellem Bycirklen og Wuxi%'`;
    docUrl = `/s/${doc.spaceId}/docs/${doc.id}`;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("by keyboard from the header to the block of a document; an edit is found", async () => {
    const page = await openAsDemoUser(browser, app.url, "ballerup-kommune", `${app.url}/`, { viewport: { width: 1440, height: 900 } });
    const box = page.getByRole("combobox", { name: "Søg" });
    await page.locator("h1").first().click();
    await page.keyboard.press("/");
    await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("kunstner");
    const list = page.getByRole("listbox", { name: "Søgeresultater" });
    const documentHit = list.getByRole("option").filter({ hasText: "Samarbejdsaftale" }).filter({ hasText: "kunstner" });
    await documentHit.first().waitFor();
    expect(await documentHit.first().locator("mark").innerText()).toBe("kunstner");
    await expectAccessible(page, "header search with results open");
    // Arrow down to the document hit, then Enter.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("ArrowDown");
      const active = await box.getAttribute("aria-activedescendant");
      if (active && (await page.locator(`[id="${active}"]`).innerText()).includes(LINE.slice(0, 20))) break;
    }
    await page.keyboard.press("Enter");
    await page.waitForURL(/\?block=\d+$/);
    expect(new URL(page.url()).pathname).toBe(docUrl);
    await page.locator('.document-body[contenteditable="true"]').waitFor();
    await poll(() => landedOn(page, LINE)).toBe("visible");

    // The index follows an edit: a new word typed here is found as you type within seconds.
    await page.keyboard.press("End");
    await page.keyboard.type(" Zebrafinkeprojekt.");
    const query = () => page.evaluate(() => fetch("/api/search?q=zebrafinkeprojekt").then((r) => r.json() as Promise<{ hits: { href: string }[] }>));
    await poll(async () => (await query()).hits.map((h) => h.href), 15_000).toEqual([expect.stringMatching(new RegExp(`^${docUrl}\\?block=\\d+$`))]);
    await page.context().close();
  });

  it("in Chinese at 360 px: Ctrl+K, a tenant by its Chinese name, the results page with filters", async () => {
    const page = await openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", `${app.url}/`, { viewport: { width: 360, height: 740 }, locale: "zh-CN" });
    await page.locator("h1").first().click();
    await page.keyboard.press("Control+k");
    const box = page.getByRole("combobox", { name: "搜索" });
    await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("江苏");
    await page.getByRole("listbox", { name: "搜索结果" }).getByRole("option").filter({ hasText: "江苏省" }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search\?q=/);
    await page.getByRole("heading", { level: 1, name: "“江苏”的搜索结果" }).waitFor();
    expect(await page.locator(".search-result mark").first().innerText()).toBe("江苏");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await expectAccessible(page, "search results page (zh-CN, 360 px)");
    // A filter narrows the results: only organisations.
    await page.getByLabel("类型").selectOption("tenant");
    await page.getByRole("button", { name: "搜索", exact: true }).click();
    await page.waitForURL(/kind=tenant/);
    const kinds = await page.locator(".search-result .search-kind").allInnerTexts();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(["组织"]));
    await page.context().close();
  });
});
