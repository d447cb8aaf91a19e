import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });
const SHOTS = process.env.TWINNING_SHOTS;
/** Resolves once `condition` holds or after `limitMs`, whichever comes first. */
const until = async (condition: () => boolean, limitMs: number) => {
  for (const end = Date.now() + limitMs; !condition() && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 5));
};

/**
 * Destructive actions ask first, in a dialog that names what will happen: Escape or Cancel changes
 * nothing and gives focus back; confirming does it. Without JavaScript the same form is in a disclosure.
 */
describe("confirmations on destructive actions", () => {
  let app: RunningApp;
  let browser: Browser;
  let board: { id: string; spaceId: string };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    [board] = await app.db.owner`select id, space_id from boards where title = 'Handlingsplan 2017–2018'`;
  });

  it("deleting a card and removing a column: cancelled by Escape (focus back, nothing changed), done when confirmed", async () => {
    const [card] = await app.db.owner`select id, title from cards where board_id = ${board.id} and deleted_at is null order by position limit 1`;
    const page = await openAsDemoUser(browser, app.url, "region-hovedstaden", `${app.url}/s/${board.spaceId}/boards/${board.id}/cards/${card.id}`, { viewport: { width: 360, height: 740 } });
    const open = page.getByRole("button", { name: "Slet kortet…" });
    await open.click();
    const dialog = page.getByRole("dialog", { name: "Slet dette kort?" });
    expect(await dialog.innerText()).toContain(`“${card.title}” slettes fra tavlen med tjekliste og kommentarer.`);
    // Cancel has focus first: Enter on it would not delete.
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Annullér");
    await expectAccessible(page, "delete card confirmation at 360 px");
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/confirm-delete-card-360.png` });
    await page.keyboard.press("Escape");
    await poll(() => dialog.count()).toBe(0);
    await poll(() => open.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await app.db.owner`select deleted_at from cards where id = ${card.id}`)[0].deletedAt).toBeNull();
    await open.click();
    await dialog.getByRole("button", { name: "Slet kortet" }).click();
    await page.waitForURL(`${app.url}/s/${board.spaceId}/boards/${board.id}`);
    expect((await app.db.owner`select deleted_at from cards where id = ${card.id}`)[0].deletedAt).not.toBeNull();

    // A column: the dialog asks where its cards go.
    const [first, second] = await app.db.owner`select id, title from board_columns where board_id = ${board.id} order by position`;
    await page.getByText("Kolonner og områder").click();
    await page.getByRole("button", { name: `Fjern kolonnen ${first.title}` }).click();
    const columnDialog = page.getByRole("dialog", { name: `Fjern kolonnen “${first.title}”?` });
    await columnDialog.getByLabel("Flyt dens kort til").selectOption(second.id);
    await columnDialog.getByRole("button", { name: "Fjern", exact: true }).click();
    await poll(async () => (await app.db.owner`select count(*)::int as n from board_columns where id = ${first.id}`)[0].n).toBe(0);
    await page.context().close();
  });

  it("deleting a card lands on its board even when the panel's own reload of the card answers late", async () => {
    const [card] = await app.db.owner`select id from cards where board_id = ${board.id} and deleted_at is null order by position limit 1`;
    const boardUrl = `${app.url}/s/${board.spaceId}/boards/${board.id}`;
    const page = await openAsDemoUser(browser, app.url, "region-hovedstaden", `${boardUrl}/cards/${card.id}`, { viewport: { width: 1440, height: 900 } });
    // The board's event of the deletion, arriving while the page navigates to the board, made the
    // panel reload the card; its 404 landing after the router had left the card, before React took
    // the panel away, showed the not-found page instead of the board. Made certain here: once the
    // card is being deleted, the navigation's board data waits until the panel asks for the card (or
    // a second has passed: the event has come), and the card's 404 until the address is the board's.
    let deleting = false;
    let reloads = 0;
    await page.route(/\/cards\/[^/?]+\.data\?_routes=routes%2Fs\.%24spaceId_\.boards\.%24boardId\.cards\.%24cardId$/, async (route) => {
      if (!deleting) return route.continue();
      reloads++;
      const response = await route.fetch();
      if (response.status() === 404) await until(() => page.url() === boardUrl, 5_000);
      await route.fulfill({ response });
    });
    await page.route((url) => url.pathname === `${new URL(boardUrl).pathname}.data`, async (route) => {
      if (deleting && route.request().method() === "GET") await until(() => reloads > 0, 1_000);
      await route.continue();
    });
    await page.getByRole("button", { name: "Slet kortet…" }).click();
    deleting = true;
    await page.getByRole("dialog", { name: "Slet dette kort?" }).getByRole("button", { name: "Slet kortet" }).click();
    await page.waitForURL(boardUrl);
    await poll(() => page.locator(".card-panel").count()).toBe(0);
    // The panel waited for the navigation, which took it away: it never asked for the card it left.
    expect(reloads).toBe(0);
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await page.getByText("Siden blev ikke fundet").count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Handlingsplan 2017–2018", level: 1 }).count()).toBe(1);
    await page.context().close();
  });

  it("removing a partner names the organisation and what it loses; without JavaScript the form is in a disclosure", async () => {
    const [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
    const page = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/s/${spaceId}/settings`);
    await page.getByRole("button", { name: "Fjern Region Hovedstaden fra rummet" }).click();
    const dialog = page.getByRole("dialog", { name: "Fjern Region Hovedstaden fra rummet?" });
    expect(await dialog.innerText()).toContain("Region Hovedstaden og dens personer mister straks adgangen til rummet");
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/confirm-remove-partner-1440.png` });
    await dialog.getByRole("button", { name: "Annullér" }).click();
    await poll(() => dialog.count()).toBe(0);
    const active = async () => (await app.db.owner`select status from space_partners where space_id = ${spaceId} and tenant_id = (select id from tenants where slug = 'region-hovedstaden')`)[0].status;
    expect(await active()).toBe("active");
    await page.getByRole("button", { name: "Fjern Region Hovedstaden fra rummet" }).click();
    await dialog.getByRole("button", { name: "Fjern", exact: true }).click();
    await poll(active).not.toBe("active");
    await page.context().close();

    // Without JavaScript: a disclosure holding the same form, nothing posted by opening it.
    const cookie = await logInCookie(app.url, demoEmail("bycirklen"), DEMO_PASSWORD);
    const html = await (await fetch(`${app.url}/s/${spaceId}/settings`, { headers: { Cookie: cookie } })).text();
    expect(html).toMatch(/<details class="confirm-action[^"]*"><summary aria-label="Fjern [^"]+ fra rummet">Fjern…<\/summary>/);
  });
});
