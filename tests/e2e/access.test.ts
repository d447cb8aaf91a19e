import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { backToDraft, sendAndApprove, setAsideDemoTranslations } from "../helpers/approval";
import { expectAccessible, launchBrowser } from "../helpers/browser";
import { LIVE_WAIT_MS, reportLatency } from "../helpers/latency";

const EDITABLE = '.document-body[contenteditable="true"]';
const LOCKED = '.document-body[contenteditable="false"]';

/**
 * Access that changes while pages are open, in Chromium against the real server: a document signed
 * under an editor's fingers, and an organisation removed from a space while its user has a document
 * and a board open.
 */
describe("access changes reach open pages", () => {
  let app: RunningApp;
  let browser: Browser;
  let spaceId: string;
  let agreementUrl: string;
  let boardUrl: string;
  const cookie: Record<string, string> = {};

  /** A logged-in context whose pages record every WebSocket and EventSource they create. */
  async function logIn(slug: string): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: "da-DK" });
    await context.addInitScript(() => {
      const w = window as unknown as { __sockets: WebSocket[]; __sources: EventSource[] };
      w.__sockets = [];
      w.__sources = [];
      const NativeSocket = window.WebSocket;
      window.WebSocket = class extends NativeSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          w.__sockets.push(this);
        }
      };
      const NativeSource = window.EventSource;
      window.EventSource = class extends NativeSource {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          w.__sources.push(this);
        }
      };
    });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.locator('input[name="email"]').fill(demoEmail(slug));
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.waitForURL(`${app.url}/`);
    await page.close();
    return context;
  }
  const open = async (context: BrowserContext, url: string) => {
    const page = await context.newPage();
    await page.goto(url);
    return page;
  };
  const post = (who: string, path: string, body: Record<string, string | string[]>) =>
    fetch(`${app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
      body: new URLSearchParams(Object.entries(body).flatMap(([k, v]) => [v].flat().map((one) => [k, one]))),
    });
  /** The host sends the agreement as it is now for its own approval, approves it and signs it (the approval flow, over HTTP). */
  const sign = async () => {
    const docPath = new URL(agreementUrl).pathname;
    const [{ id: host }] = await app.db.owner`select id from tenants where slug = 'bycirklen'`;
    const versionId = await sendAndApprove({ post, owner: app.db.owner, docPath, host: "bycirklen", parties: [{ tenantId: host, admin: "bycirklen" }] });
    const at = Date.now();
    expect((await post("bycirklen", `${docPath}/approval`, { intent: "sign", versionId })).status).toBe(200);
    return at;
  };
  const text = (page: Page) => page.locator(".document-body[contenteditable]").innerText();
  /** How many of the page's sockets and event streams are not closed. */
  const stillOpen = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as { __sockets: WebSocket[]; __sources: EventSource[] };
      // The header's own inbox stream is about no space: it ends only with the session.
      const space = w.__sources.filter((s) => !s.url.endsWith("/inbox/events"));
      return w.__sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length + space.filter((s) => s.readyState !== EventSource.CLOSED).length;
    });

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [agreement] = await app.db.owner`select id, space_id from documents where type = 'agreement'`;
    spaceId = agreement.spaceId;
    agreementUrl = `${app.url}/s/${spaceId}/docs/${agreement.id}`;
    const [board] = await app.db.owner`select id from boards where space_id = ${spaceId} order by created_at limit 1`;
    boardUrl = `${app.url}/s/${spaceId}/boards/${board.id}`;
  });

  it("Bycirklen signs the renewal agreement while Egedal has it open: Egedal's editor turns read-only in place (the time printed) and says why; refused local edits are not shown after a reload", async () => {
    // A retry starts from the demo's draft (the first attempt may have signed it).
    await backToDraft(app.db.owner, new URL(agreementUrl).pathname.split("/").pop()!);
    const egedal = await logIn("egedal-kommune");
    const page = await open(egedal, agreementUrl);
    await page.locator(EDITABLE).waitFor();
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    await page.locator(EDITABLE).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Egedal: gemt før underskriften.", { delay: 10 });
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");

    // Bycirklen signs the text as it is (an edit would make the approval stale), and Egedal types on at once.
    const signedAt = await sign();
    const typing = page.keyboard.type(" Egedal skriver stadig, efter at Bycirklen har underskrevet aftalen", { delay: 40 });
    await page.locator(LOCKED).waitFor({ timeout: LIVE_WAIT_MS });
    await page.locator('[data-changed-to="signed"]').waitFor({ timeout: LIVE_WAIT_MS });
    reportLatency("Egedal's editor read-only after signing", signedAt);
    expect(await page.locator('[data-changed-to="signed"]').innerText()).toBe("Dokumentet er blevet underskrevet: det kan ikke længere ændres.");
    await typing;
    // Not stuck at "Saving…": it says the document is read-only.
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    expect(await page.locator(".save-status").innerText()).toBe("Du kan læse dokumentet, men ikke ændre det.");
    await expectAccessible(page, "document signed while open");

    // The host starts an amendment: writable again in place.
    expect((await post("bycirklen", `${new URL(agreementUrl).pathname}/approval`, { intent: "amend" })).status).toBe(200);
    await page.locator(EDITABLE).waitFor({ timeout: LIVE_WAIT_MS });
    await page.locator('[data-changed-to="writable"]').waitFor({ timeout: LIVE_WAIT_MS });

    // Egedal types offline (kept on the device), the document is signed meanwhile, and Egedal comes back.
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    await egedal.setOffline(true);
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("offline");
    await page.locator(EDITABLE).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Skrevet offline og aldrig gemt.", { delay: 10 });
    expect(await text(page)).toContain("Skrevet offline og aldrig gemt.");
    await sign();
    await egedal.setOffline(false);
    await page.locator(LOCKED).waitFor({ timeout: 5_000 });
    await page.locator("[data-refused]").waitFor({ timeout: 5_000 });
    expect(await page.locator("[data-refused]").innerText()).toContain("er kasseret");
    await expect.poll(() => text(page)).not.toContain("Skrevet offline og aldrig gemt.");

    // After a reload: the signed text only.
    await page.reload();
    await page.locator(LOCKED).waitFor();
    await expect.poll(() => text(page)).toContain("Egedal: gemt før underskriften.");
    expect(await text(page)).not.toContain("Skrevet offline og aldrig gemt.");
    await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    expect(await text(page)).not.toContain("Skrevet offline og aldrig gemt.");
    expect(await page.locator(".signed-banner h2").innerText()).toBe("Underskrevet");
    await egedal.close();
  });

  const NEW_PASSWORD = "et helt nyt kodeord 2026";
  let changed = false;
  // Region Hovedstaden's demo password comes back, so a retried test (and any later one) can log in.
  afterEach(async () => {
    if (!changed) return;
    const [{ id: userId }] = await app.db.owner`select id from users where email = ${demoEmail("region-hovedstaden")}`;
    expect(await app.auth.changePassword({ userId, currentPassword: NEW_PASSWORD, newPassword: DEMO_PASSWORD, address: "127.0.0.1" })).toMatchObject({ ok: true });
    changed = false;
  });

  it("a password changed in one browser ends the other browser's open document; this browser's own tab carries on", async () => {
    // Region Hovedstaden: a viewer partner (read-only, so the signed agreement changes nothing here).
    const [elsewhere, here] = [await logIn("region-hovedstaden"), await logIn("region-hovedstaden")];
    const [other, own] = [await open(elsewhere, agreementUrl), await open(here, agreementUrl)];
    for (const page of [other, own]) await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");

    const account = await open(here, `${app.url}/account`);
    await account.locator('input[name="currentPassword"]').fill(DEMO_PASSWORD);
    await account.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    const changedAt = Date.now();
    await account.locator('form:has(input[name="newPassword"]) button[type="submit"]').click();
    changed = true;
    await other.locator('[data-access-lost="sessionEnded"]').waitFor({ timeout: LIVE_WAIT_MS });
    reportLatency("other browser's document ended after a password change", changedAt);
    expect(await other.locator('[data-access-lost="sessionEnded"]').innerText()).toContain("Din session er afsluttet. Log ind igen for at fortsætte.");
    expect(await other.locator(".document-body").count()).toBe(0);
    await expect.poll(() => stillOpen(other)).toBe(0);
    await expectAccessible(other, "document after the session ended");
    // The tab in the browser that changed the password now holds the new session: it reconnected.
    await expect.poll(() => own.locator(".save-status").getAttribute("data-state"), { timeout: 10_000 }).toBe("saved");
    expect(await own.locator("[data-access-lost]").count()).toBe(0);
    await Promise.all([elsewhere.close(), here.close()]);
  });

  it("the host removes a partner while its user has a document and a board open: both pages say why and stop reconnecting", async () => {
    // Frederikssund: a partner editor of the space, not touched by the other test.
    const frederikssund = await logIn("frederikssund-kommune");
    const doc = await open(frederikssund, agreementUrl);
    // The board catches up once its stream is ready (it reloads its data). That reload is held here
    // until after the removal, so its answer is a 404: the page must still say why.
    const board = await frederikssund.newPage();
    let heldReload: Route | undefined;
    await board.route(
      (url) => url.pathname.endsWith(".data"),
      (route) => (heldReload ? route.continue() : void (heldReload = route)),
    );
    await board.goto(boardUrl);
    await doc.locator(".document-body[contenteditable]").waitFor();
    await expect.poll(() => doc.locator(".save-status").getAttribute("data-state")).toBe("saved");
    // The document page holds two streams of the space (its cards, its approval state), the board one (and each its header's inbox stream).
    await expect.poll(() => app.events.subscribers().filter((s) => s.spaceId !== null && s.user.email === demoEmail("frederikssund-kommune")).length).toBe(3);
    await expect.poll(() => heldReload !== undefined).toBe(true);

    const [{ id: tenantId }] = await app.db.owner`select id from tenants where slug = 'frederikssund-kommune'`;
    const removedAt = Date.now();
    expect((await post("bycirklen", `/s/${spaceId}/settings`, { intent: "removePartner", tenantId })).status).toBe(200);
    // Both at once; a page that does not say it names itself and shows what it says instead.
    await Promise.all(
      [doc, board].map(async (page) => {
        const notice = page.locator('[data-access-lost="partnerRemoved"]');
        await notice.waitFor({ timeout: LIVE_WAIT_MS }).catch(async (error: Error) => {
          throw new Error(`${page.url()} shows no notice: ${(await page.locator("main").innerText()).slice(0, 300)}`, { cause: error });
        });
        expect(await notice.innerText()).toContain("Din organisation deltager ikke længere i dette rum.");
      }),
    );
    reportLatency("removed partner's pages told", removedAt);
    // The board's held reload is answered now: not found, and the page says why rather than "not found".
    const answered = board.waitForResponse((response) => new URL(response.url()).pathname.endsWith(".data"));
    await heldReload!.continue();
    expect((await answered).status()).toBe(404);
    await board.locator('.error-page [data-access-lost="partnerRemoved"]').waitFor({ timeout: LIVE_WAIT_MS });
    expect(await board.locator(".error-page h1").innerText()).toBe("Ingen adgang");
    // Nothing left open or reconnecting: every socket and stream is closed on the page, none on the server.
    await expect.poll(() => stillOpen(doc)).toBe(0);
    await expect.poll(() => stillOpen(board)).toBe(0);
    expect(app.collab.openConnections().filter((c) => c.identity.name === "Frederikssund Kommune")).toEqual([]);
    expect(await doc.locator(".document-body").count()).toBe(0);
    expect(await doc.locator(".save-status").count()).toBe(0);
    await expectAccessible(doc, "document after the partner was removed");
    await expectAccessible(board, "board after the partner was removed");
    await frederikssund.close();
  });
});
