import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUser, createSpace } from "@twinning/db";
import { loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const SHOTS = process.env.TWINNING_SHOTS;

/**
 * Both time zones in the browser (issue 15): the China strategy was signed at 13:00 UTC on 22 April
 * 2013 — 15:00 in Ballerup (summer time) and 21:00 in Wuxi. Ballerup (Danish, its browser set to New
 * York's zone to show the page does not depend on it) and Wuxi (Chinese) each read the time in their
 * own zone first and the partner's beside it, on the signed banner and its table of approvals; a
 * space with no partner elsewhere shows one time. Both at 360 and 1440 px, without sideways scroll.
 */
describe("times in both zones", () => {
  let app: RunningApp;
  let browser: Browser;
  let docUrl: string;
  const pages: Record<string, Page> = {};
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    browser = await launchBrowser();
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'kina-erhvervsstrategi-2013-2016'`;
    docUrl = `${app.url}/s/${doc.spaceId}/docs/${doc.id}`;
    pages.ballerup = await openAsDemoUser(browser, app.url, "ballerup-kommune", docUrl, { timezoneId: "America/New_York" });
    pages.wuxi = await openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", docUrl, { locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    for (const page of Object.values(pages)) page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  });
  afterAll(() => browser?.close());

  const banner = (page: Page) => page.locator(".signed-banner");

  it("Ballerup reads the signing in Danish time first, Wuxi's beside it; the approvals too", async () => {
    const page = pages.ballerup;
    await banner(page).waitFor();
    const text = await banner(page).innerText();
    expect(text).toContain("22. apr. 2013, 15.00 Danmark · 21.00 Kina");
    // Wuxi approved at 08:00 UTC on 15 April: 10:00 in Ballerup, 16:00 in Wuxi.
    const wuxiRow = banner(page).locator("tr", { hasText: "Wuxi" });
    // In a table cell the partner's time has a line of its own.
    expect((await wuxiRow.locator("time").innerText()).replace(/\s+/g, " ")).toBe("15. apr. 2013, 10.00 Danmark 16.00 Kina");
    expect(await wuxiRow.locator("time").getAttribute("datetime")).toBe("2013-04-15T08:00:00.000Z");
  });

  it("Wuxi reads the same instant in China's time first, in Chinese", async () => {
    const page = pages.wuxi;
    await banner(page).waitFor();
    expect(await banner(page).innerText()).toContain("2013年4月22日 21:00 中国 · 15:00 丹麦");
    await expectAccessible(page, "signed banner with both zones, in Chinese");
  });

  it("fits at 360 and 1440 px, and nothing differs between the server's page and the browser's", async () => {
    for (const [name, page] of Object.entries(pages)) {
      for (const width of [360, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        if (SHOTS) await banner(page).screenshot({ path: `${SHOTS}/time-zones-${name}-${width}.png` });
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => `${e.tagName}.${e.className}`)
            .slice(0, 8),
        );
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} at ${width}: ${wide.join(", ")}`).toBe(true);
      }
    }
    await expectAccessible(pages.ballerup, "signed banner with both zones, in Danish");
    expect(errors.filter((e) => /hydrat|did not match/i.test(e))).toEqual([]);
  });

  it("the audit log of a space with Wuxi shows both times; of a space of Danish parties only, one", async () => {
    // The strategy's space is Bycirklen's: its admin reads the audit log.
    const [doc] = await app.db.owner`select space_id from documents where template = 'kina-erhvervsstrategi-2013-2016'`;
    const host = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/s/${doc.spaceId}/audit`);
    await host.locator("table time").first().waitFor();
    expect(await host.locator("table .zoned-time").first().innerText()).toMatch(/^\d+\. \w+\. \d{4}, \d\d\.\d\d Danmark\s+(\d+\. \w+\., )?\d\d\.\d\d Kina$/);
    const page = pages.ballerup;
    const [ballerup] = await app.db.owner`select id from tenants where slug = 'ballerup-kommune'`;
    const space = await asUser(app.db.sql, "demo-ballerup-kommune", (tx) =>
      createSpace(tx, { hostTenantId: ballerup.id, title: "Kun Ballerup", color: "green", icon: "globe", private: false, actorId: "demo-ballerup-kommune" }),
    );
    await page.goto(`${app.url}/s/${space.id}/audit`);
    await page.locator("table time").first().waitFor();
    expect(await page.locator("table time").first().innerText()).toMatch(/^\d+\. \w+\. \d{4}, \d\d\.\d\d$/);
    expect(await page.locator(".zoned-time").count()).toBe(0);
  });
});
