import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const SHOTS = process.env.TWINNING_SHOTS;
const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
const BOARD_ROUTE = "routes/s.$spaceId_.boards.$boardId";
const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout });

/**
 * A card opens in a panel over its board, with its own URL: by click and by keyboard, Escape and the
 * close button give focus back to the card, the back button reopens and closes it, a direct visit
 * renders board and panel, another card swaps it; at 1440 px a drawer, at 360 px a sheet covering the
 * screen without sideways scrolling. Ballerup and Wuxi (in Chinese) see each other's changes live,
 * the board behind does not reload for the panel's forms, and a draft being typed survives others'
 * changes. Without JavaScript the card URL renders the board with the panel and its forms post.
 */
describe("the card panel over the board", () => {
  let app: RunningApp;
  let browser: Browser;
  let boardUrl: string;
  let boardTitle: string;
  let cards: { id: string; title: string }[];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [board] = await app.db.owner`
      select b.id, b.space_id, b.title from boards b join spaces s on s.id = b.space_id
      where s.title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019' order by b.title limit 1`;
    boardUrl = `${app.url}/s/${board.spaceId}/boards/${board.id}`;
    boardTitle = board.title;
    cards = await app.db.owner`select id, title from cards where board_id = ${board.id} and deleted_at is null order by position limit 3`;
    expect(cards.length).toBe(3);
  });

  const cardUrl = (id: string) => `${boardUrl}/cards/${id}`;
  const chip = (page: Page, id: string) => page.locator(`li[data-card-id="${id}"] a.card-title`);
  const panel = (page: Page) => page.locator(".card-panel");
  const focusInPanel = (page: Page) => page.evaluate(() => document.activeElement?.closest(".card-panel") != null);
  const isFocused = (page: Page, id: string) => chip(page, id).evaluate((el) => el === document.activeElement);
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  };
  /**
   * A page at `url` that lists the requests loading the board route's data (single fetch: a GET of
   * `….data` without `_routes`, or naming it), once the board's stream has caught up after opening
   * (its "ready" reloads the board once): what `since()` lists after that, the test caused.
   */
  const watchBoardLoads = async (slug: string, url: string, options: Parameters<typeof openAsDemoUser>[4]) => {
    const page = await openAsDemoUser(browser, app.url, slug, `${app.url}/account`, options);
    const loads: string[] = [];
    page.on("request", (request) => {
      const data = new URL(request.url());
      if (request.method() !== "GET" || !data.pathname.endsWith(".data")) return;
      const routes = data.searchParams.get("_routes");
      if (!routes || routes.split(",").includes(BOARD_ROUTE)) loads.push(`${data.pathname}?_routes=${routes ?? "(all)"}`);
    });
    await page.goto(url);
    await poll(() => loads.length).toBeGreaterThanOrEqual(1);
    return { page, since: () => loads.splice(0) };
  };

  for (const width of [1440, 360]) {
    it(`at ${width} px: opens by click and by Enter, edits, closes by Escape and by its button with focus back on the card, follows the back button`, async () => {
      const [first, second] = cards;
      const page = await openAsDemoUser(browser, app.url, "ballerup-kommune", cardUrl(first.id), { viewport: { width, height: 800 } });

      // A direct visit: the board, and the card's panel over it, labelled by the card's title.
      await page.getByRole("dialog", { name: first.title }).waitFor();
      expect(await page.getByRole("heading", { level: 1, name: boardTitle }).count()).toBe(1);
      expect(await chip(page, first.id).count()).toBe(1);
      await poll(() => focusInPanel(page)).toBe(true);
      const box = (await panel(page).boundingBox())!;
      if (width === 360) expect(box).toMatchObject({ x: 0, y: 0, width: 360, height: 800 });
      else expect(box.x + box.width).toBe(width);
      expect(await noSidewaysScroll(page)).toBe(true);
      await expectAccessible(page, `card panel at ${width} px`);
      await shot(page, `card-panel-${width}`);

      // Escape closes it: the board's URL, and focus on the card that was open.
      await page.keyboard.press("Escape");
      await page.waitForURL(boardUrl);
      await poll(() => panel(page).count()).toBe(0);
      await poll(() => isFocused(page, first.id)).toBe(true);
      await expectAccessible(page, `board after the panel closed at ${width} px`);

      // By click: the card's URL, focus in the panel; an edit is saved.
      await chip(page, first.id).click();
      await page.waitForURL(cardUrl(first.id));
      await page.getByRole("dialog", { name: first.title }).waitFor();
      await poll(() => focusInPanel(page)).toBe(true);
      const description = `Beskrivelse skrevet i panelet ${width} px ${Date.now()}`;
      await panel(page).getByLabel(da.board.description).fill(description);
      await panel(page).getByRole("button", { name: da.account.save, exact: true }).click();
      await panel(page).getByRole("status").filter({ hasText: da.board.notices.saved }).waitFor();
      await poll(async () => (await app.db.owner`select description from cards where id = ${first.id}`)[0].description).toBe(description);

      // Escape from a field of the panel closes it too.
      await panel(page).getByLabel(da.board.description).focus();
      await page.keyboard.press("Escape");
      await page.waitForURL(boardUrl);
      await poll(() => isFocused(page, first.id)).toBe(true);

      // The back button reopens the card it closed, and once more closes it; forward reopens it.
      await page.goBack();
      await page.waitForURL(cardUrl(first.id));
      await page.getByRole("dialog", { name: first.title }).waitFor();
      expect(await panel(page).getByLabel(da.board.description).inputValue()).toBe(description);
      await page.goBack();
      await page.waitForURL(boardUrl);
      await poll(() => panel(page).count()).toBe(0);
      await page.goForward();
      await page.waitForURL(cardUrl(first.id));
      await page.getByRole("dialog", { name: first.title }).waitFor();
      await page.getByRole("link", { name: da.board.closeCard }).click();
      await page.waitForURL(boardUrl);
      await poll(() => isFocused(page, first.id)).toBe(true);

      // By keyboard: Enter on the card opens it, focus moves into the panel; its close button (by keyboard) closes it.
      await chip(page, second.id).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(cardUrl(second.id));
      await page.getByRole("dialog", { name: second.title }).waitFor();
      await poll(() => focusInPanel(page)).toBe(true);
      await page.getByRole("link", { name: da.board.closeCard }).focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(boardUrl);
      await poll(() => isFocused(page, second.id)).toBe(true);
      await page.context().close();
    });
  }

  it("another card from the board swaps the panel; the panel's forms do not reload the board", async () => {
    const [first, second, third] = cards;
    await app.db.owner`update cards set description = ${"Den tredje korts beskrivelse"} where id = ${third.id}`;
    const { page, since } = await watchBoardLoads("ballerup-kommune", boardUrl, { viewport: { width: 1440, height: 900 } });
    since();
    await chip(page, first.id).click();
    await page.getByRole("dialog", { name: first.title }).waitFor();
    await panel(page).getByLabel(da.board.description).fill("Ikke gemt");
    // The board stays clickable beside the drawer: the third card replaces the first, with its own fields.
    await chip(page, third.id).click();
    await page.waitForURL(cardUrl(third.id));
    await page.getByRole("dialog", { name: third.title }).waitFor();
    expect(await page.locator(".card-panel").count()).toBe(1);
    await poll(() => panel(page).getByLabel(da.board.description).inputValue()).toBe("Den tredje korts beskrivelse");
    await poll(() => focusInPanel(page)).toBe(true);

    // Opening a card loads only the card; saving in it loads the card again, not the board.
    await chip(page, second.id).click();
    await page.getByRole("dialog", { name: second.title }).waitFor();
    const item = `Tjek ${Date.now()}`;
    await panel(page).getByLabel(da.board.newChecklistItem).fill(item);
    await panel(page).getByRole("button", { name: da.board.add, exact: true }).click();
    await panel(page).getByRole("checkbox", { name: item }).waitFor();
    await panel(page).getByLabel(da.board.newComment).fill("En kommentar fra panelet");
    await panel(page).getByRole("button", { name: da.board.postComment }).click();
    await panel(page).getByText("En kommentar fra panelet").waitFor();
    // The board learns the card's checklist from its stream, in place.
    const [{ done, total }] = await app.db
      .owner`select count(*) filter (where done)::int as done, count(*)::int as total from card_checklist where card_id = ${second.id}`;
    const count = da.board.checklistCount.replace("{{done}}", String(done)).replace("{{total}}", String(total));
    await poll(() => page.locator(`li[data-card-id="${second.id}"] .card-meta`).innerText()).toContain(count);
    expect(since()).toEqual([]);
    await page.context().close();
  });

  it("Ballerup and Wuxi see each other's changes live; a draft being typed in the panel survives them", async () => {
    const [card] = cards;
    // A retry starts from the same card as the first attempt did.
    await app.db.owner`update cards set title = ${card.title} where id = ${card.id}`;
    const ballerup = await openAsDemoUser(browser, app.url, "ballerup-kommune", cardUrl(card.id), { viewport: { width: 1440, height: 900 } });
    const { page: wuxi, since: wuxiBoardLoads } = await watchBoardLoads("wuxi-foreign-affairs-office", cardUrl(card.id), {
      locale: "zh-CN",
      viewport: { width: 1440, height: 900 },
    });
    await ballerup.getByRole("dialog", { name: card.title }).waitFor();
    await wuxi.getByRole("dialog", { name: card.title }).waitFor();
    // Both streams are open before anything changes (the board's stream catches up when it opens).
    const streams = (slug: string) => app.events.subscribers().filter((s) => s.spaceId !== null && s.user.email === demoEmail(slug)).length;
    await poll(() => Math.min(streams("ballerup-kommune"), streams("wuxi-foreign-affairs-office"))).toBeGreaterThanOrEqual(1);
    wuxiBoardLoads();

    // Wuxi starts a comment and a description, unsaved.
    await panel(wuxi).getByLabel(zh.board.newComment).fill("无锡正在输入的评论");
    await panel(wuxi).getByLabel(zh.board.description).fill("无锡尚未保存的描述");

    // Ballerup renames the card: Wuxi's board and panel show it, Wuxi's drafts stay.
    const renamed = `${card.title} (Ballerup ${Date.now() % 100_000})`;
    await panel(ballerup).getByLabel(da.board.cardTitle).fill(renamed);
    await panel(ballerup).getByRole("button", { name: da.account.save, exact: true }).click();
    await poll(() => chip(wuxi, card.id).innerText()).toBe(renamed);
    await wuxi.getByRole("dialog", { name: renamed }).waitFor();
    await poll(() => panel(wuxi).getByLabel(zh.board.cardTitle).inputValue()).toBe(renamed);
    expect(await panel(wuxi).getByLabel(zh.board.newComment).inputValue()).toBe("无锡正在输入的评论");
    expect(await panel(wuxi).getByLabel(zh.board.description).inputValue()).toBe("无锡尚未保存的描述");

    // Ballerup comments: it appears in Wuxi's panel; Wuxi's draft stays.
    await panel(ballerup).getByLabel(da.board.newComment).fill("Kommentar fra Ballerup");
    await panel(ballerup).getByRole("button", { name: da.board.postComment }).click();
    await panel(wuxi).getByText("Kommentar fra Ballerup").waitFor();
    expect(await panel(wuxi).getByLabel(zh.board.newComment).inputValue()).toBe("无锡正在输入的评论");
    // Wuxi's board took the renamed card from its stream, without reloading.
    expect(wuxiBoardLoads()).toEqual([]);
    await expectAccessible(wuxi, "card panel in Chinese");

    // Wuxi posts its comment: its field empties, and Ballerup sees it.
    await panel(wuxi).getByRole("button", { name: zh.board.postComment }).click();
    await panel(ballerup).getByText("无锡正在输入的评论").waitFor();
    await poll(() => panel(wuxi).getByLabel(zh.board.newComment).inputValue()).toBe("");
    await app.db.owner`update cards set title = ${card.title} where id = ${card.id}`;
    await Promise.all([ballerup.context().close(), wuxi.context().close()]);
  });

  it("without JavaScript the card's URL renders the board with the panel, its forms post and its close link leads to the board", async () => {
    const [, second] = cards;
    const page = await openAsDemoUser(browser, app.url, "ballerup-kommune", cardUrl(second.id), {
      javaScriptEnabled: false,
      viewport: { width: 360, height: 740 },
    });
    await page.getByRole("dialog", { name: second.title }).waitFor();
    expect(await page.getByRole("heading", { level: 1, name: boardTitle }).count()).toBe(1);
    const description = `Uden JavaScript ${Date.now()}`;
    await panel(page).getByLabel(da.board.description).fill(description);
    await panel(page).getByRole("button", { name: da.account.save, exact: true }).click();
    await page.waitForURL(cardUrl(second.id));
    await panel(page).getByRole("status").filter({ hasText: da.board.notices.saved }).waitFor();
    expect((await app.db.owner`select description from cards where id = ${second.id}`)[0].description).toBe(description);
    expect(await panel(page).getByLabel(da.board.description).inputValue()).toBe(description);
    expect(await noSidewaysScroll(page)).toBe(true);
    // Deleting is behind a disclosure, not a dialog; the close link is a plain link to the board.
    expect(await panel(page).locator("details.confirm-action summary").innerText()).toBe(da.confirm.deleteCardOpen);
    await page.getByRole("link", { name: da.board.closeCard }).click();
    await page.waitForURL(boardUrl);
    expect(await page.locator(".card-panel").count()).toBe(0);
    await page.context().close();
  });

  it("a malformed card id, or a card of another board, is a 404 answered inside the panel over the board", async () => {
    const cookie = await logInCookie(app.url, demoEmail("ballerup-kommune"), DEMO_PASSWORD);
    const [other] = await app.db.owner`select c.id from cards c join boards b on b.id = c.board_id where b.id <> ${boardUrl.split("/").at(-1)!} limit 1`;
    for (const id of ["not-a-card", other.id]) {
      const response = await fetch(cardUrl(id), { headers: { Cookie: cookie } });
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toContain('class="card-panel"');
      expect(html).toContain(da.errors.notFoundTitle);
      expect(html).toContain(`<h1 tabindex="-1">${boardTitle}</h1>`);
    }
  });
});
