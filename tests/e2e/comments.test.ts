import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const EDITABLE = '.document-body[contenteditable="true"]';
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });
/** Lines to comment on: a retried test takes the next one (the first attempt's thread stays). */
const QUOTES = ["Evalueringens anbefaling: Bycirklen fortsætter samarbejdet med Wuxi.", "Kina-samarbejdet er fast punkt på dagsordenen på Bycirklens møder."];
let QUOTE = QUOTES[0];

/**
 * Comments on the renewal agreement in two browsers: Ballerup (Danish, 1440 px) comments on a line by
 * keyboard and mentions Wuxi; Wuxi's Foreign Affairs Office (Chinese, 360 px) sees the thread and its
 * highlight arrive live, is told in its inbox, and answers; Ballerup sees the answer and resolves the
 * thread, and the highlight goes from Wuxi's text.
 */
describe("comments in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let url: string;
  let documentId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [doc] = await app.db.owner`select id, space_id from documents where type = 'agreement' and title like 'Samarbejdsaftale mellem Bycirklen og Wuxi%'`;
    url = `${app.url}/s/${doc.spaceId}/docs/${doc.id}`;
    documentId = doc.id;
  });

  /** The threads listed in the page's comments panel (the demo agreement has three already). */
  const threads = (page: Page) => page.locator(".document-panel .thread");
  const ours = (page: Page) => threads(page).filter({ hasText: QUOTE });
  const anchor = (page: Page) => page.locator(".document-body .comment-anchor", { hasText: QUOTE });

  it("comment by keyboard with a mention; the other party sees it live, answers; resolving clears the highlight", async () => {
    const [ballerup, wuxi] = await Promise.all([
      openAsDemoUser(browser, app.url, "ballerup-kommune", url, { viewport: { width: 1440, height: 900 } }),
      openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", url, { viewport: { width: 360, height: 740 }, locale: "zh-CN" }),
    ]);
    // Ballerup has hidden the sidebar (remembered in the browser): its lines are one line wide, so Home and
    // Shift+End select a whole one.
    await ballerup.evaluate(() => localStorage.setItem("twinning.sidebar", "hidden"));
    await ballerup.reload();
    await ballerup.locator(EDITABLE).waitFor();
    await poll(() => ballerup.locator(".sidebar-toggle").getAttribute("aria-expanded")).toBe("false");
    await wuxi.locator(".document-body[contenteditable]").waitFor();
    // Wuxi has the comments panel open, with nothing in it yet.
    const existing = await app.db.owner<{ quote: string; resolved: boolean }[]>`select quote, resolved_at is not null as resolved from comment_threads where document_id = ${documentId}`;
    QUOTE = QUOTES.find((q) => !existing.some((t) => t.quote === q))!;
    const openBefore = existing.filter((t) => !t.resolved).length;
    await wuxi.getByRole("button", { name: /^评论/ }).click();
    await poll(() => threads(wuxi).count()).toBe(existing.length);
    expect(await anchor(wuxi).count()).toBe(0);
    const unread = await wuxi.getByRole("link", { name: /收件箱/ }).innerText();

    // Ballerup selects a line and comments on it with the keyboard only.
    await ballerup.locator(".document-body li p", { hasText: QUOTE }).click();
    await ballerup.keyboard.press("Home");
    await ballerup.keyboard.press("Shift+End");
    // The editor holds the whole line as its selection before the shortcut (a busy page may take a moment).
    const selected = () => ballerup.evaluate(() => {
      const { state } = (document.querySelector(".document-body") as HTMLElement & { editor: { state: { selection: { from: number; to: number }; doc: { textBetween(a: number, b: number): string } } } }).editor;
      return state.doc.textBetween(state.selection.from, state.selection.to);
    });
    await poll(async () => {
      if ((await selected()) === QUOTE) return QUOTE;
      // ProseMirror wrote the click position back over the keys: select the line again.
      await ballerup.keyboard.press("Home");
      await ballerup.keyboard.press("Shift+End");
      return selected();
    }).toBe(QUOTE);
    await ballerup.keyboard.press("Control+Alt+m");
    const field = ballerup.getByRole("combobox", { name: "Kommentar til den markerede tekst" });
    await poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await ballerup.locator(".new-thread .thread-quote").innerText()).toBe(QUOTE);
    await ballerup.keyboard.type("Kan @wu");
    await poll(() => ballerup.getByRole("listbox", { name: "Personer, der kan nævnes" }).getByRole("option").allInnerTexts()).toEqual(["Wuxi Foreign Affairs Office"]);
    await ballerup.keyboard.press("Enter");
    await ballerup.keyboard.type("bekræfte datoen?");
    expect(await field.inputValue()).toBe("Kan @Wuxi Foreign Affairs Office bekræfte datoen?");
    await expectAccessible(ballerup, "a new comment with the mention list");
    await ballerup.keyboard.press("Tab");
    await ballerup.keyboard.press("Enter");
    await poll(() => ours(ballerup).count()).toBe(1);
    await poll(() => anchor(ballerup).innerText()).toBe(QUOTE);
    expect(await ours(ballerup).locator(".mention").innerText()).toBe("@Wuxi Foreign Affairs Office");

    // Wuxi: the thread, the highlight and an inbox notification arrive without a reload.
    await poll(() => ours(wuxi).count()).toBe(1);
    await poll(() => anchor(wuxi).count()).toBe(1);
    await poll(() => wuxi.getByRole("link", { name: /收件箱/ }).innerText()).not.toBe(unread);
    expect(await wuxi.getByRole("button", { name: `评论 ${openBefore + 1} 条未解决` }).count()).toBe(1);
    await expectAccessible(wuxi, "the comments panel at 360 px");
    expect(await wuxi.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // Choosing the quote shows its text in the document.
    await ours(wuxi).locator(".thread-quote").click();
    await ours(wuxi).getByRole("combobox", { name: "回复" }).fill("好的，我们确认 5 月 12 日。");
    await ours(wuxi).getByRole("button", { name: "发送" }).click();

    // Ballerup sees the answer, and resolves the thread.
    await poll(() => ours(ballerup).locator(".comment").count()).toBe(2);
    expect(await ours(ballerup).locator(".comment").last().innerText()).toContain("好的，我们确认 5 月 12 日。");
    await ours(ballerup).getByRole("button", { name: "Marker som løst" }).click();
    await poll(() => ballerup.locator(".document-panel").innerText()).toContain(`Løste (${existing.length - openBefore + 1})`);
    await poll(() => anchor(wuxi).locator(".comment-resolved").count()).toBe(1);
    await poll(() => wuxi.locator(".document-panel").innerText()).toContain(`已解决（${existing.length - openBefore + 1}）`);
    // The mention in Wuxi's inbox opens the document with its thread shown.
    await wuxi.goto(`${app.url}/inbox`);
    await wuxi.locator('[data-kind="mention"] a').first().click();
    await poll(() => wuxi.evaluate(() => document.activeElement?.closest(".thread")?.querySelector(".comment-body")?.textContent)).toBe(
      "Kan @Wuxi Foreign Affairs Office bekræfte datoen?",
    );
    await Promise.all([ballerup.context().close(), wuxi.context().close()]);
  });
});
