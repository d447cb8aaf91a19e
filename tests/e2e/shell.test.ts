import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
/** The main pages' screenshots are this run's artefacts (every run; other browser tests add theirs when `TWINNING_SHOTS` is set). */
const SHOTS = process.env.TWINNING_SHOTS ?? new URL("../.artifacts/screenshots", import.meta.url).pathname;

/**
 * The app shell as people use it: the sidebar on a wide screen (Bycirklen, Danish) and as a drawer on
 * a phone (Wuxi, Chinese), by keyboard — skip link, landmarks, Escape closing the drawer with focus
 * back on its toggle —, without JavaScript, breadcrumbs, and no sideways scrolling on any page at 360,
 * 768 and 1440 px (with screenshots of each page at 360 and 1440 px in tests/.artifacts/screenshots, or `$TWINNING_SHOTS`).
 */
describe("the app shell", () => {
  let app: RunningApp;
  let browser: Browser;
  let space: string;
  let doc: string;
  let board: string;
  const toggle = (page: Page) => page.locator(".sidebar-toggle");
  const sidebar = (page: Page) => page.locator("#sidebar");

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const [agreement] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    [space, doc] = [agreement.spaceId, agreement.id];
    [{ id: board }] = await app.db.owner`select id from boards where space_id = ${space} order by created_at limit 1`;
  });

  it("on a wide screen: the spaces, the open space's documents and boards, the current page marked, breadcrumbs, and a sidebar hidden at will", async () => {
    const page = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/s/${space}/docs/${doc}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator(".document-body").waitFor();
    const nav = page.getByRole("navigation", { name: da.shell.sidebar });
    await nav.waitFor();
    // The open space lists its documents (with type and status for screen readers) and boards; the page is marked.
    const [{ title }] = await app.db.owner`select title from documents where id = ${doc}`;
    const current = nav.locator('a[aria-current="page"]');
    expect(await current.count()).toBe(1);
    expect(await current.innerText()).toContain(title);
    expect(await current.textContent()).toContain(`${da.documentTypes.agreement}, ${da.documentStatuses.draft}`);
    // Breadcrumbs lead back to the space.
    const crumbs = page.getByRole("navigation", { name: da.shell.breadcrumbs });
    const [{ title: spaceTitle }] = await app.db.owner`select title from spaces where id = ${space}`;
    expect(await crumbs.getByRole("link").allInnerTexts()).toEqual([spaceTitle]);
    const [{ title: boardTitle }] = await app.db.owner`select title from boards where id = ${board}`;
    await nav.getByRole("link", { name: new RegExp(boardTitle) }).click();
    await page.waitForURL(`**/boards/${board}`);
    await expect.poll(() => nav.locator('a[aria-current="page"]').innerText()).toContain(boardTitle);
    // The document opened before is under "recently opened".
    await nav.getByText(da.shell.recent).waitFor();
    expect(await nav.locator('[aria-labelledby="sidebar-recent"] a').first().innerText()).toContain(title);
    await expectAccessible(page, "board with the sidebar");

    // Hidden by its own button (focus goes to the header's toggle), remembered after a reload, shown again.
    await nav.getByRole("link", { name: da.shell.hideSidebar }).click();
    await expect.poll(() => sidebar(page).isVisible()).toBe(false);
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("false");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("sidebar-toggle"))).toBe(true);
    await page.reload();
    await expect.poll(() => toggle(page).getAttribute("aria-expanded")).toBe("false");
    expect(await sidebar(page).isVisible()).toBe(false);
    await toggle(page).click();
    await sidebar(page).waitFor();
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    await page.context().close();
  });

  it("on a phone, by keyboard: the skip link, the landmarks, a 56 px header, a drawer that takes focus, closes on Escape and after navigating", async () => {
    const page = await openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", `${app.url}/s/${space}`, { locale: "zh-CN", viewport: { width: 360, height: 740 } });
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    expect(await page.locator(".site-header").evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(56);
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip-link");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    for (const role of ["banner", "main"] as const) expect(await page.getByRole(role).count()).toBe(1);

    // The drawer: closed at first, opened from the keyboard, focus inside, the page behind inert.
    expect(await sidebar(page).isVisible()).toBe(false);
    await toggle(page).focus();
    await page.keyboard.press("Enter");
    await sidebar(page).waitFor();
    expect(await toggle(page).getAttribute("aria-expanded")).toBe("true");
    expect(await page.evaluate(() => !!document.activeElement?.closest("#sidebar"))).toBe(true);
    expect(await page.locator("main").getAttribute("inert")).not.toBeNull();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, "drawer in Chinese");
    await page.screenshot({ path: `${SHOTS}/shell-drawer-360.png` });
    await page.keyboard.press("Escape");
    await expect.poll(() => sidebar(page).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("sidebar-toggle"))).toBe(true);
    expect(await page.locator("main").getAttribute("inert")).toBeNull();

    // A link in the drawer navigates and the drawer closes.
    await toggle(page).click();
    await sidebar(page).getByRole("link", { name: zh.shell.overview, exact: true }).waitFor();
    const [{ title }] = await app.db.owner`select title from documents where id = ${doc}`;
    await sidebar(page).getByRole("link", { name: new RegExp(`^${title.slice(0, 20)}`) }).click();
    await page.waitForURL(`**/docs/${doc}`);
    await expect.poll(() => sidebar(page).isVisible()).toBe(false);
    await page.context().close();
  });

  it("without JavaScript the drawer opens as the toggle's target", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: "da-DK" });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.locator('input[name="email"]').fill(demoEmail("bycirklen"));
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.waitForURL(`${app.url}/`);
    expect(await sidebar(page).isVisible()).toBe(false);
    await toggle(page).click();
    await sidebar(page).waitFor();
    expect(page.url()).toContain("#sidebar");
    await context.close();
  });

  it("no page scrolls sideways at 360, 768 or 1440 px", async () => {
    const [{ id: card }] = await app.db.owner`select id from cards where board_id = ${board} and deleted_at is null order by created_at limit 1`;
    const [{ id: version }] = await app.db.owner`select id from document_versions where document_id = ${doc} order by created_at limit 1`;
    const [{ id: ballerup }] = await app.db.owner`select id from tenants where slug = 'ballerup-kommune'`;
    const d = `/s/${space}/docs/${doc}`;
    const b = `/s/${space}/boards/${board}`;
    const pages = {
      home: "/",
      inbox: "/inbox",
      search: "/search?q=Wuxi",
      account: "/account",
      tenant: "/t/bycirklen",
      "tenant-audit": "/t/bycirklen/audit",
      "new-space": "/t/bycirklen/spaces/new",
      "new-tenant": "/tenants/new",
      space: `/s/${space}`,
      people: `/s/${space}/people`,
      overview: `/s/${space}/overview?year=2014`,
      "space-settings": `/s/${space}/settings`,
      "space-audit": `/s/${space}/audit`,
      "new-document": `/s/${space}/docs/new`,
      "new-board": `/s/${space}/boards/new`,
      document: d,
      history: `${d}/history`,
      version: `${d}/versions/${version}`,
      compare: `${d}/compare?from=${version}&to=now`,
      approval: `${d}/approval`,
      comments: `${d}/comments`,
      board: b,
      "board-list": `${b}?view=list`,
      "board-calendar": `${b}?view=calendar`,
      "board-timeline": `${b}?view=timeline`,
      card: `${b}/cards/${card}`,
    };
    const page = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/`);
    const partnerAdmin = await openAsDemoUser(browser, app.url, "ballerup-kommune", `${app.url}/`);
    const anonymous = await (await browser.newContext({ locale: "da-DK" })).newPage();
    const wide: string[] = [];
    for (const width of [360, 768, 1440]) {
      for (const p of [page, partnerAdmin, anonymous]) await p.setViewportSize({ width, height: 900 });
      const visits: [Page, string, string][] = [
        ...Object.entries(pages).map(([name, path]) => [page, name, path] as [Page, string, string]),
        // A partner's admin chooses who of theirs takes part.
        [partnerAdmin, "partner", `/s/${space}/partners/${ballerup}`],
        [anonymous, "landing", "/"],
        [anonymous, "login", "/login"],
        [anonymous, "signup", "/signup"],
      ];
      for (const [p, name, path] of visits) {
        const response = await p.goto(`${app.url}${path}`);
        expect(response?.status(), path).toBe(200);
        await p.locator("main h1").first().waitFor();
        const scroll = await p.evaluate(() => document.documentElement.scrollWidth);
        if (scroll > width) wide.push(`${name} at ${width} px: ${scroll} px wide`);
        if (width === 360) await expectAccessible(p, `${name} at 360 px`);
        if (width !== 768) await p.screenshot({ path: `${SHOTS}/page-${name}-${width}.png`, fullPage: false });
      }
    }
    expect(wide).toEqual([]);
  }, 240_000);
});
