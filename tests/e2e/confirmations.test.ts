import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });
const SHOTS = process.env.TWINNING_SHOTS;

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
