import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { launchBrowser } from "../helpers/browser";

/**
 * The open-redirect shapes in Chromium itself, which drops tabs and newlines from a Location and reads
 * a backslash as a slash: after log-in (by the form, with and without JavaScript) and when a signed-in
 * user opens the log-in page, every target lands on the site. Requests to evil.example are caught, so
 * a redirect there would be seen rather than fail on DNS.
 */
describe("redirects after log-in in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  const targets = ["/\t/evil.example", "/\\evil.example", "//evil.example", "/\\/evil.example", "%2F%2Fevil.example", "/%09/evil.example", "/%5C/evil.example", "/\n/evil.example", "javascript:alert(1)", "https://evil.example/"];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await app.auth.signUp({ name: "Anna Berg", email: "anna@egedal.dk", password: "egedal-rådhus-2016", locale: "da" });
  });

  async function page(javaScript: boolean): Promise<{ page: Page; evil: string[] }> {
    const context = await browser.newContext({ locale: "da-DK", javaScriptEnabled: javaScript });
    const evil: string[] = [];
    await context.route((url) => url.hostname.endsWith("evil.example"), (route) => {
      evil.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: "<title>evil</title>" });
    });
    return { page: await context.newPage(), evil };
  }

  it.each([true, false])("with JavaScript %s, every target lands on the site", async (javaScript) => {
    const { page: p, evil } = await page(javaScript);
    const own = new URL(app.url).origin;
    for (const target of targets) {
      await p.context().clearCookies();
      await p.goto(`${app.url}/login?redirectTo=${encodeURIComponent(target)}`);
      await p.getByLabel("E-mailadresse").fill("anna@egedal.dk");
      await p.getByLabel("Adgangskode").fill("egedal-rådhus-2016");
      await p.getByRole("button", { name: "Log ind" }).click();
      await expect.poll(() => p.getByRole("heading", { level: 1 }).textContent(), { message: JSON.stringify(target) }).toBe("Velkommen, Anna Berg");
      expect(new URL(p.url()).origin, JSON.stringify(target)).toBe(own);
      // Signed in, the log-in page sends the user on at once.
      await p.goto(`${app.url}/login?redirectTo=${encodeURIComponent(target)}`);
      await expect.poll(() => p.getByRole("heading", { level: 1 }).textContent()).toBe("Velkommen, Anna Berg");
      expect(new URL(p.url()).origin).toBe(own);
    }
    expect(evil).toEqual([]);
    await p.context().close();
  });
});
