import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });
const SHOTS = process.env.TWINNING_SHOTS;

/** API tokens in account settings on a phone: a refused form keeps what was typed, a new token is shown once, revoking asks first. */
describe("API tokens in account settings", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
  });
  afterAll(() => browser?.close());

  it("creates a token at 360 px, shows it once, and revokes it after a confirmation", async () => {
    const page = await openAsDemoUser(browser, app.url, "region-hovedstaden", `${app.url}/account`, { viewport: { width: 360, height: 740 } });
    await expectAccessible(page, "account with no tokens at 360 px");
    expect(await page.getByText("Du har ingen API-nøgler.").count()).toBe(1);

    // Refused: no name. What was chosen stays, the message is by the field, and focus goes there.
    await page.getByLabel("Kun disse rum:").check();
    await page.getByRole("button", { name: "Opret nøgle" }).click();
    await poll(() => page.getByText("Vælg mindst ét rum, eller alle rum.").count()).toBe(1);
    expect(await page.getByText("Feltet skal udfyldes.").count()).toBe(1);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe("token-name");
    expect(await page.getByLabel("Kun disse rum:").isChecked()).toBe(true);
    await expectAccessible(page, "refused token form at 360 px");

    await page.getByLabel("Navn").fill("Journalsystem");
    await page.getByLabel("Alle mine rum").check();
    await page.getByLabel(/Læse og skrive/).check();
    await page.getByRole("button", { name: "Opret nøgle" }).click();
    const secretField = page.getByLabel("Den nye nøgle");
    await poll(() => secretField.count()).toBe(1);
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^twn_/);
    await poll(() => page.getByRole("row", { name: /Journalsystem/ }).count()).toBe(1);
    expect(await page.getByRole("row", { name: /Journalsystem/ }).innerText()).toContain("Aldrig");
    await expectAccessible(page, "new token shown at 360 px");
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/api-token-created-360.png`, fullPage: true });
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(sideways).toBe(false);

    const call = () => fetch(`${app.url}/api/v1/spaces`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await call()).status).toBe(200);
    // Shown once: a fresh visit lists the token, never its secret, and now when it was last used.
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await poll(() => page.getByRole("row", { name: /Journalsystem/ }).innerText()).not.toContain("Aldrig");

    const open = page.getByRole("button", { name: "Tilbagekald Journalsystem" });
    await open.click();
    const dialog = page.getByRole("dialog", { name: "Tilbagekald nøglen “Journalsystem”?" });
    expect(await dialog.innerText()).toContain("afvises fra deres næste forespørgsel");
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Annullér");
    await expectAccessible(page, "revoke confirmation at 360 px");
    await page.keyboard.press("Escape");
    await poll(() => dialog.count()).toBe(0);
    expect((await call()).status).toBe(200);
    await open.click();
    await dialog.getByRole("button", { name: "Tilbagekald nøgle" }).click();
    await poll(() => page.getByText("Nøglen “Journalsystem” er tilbagekaldt.").count()).toBe(1);
    expect((await call()).status).toBe(401);
    await poll(() => page.getByText("Du har ingen API-nøgler.").count()).toBe(1);
    await page.context().close();
  });

  it("the API reference renders the OpenAPI document's operations, accessibly", async () => {
    const page = await openAsDemoUser(browser, app.url, "region-hovedstaden", `${app.url}/api-reference`, { viewport: { width: 360, height: 740 } });
    await poll(() => page.getByRole("heading", { level: 1, name: "API-reference" }).count()).toBe(1);
    expect(await page.locator("article").count()).toBeGreaterThanOrEqual(17);
    await expectAccessible(page, "API reference at 360 px");
    await page.context().close();
  });
});
