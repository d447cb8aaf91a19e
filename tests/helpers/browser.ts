import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, expect } from "vitest";
import { DEMO_PASSWORD, demoEmail } from "@twinning/demo-world";

/** Debian's Chromium, headless, with the flags this sandboxed machine needs (no outside network). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  watchContentSecurityPolicy(browser);
  afterAll(async () => {
    const all = [...violations.values()].flat();
    await browser.close();
    expect(all, "Content-Security-Policy violations in this file's pages").toEqual([]);
  });
  return browser;
}

/** Content-Security-Policy violations seen per page, until a test takes them. */
const violations = new Map<Page, string[]>();

/**
 * Every context the tests open reports the page's `securitypolicyviolation` events into `violations`:
 * `expectAccessible` and the end of each file fail on any. A violation caused by a script the test
 * itself evaluated has no source file — axe-core adds `<style>` elements while it inspects stylesheets —
 * and is not the app's; everything the page's own markup and scripts do has one.
 */
function watchContentSecurityPolicy(browser: Browser): void {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser["newContext"]>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        if (!e.sourceFile) return;
        console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber}) "${e.sample}"`);
      });
    });
    context.on("page", (page) => {
      violations.set(page, []);
      page.on("console", (message) => {
        if (message.type() === "error" && message.text().startsWith("CSP violation: ")) {
          violations.get(page)!.push(`${page.url()}: ${message.text()}`);
        }
      });
    });
    return context;
  };
}

/** The policy violations this page reported so far, forgotten once taken. */
export function takeCspViolations(page: Page): string[] {
  const seen = violations.get(page) ?? [];
  violations.set(page, []);
  return seen;
}

/** Fails with the list of violations when axe finds any WCAG 2.1 A/AA problem on the page, or the page broke the Content-Security-Policy. */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(problems, `axe on ${label}`).toEqual([]);
  expect(takeCspViolations(page), `Content-Security-Policy on ${label}`).toEqual([]);
}

/** A page in a new context, logged in as a demo user through the log-in form, then at `url`. */
export async function openAsDemoUser(browser: Browser, appUrl: string, slug: string, url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: "da-DK", ...options });
  const page = await context.newPage();
  await page.goto(`${appUrl}/login`);
  await page.locator('input[name="email"]').fill(demoEmail(slug));
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('form[method="post"] button[type="submit"]').last().click();
  await page.waitForURL(`${appUrl}/`);
  await page.goto(url);
  return page;
}
