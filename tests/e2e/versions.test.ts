import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const EDITABLE = '.document-body[contenteditable="true"]';
/** Where the screenshots of the version pages go (looked at by hand; `TWINNING_SHOTS=dir` to keep them). */
const SHOTS = process.env.TWINNING_SHOTS;
/** How long to wait for what the server or another browser does (two busy cores). */
const WAIT = { timeout: 10_000 };

/** Versions in Chromium: save a named version, edit, compare, restore live into another tenant's open editor. */
describe("versions in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let agreementUrl: string;
  const pages: Page[] = [];

  async function open(slug: string, url: string, options: { locale?: string; width?: number } = {}): Promise<Page> {
    const page = await openAsDemoUser(browser, app.url, slug, url, { locale: options.locale ?? "da-DK", viewport: { width: options.width ?? 1440, height: 900 } });
    pages.push(page);
    return page;
  }
  const editorText = (page: Page) => page.locator(".document-body[contenteditable]").innerText();
  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${name}.png` });
  };
  /** Elements wider than the window (none: no horizontal scrolling). */
  const overflowing = (page: Page) =>
    page.evaluate(() =>
      document.documentElement.scrollWidth <= document.documentElement.clientWidth
        ? []
        : [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && getComputedStyle(el).position !== "absolute")
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    );

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [agreement] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    agreementUrl = `${app.url}/s/${agreement.spaceId}/docs/${agreement.id}`;
  });
  afterAll(() => Promise.all(pages.map((p) => p.context().close())));

  it("an editor saves a named version, edits, and the comparison shows the edit highlighted", async () => {
    const ballerup = await open("ballerup-kommune", agreementUrl);
    await ballerup.locator(EDITABLE).waitFor();
    await expect.poll(() => ballerup.locator(".save-status").getAttribute("data-state"), WAIT).toBe("saved");

    await ballerup.getByRole("button", { name: "Historik" }).click();
    const panel = ballerup.getByRole("region", { name: "Historik" });
    await expect.poll(() => panel.getByRole("link", { name: "Udkast sendt til Wuxi" }).count(), WAIT).toBe(1);
    await expect.poll(() => panel.getByRole("link", { name: "Første udkast" }).count(), WAIT).toBe(1);
    await panel.getByLabel("Versionens navn").fill("Før styregruppemødet");
    await panel.getByRole("button", { name: "Gem version" }).click();
    await expect.poll(() => panel.getByRole("status").innerText(), WAIT).toContain("Versionen “Før styregruppemødet” er gemt.");
    await expect.poll(() => panel.getByRole("link", { name: "Før styregruppemødet" }).count(), WAIT).toBe(1);
    expect(await panel.getByLabel("Versionens navn").inputValue()).toBe("");
    await expectAccessible(ballerup, "document page with the history panel");
    await shot(ballerup, "history-panel-1440");

    // A new point at the end of the background section.
    const point = ballerup.locator(`${EDITABLE} li p`).filter({ hasText: "Evalueringens anbefaling" });
    const box = (await point.boundingBox())!;
    // Clicked right of the text's end (the paragraph spans the column), as a person adding a line would.
    await point.click({ position: { x: box.width - 4, y: box.height / 2 } });
    await ballerup.keyboard.press("End");
    await ballerup.keyboard.press("Enter");
    await ballerup.keyboard.type("Parterne mødes hvert forår i Wuxi.", { delay: 10 });
    await expect.poll(() => ballerup.locator(".save-status").getAttribute("data-state"), WAIT).toBe("saved");

    // The newest version's "compare with now".
    await panel.getByRole("listitem").filter({ hasText: "Før styregruppemødet" }).getByRole("link", { name: "Sammenlign med nu" }).click();
    await ballerup.waitForURL(/\/compare\?/);
    const inserted = ballerup.locator(".document-body ins.diff-ins");
    await expect.poll(() => inserted.allTextContents(), WAIT).toEqual(["indsat: Parterne mødes hvert forår i Wuxi."]);
    expect(await ballerup.getByRole("status").innerText()).toBe("1 indsættelse, 0 sletninger");
    // Not colour alone: underlined, and named for screen readers.
    expect(await inserted.first().evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe("underline");
    await expectAccessible(ballerup, "compare");
    await shot(ballerup, "compare-1440");
  });

  it("restoring the first draft appears live in another tenant's open editor", async () => {
    const wuxi = await open("wuxi-foreign-affairs-office", agreementUrl, { locale: "zh-CN" });
    await wuxi.locator(EDITABLE).waitFor();
    await expect.poll(() => editorText(wuxi), WAIT).toContain("Parterne mødes hvert forår i Wuxi.");
    expect(await editorText(wuxi)).toContain("Kultur og fritid");

    const ballerup = pages[0];
    await ballerup.goto(`${agreementUrl}/history`);
    await ballerup.getByRole("link", { name: "Første udkast" }).click();
    await ballerup.waitForURL(/\/versions\//);
    expect(await ballerup.locator(".document-body").innerText()).toContain("Kina-samarbejdet drøftes på Bycirklens møder efter behov.");
    await expectAccessible(ballerup, "version page");
    await ballerup.getByText("Gendan denne version…").click();
    await shot(ballerup, "version-restore-1440");
    expect(await ballerup.getByText("Intet går tabt").count()).toBe(1);
    await ballerup.getByRole("button", { name: "Gendan", exact: true }).click();
    await expect.poll(() => ballerup.getByRole("status").innerText(), WAIT).toContain("Versionen er gendannet.");

    // Wuxi's editor, open all along, now holds the first draft: no culture section, the older sentence, not the new line.
    await expect.poll(() => editorText(wuxi), WAIT).toContain("Kina-samarbejdet drøftes på Bycirklens møder efter behov.");
    const text = await editorText(wuxi);
    expect(text).not.toContain("Kultur og fritid");
    expect(text).not.toContain("Parterne mødes hvert forår i Wuxi.");
    await expectAccessible(ballerup, "version page after the restore");

    // Wuxi reads the history in Chinese.
    await wuxi.getByRole("button", { name: "历史记录" }).click();
    const panel = wuxi.getByRole("region", { name: "历史记录" });
    await expect.poll(() => panel.getByRole("link", { name: "Første udkast" }).count(), WAIT).toBe(1);
    await expectAccessible(wuxi, "history panel in Chinese");
  });

  it("works at 360 px without horizontal scrolling", async () => {
    const narrow = await open("egedal-kommune", agreementUrl, { width: 360 });
    await narrow.locator(EDITABLE).waitFor();
    await narrow.getByRole("button", { name: "Historik" }).click();
    const panel = narrow.getByRole("region", { name: "Historik" });
    await expect.poll(() => panel.getByRole("link", { name: "Før styregruppemødet" }).count(), WAIT).toBe(1);
    expect(await overflowing(narrow)).toEqual([]);
    await expectAccessible(narrow, "history panel at 360 px");
    await shot(narrow, "history-panel-360");
    await panel.getByRole("listitem").filter({ hasText: "Udkast sendt til Wuxi" }).getByRole("link", { name: "Sammenlign med den forrige version" }).click();
    await narrow.waitForURL(/\/compare\?/);
    await expect.poll(() => narrow.locator("ins.diff-ins, del.diff-del").count(), WAIT).toBeGreaterThan(0);
    expect(await overflowing(narrow)).toEqual([]);
    await expectAccessible(narrow, "compare at 360 px");
    await shot(narrow, "compare-360");
    await narrow.goto(`${agreementUrl}/history`);
    expect(await overflowing(narrow)).toEqual([]);
    await expectAccessible(narrow, "history page at 360 px");
    await shot(narrow, "history-page-360");
  });
});
