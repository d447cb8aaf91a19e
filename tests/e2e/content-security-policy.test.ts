import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { launchBrowser, takeCspViolations } from "../helpers/browser";

/**
 * The policy in a real browser: Remix's inline scripts run (they carry the response's nonce), any other
 * inline script is refused, and the helper that fails every browser test on a violation does see one.
 */
describe("the Content-Security-Policy in the browser", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  });

  it("runs Remix's own inline scripts and refuses an injected one, reporting it", async () => {
    const page = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await page.goto(`${app.url}/login`);
    // Remix's inline script sets its context, then the app hydrates.
    expect(await page.evaluate(() => typeof (window as { __remixContext?: unknown }).__remixContext)).toBe("object");
    await expect.poll(() => page.evaluate(() => typeof (window as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
    expect(takeCspViolations(page)).toEqual([]);

    // Markup smuggled into the page's HTML (what a stored XSS would add) gets no nonce and does not run.
    await page.route(`${app.url}/login`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace("</body>", "<script>window.injected = true</script></body>");
      await route.fulfill({ response, body });
    });
    await page.reload();
    const seen: string[] = [];
    await expect.poll(() => (seen.push(...takeCspViolations(page)), seen.join("\n"))).toContain("script-src");
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
    // Remix's own scripts still ran on the reloaded page.
    await expect.poll(() => page.evaluate(() => typeof (window as { __remixRouter?: unknown }).__remixRouter)).toBe("object");
  });
});
