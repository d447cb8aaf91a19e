import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import { webhookSignatureHeaders } from "@twinning/auth";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const SHOTS = process.env.TWINNING_SHOTS ?? new URL("../.artifacts/screenshots", import.meta.url).pathname;
const SPACE = "Bycirklen–Wuxi samarbejdsaftale 2016–2019";

/**
 * A space's webhooks in Chromium: the host's admin (Bycirklen hosts the Bycirklen–Wuxi space) adds one
 * pointing at a receiver on loopback, sees its secret once, sends a test event, follows its delivery
 * on the deliveries page, pauses and deletes it after the confirmation; partners' users (Ballerup, and
 * Wuxi in Chinese) have no link and are refused at the address. At 360 and 1440 px nothing scrolls
 * sideways, axe on each state, screenshots to tests/.artifacts/screenshots (or $TWINNING_SHOTS).
 */
describe("webhooks of a space", () => {
  let app: RunningApp;
  let browser: Browser;
  let receiver: Server;
  let spaceId: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    [app, browser] = await Promise.all([startTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const [space] = await app.db.owner`select id from spaces where title = ${SPACE}`;
    spaceId = space.id;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const noSideways = async (page: Page, label: string) => {
    const width = page.viewportSize()!.width;
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label}: scrolls sideways`).toBeLessThanOrEqual(width);
  };
  const check = async (page: Page, label: string, shot: string) => {
    await expectAccessible(page, label);
    await noSideways(page, label);
    await page.screenshot({ path: `${SHOTS}/${shot}.png`, fullPage: true });
  };

  it("the host's admin adds a webhook, sees the secret once, sends a test event and follows its delivery", async () => {
    const port = (receiver.address() as AddressInfo).port;
    // A long address, as a records system's often are: it must wrap at 360 px.
    const url = `http://127.0.0.1:${port}/twinning/webhooks/receiver-for-the-records-system-of-bycirklen?tenant=ballerup-egedal-frederikssund&format=json`;
    const page = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/s/${spaceId}`, { viewport: { width: 1440, height: 900 } });
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.waitForURL(`${app.url}/s/${spaceId}/webhooks`);
    await poll(() => page.getByRole("heading", { level: 1, name: "Webhooks" }).count()).toBe(1);
    expect(await page.getByText("Rummet har endnu ingen webhooks.").count()).toBe(1);
    await check(page, "no webhooks at 1440 px", "webhooks-empty-1440");

    // Refused: not a web address, no event. What was typed stays; the message is by the field, which takes focus.
    await page.getByLabel("Adresse (URL)").fill("ftp://esdh.example.dk/hook");
    await page.getByLabel("Beskrivelse (valgfri)").fill("Journalsystem");
    await page.getByRole("button", { name: "Tilføj webhook" }).click();
    await poll(() => page.getByText(/Skriv en webadresse, der begynder med https:\/\//).count()).toBe(1);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe("webhook-new-url");
    expect(await page.getByLabel("Adresse (URL)").inputValue()).toBe("ftp://esdh.example.dk/hook");
    expect(await page.getByLabel("Beskrivelse (valgfri)").inputValue()).toBe("Journalsystem");
    await expectAccessible(page, "refused URL");
    await page.getByLabel("Adresse (URL)").fill(url);
    await page.getByRole("button", { name: "Tilføj webhook" }).click();
    await poll(() => page.getByText("Vælg mindst én hændelse.").count()).toBe(1);
    expect(await page.getByLabel("Adresse (URL)").inputValue()).toBe(url);
    await expectAccessible(page, "refused events");

    await page.getByLabel("Kort oprettet").check();
    await page.getByLabel("Kort flyttet").check();
    await page.getByRole("button", { name: "Tilføj webhook" }).click();
    const secretField = page.getByLabel("Signeringsnøgle");
    await poll(() => secretField.count()).toBe(1);
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(await page.getByText("Sådan kontrollerer det modtagende system en forespørgsel").count()).toBe(1);
    await poll(() => page.getByRole("heading", { level: 3, name: url }).count()).toBe(1);
    expect(await page.locator(".webhook-item").innerText()).toContain("Kort oprettet, Kort flyttet");
    await check(page, "secret shown at 1440 px", "webhooks-secret-1440");

    // Shown once: a fresh visit lists the webhook, never its secret.
    await page.goto(`${app.url}/s/${spaceId}/webhooks`);
    await poll(() => page.getByRole("heading", { level: 3, name: url }).count()).toBe(1);
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator(".webhook-item").innerText()).toContain("Intet sendt endnu");

    await page.getByRole("button", { name: `Send en testhændelse til ${url}` }).click();
    await poll(() => page.getByText("En testhændelse er sat i kø.", { exact: false }).count()).toBe(1);
    // The worker sends it to the receiver, signed with the secret shown above.
    await poll(() => received.length).toBe(1);
    const [ping] = received;
    expect(JSON.parse(ping.body)).toMatchObject({ type: "ping", spaceId });
    const expected = webhookSignatureHeaders(secret, {
      id: String(ping.headers["webhook-id"]),
      body: ping.body,
      at: new Date(Number(ping.headers["webhook-timestamp"]) * 1000),
    });
    expect(ping.headers["webhook-signature"]).toBe(expected["webhook-signature"]);

    await page.getByRole("link", { name: `Leveringer til ${url}` }).click();
    await page.waitForURL(/\/webhooks\/[0-9a-f-]{36}$/);
    await poll(() => page.getByRole("heading", { level: 1, name: "Leveringer" }).count()).toBe(1);
    const delivery = page.locator(".delivery-list > li").first();
    expect(await delivery.innerText()).toContain("Testhændelse");
    // The page does not update itself; Refresh reads it again until the worker has recorded the answer.
    await poll(async () => {
      await page.getByRole("button", { name: "Opdatér" }).click();
      await page.waitForLoadState("networkidle");
      return page.locator(".delivery-list > li").first().innerText();
    }).toContain("Leveret");
    expect(await delivery.innerText()).toContain("HTTP 200");
    await delivery.locator("summary").click();
    await poll(() => delivery.getByText("Sendt indhold").isVisible()).toBe(true);
    expect(await delivery.locator("pre").first().innerText()).toContain('"type": "ping"');
    expect(await delivery.locator("pre").nth(1).innerText()).toContain('"received": true');
    await check(page, "deliveries at 1440 px", "webhooks-deliveries-1440");

    // Redelivered: the same body once more.
    await delivery.getByRole("button", { name: "Send igen" }).click();
    await poll(() => page.getByText("Leveringen er sat i kø til at blive sendt igen.").count()).toBe(1);
    await poll(() => received.length).toBe(2);
    expect(received[1].body).toBe(ping.body);
    expect(received[1].headers["webhook-id"]).toBe(ping.headers["webhook-id"]);

    // At 360 px, by keyboard: the deliveries page and the list, nothing sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await poll(() => page.locator(".delivery-list > li").count()).toBe(1);
    await page.locator(".delivery-list summary").first().focus();
    await page.keyboard.press("Enter");
    await poll(() => page.getByText("Sendt indhold").isVisible()).toBe(true);
    await check(page, "deliveries at 360 px", "webhooks-deliveries-360");
    await page.getByRole("link", { name: "Alle rummets webhooks" }).click();
    await poll(() => page.getByRole("heading", { level: 3, name: url }).count()).toBe(1);
    expect(await page.locator(".webhook-item").innerText()).toContain("Leveret");

    // Edit: untick Active (paused), refused edits keep what was typed.
    await page.locator(".webhook-edit summary").click();
    await poll(() => page.locator(".webhook-edit").getAttribute("open")).not.toBeNull();
    const edit = page.locator(".webhook-edit");
    await edit.getByLabel("Adresse (URL)").fill("not a url");
    await edit.getByRole("button", { name: "Gem ændringer" }).click();
    await poll(() => page.getByText(/Skriv en webadresse/).count()).toBe(1);
    expect(await page.locator(".webhook-edit").getByLabel("Adresse (URL)").inputValue()).toBe("not a url");
    expect(await page.locator(".webhook-edit").getAttribute("open")).not.toBeNull();
    await check(page, "refused edit at 360 px", "webhooks-edit-refused-360");
    await page.locator(".webhook-edit").getByLabel("Adresse (URL)").fill(url);
    await page.locator(".webhook-edit").getByLabel("Aktiv", { exact: true }).uncheck();
    await page.locator(".webhook-edit").getByRole("button", { name: "Gem ændringer" }).click();
    await poll(() => page.getByText("Webhooken er gemt.").count()).toBe(1);
    expect(await page.locator(".webhook-item").innerText()).toContain("Sat på pause");
    expect(await page.getByRole("button", { name: `Send en testhændelse til ${url}` }).count()).toBe(0);
    await page.getByRole("button", { name: `Genoptag webhooken til ${url}` }).click();
    await poll(() => page.getByText("Webhooken er aktiv igen.").count()).toBe(1);
    await check(page, "webhooks at 360 px", "webhooks-list-360");

    // Delete, after a confirmation naming what happens; Escape first changes nothing.
    const open = page.getByRole("button", { name: `Slet webhooken til ${url}` });
    await open.click();
    const dialog = page.getByRole("dialog", { name: `Slet webhooken til ${url}?` });
    expect(await dialog.innerText()).toContain("listen over dens leveringer slettes");
    await expectAccessible(page, "delete confirmation at 360 px");
    await page.keyboard.press("Escape");
    await poll(() => dialog.count()).toBe(0);
    await open.click();
    await dialog.getByRole("button", { name: "Slet webhook" }).click();
    await poll(() => page.getByText("Webhooken er slettet.").count()).toBe(1);
    expect(await page.getByText("Rummet har endnu ingen webhooks.").count()).toBe(1);
    const [{ n }] = await app.db.owner`select count(*)::int as n from webhooks`;
    expect(n).toBe(0);
    await page.context().close();
  });

  it("partners' users see no webhooks link and are refused at the address, as at the settings", async () => {
    for (const [slug, heading] of [
      ["ballerup-kommune", "Webhooks"],
      ["wuxi-foreign-affairs-office", "Webhook"],
    ] as const) {
      const page = await openAsDemoUser(browser, app.url, slug, `${app.url}/s/${spaceId}`, { viewport: { width: 360, height: 740 } });
      await page.locator("main h1").first().waitFor();
      expect(await page.getByRole("link", { name: heading, exact: true }).count(), slug).toBe(0);
      const settings = await page.goto(`${app.url}/s/${spaceId}/settings`);
      const webhooks = await page.goto(`${app.url}/s/${spaceId}/webhooks`);
      expect([403, 404], slug).toContain(webhooks?.status());
      expect(webhooks?.status(), slug).toBe(settings?.status());
      await expectAccessible(page, `refused webhooks page as ${slug}`);
      await noSideways(page, slug);
      const deliveries = await page.goto(`${app.url}/s/${spaceId}/webhooks/00000000-0000-4000-8000-000000000000`);
      expect([403, 404], slug).toContain(deliveries?.status());
      await page.context().close();
    }
  });

  it("a malformed or unknown webhook id is a 404 for the host's admin", async () => {
    const page = await openAsDemoUser(browser, app.url, "bycirklen", `${app.url}/s/${spaceId}/webhooks/not-a-webhook`, {
      viewport: { width: 1440, height: 900 },
    });
    await poll(() => page.getByRole("heading", { level: 1, name: "Siden blev ikke fundet" }).count()).toBe(1);
    const res = await page.goto(`${app.url}/s/${spaceId}/webhooks/00000000-0000-4000-8000-000000000000`);
    expect(res?.status()).toBe(404);
    await page.context().close();
  });
});
