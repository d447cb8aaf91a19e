import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser } from "../helpers/browser";

async function logIn(browser: Browser, app: RunningApp, email: string, password = DEMO_PASSWORD): Promise<Page> {
  const page = await (await browser.newContext({ locale: "da-DK" })).newPage();
  await page.goto(`${app.url}/login`);
  await page.getByLabel("E-mailadresse").fill(email);
  await page.getByLabel("Adgangskode").fill(password);
  await page.getByRole("button", { name: "Log ind" }).last().click();
  await page.waitForURL(`${app.url}/`);
  return page;
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

describe("spaces in the browser", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    // Two more CLEAN employees: one will be picked to take part, one not.
    const passwordHash = await hashPassword("clean-employee-1");
    for (const [id, name] of [["picked", "Pia Valgt"], ["unpicked", "Ulla Ikkevalgt"]]) {
      await app.db.owner`insert into users (id, email, name, password_hash, locale) values (${id}, ${`${id}@clean.dk`}, ${name}, ${passwordHash}, 'da')`;
      await app.db.owner`insert into memberships (tenant_id, user_id, role) select id, ${id}, 'member' from tenants where slug = 'clean'`;
    }
  });

  it("host creates a space and invites a partner; the partner's admin accepts and picks members; leaving cuts access", async () => {
    const host = await logIn(browser, app, demoEmail("kobenhavns-kommune"));
    await host.goto(`${app.url}/t/kobenhavns-kommune`);
    await host.getByRole("link", { name: "Nyt rum" }).click();
    await expectAccessible(host, "new space");
    await host.getByLabel("Titel").fill("Klimasamarbejde København–CLEAN");
    await host.getByLabel("Formål (valgfrit)").fill("Fælles projekter om jordrensning");
    await host.getByLabel("Farve").selectOption("green");
    await host.getByRole("button", { name: "Opret rum" }).click();
    await expect.poll(() => heading(host)).toBe("Klimasamarbejde København–CLEAN");
    const spaceUrl = host.url();
    await expectAccessible(host, "space overview (host)");

    await host.getByRole("link", { name: "Indstillinger og partnere" }).click();
    await host.getByLabel("Find en organisation efter navn eller kort navn").fill("CLEAN");
    await host.getByRole("main").getByRole("button", { name: "Søg" }).click();
    await host.getByLabel("Rolle for CLEAN (clean) i rummet").selectOption("editor");
    await expectAccessible(host, "space settings with search results");
    await host.getByRole("button", { name: "Invitér CLEAN (clean)" }).click();
    await expect.poll(() => host.getByRole("status").first().textContent()).toContain("CLEAN er inviteret.");

    const partnerAdmin = await logIn(browser, app, demoEmail("clean"));
    await partnerAdmin.goto(`${app.url}/t/clean`);
    await expectAccessible(partnerAdmin, "tenant page with a space invitation");
    await partnerAdmin.getByRole("button", { name: "Acceptér invitationen til Klimasamarbejde København–CLEAN" }).click();
    await expect.poll(() => heading(partnerAdmin)).toBe("CLEAN i dette rum");
    await partnerAdmin.getByLabel("Kun de medlemmer, der er valgt nedenfor").check();
    await partnerAdmin.getByLabel(/Pia Valgt/).check();
    await expectAccessible(partnerAdmin, "partner page");
    await partnerAdmin.getByRole("button", { name: "Gem" }).click();
    await expect.poll(() => partnerAdmin.getByRole("status").filter({ hasText: "Gemt: deltagerne er opdateret." }).count()).toBe(1);

    const picked = await logIn(browser, app, "picked@clean.dk", "clean-employee-1");
    await picked.goto(spaceUrl);
    await expect.poll(() => heading(picked)).toBe("Klimasamarbejde København–CLEAN");
    expect(await picked.getByText("Din adgang: redigere").count()).toBe(1);
    await expectAccessible(picked, "space overview (partner member)");

    const unpicked = await logIn(browser, app, "unpicked@clean.dk", "clean-employee-1");
    const denied = await unpicked.goto(spaceUrl);
    expect(denied?.status()).toBe(404);
    expect(await heading(unpicked)).toBe("Siden blev ikke fundet");

    // The partner leaves while the picked member has the space open: their next step is refused.
    const [clean] = await app.db.owner`select id from tenants where slug = 'clean'`;
    await partnerAdmin.goto(`${spaceUrl}/partners/${clean.id}`);
    // Leaving asks first, and says what will happen.
    await partnerAdmin.getByRole("button", { name: "Forlad rummet…" }).click();
    const confirm = partnerAdmin.getByRole("dialog", { name: "Forlad “Klimasamarbejde København–CLEAN”?" });
    expect(await confirm.innerText()).toContain("CLEAN og dens personer mister straks adgangen til rummet.");
    await expectAccessible(partnerAdmin, "leave confirmation");
    await confirm.getByRole("button", { name: "Forlad rummet", exact: true }).click();
    await partnerAdmin.waitForURL(`${app.url}/t/clean`);
    expect(await heading(picked)).toBe("Klimasamarbejde København–CLEAN");
    const next = await picked.reload();
    expect(next?.status()).toBe(404);
    expect(await heading(picked)).toBe("Siden blev ikke fundet");

    // The host still has the space; its audit log tells what happened.
    await host.goto(`${spaceUrl}/audit`);
    await expect.poll(() => host.getByText("CLEAN forlod rummet").count()).toBe(1);
    await expectAccessible(host, "space audit log");
  });

  it("Københavns Kommune sees none of the demo spaces; Bycirklen's partners see theirs", async () => {
    const kbh = await logIn(browser, app, demoEmail("kobenhavns-kommune"));
    await kbh.goto(`${app.url}/t/kobenhavns-kommune`);
    expect(await kbh.getByText("Bycirklen–Wuxi samarbejdsaftale 2016–2019").count()).toBe(0);
    const wuxi = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    await wuxi.goto(`${app.url}/login`);
    await wuxi.getByLabel("电子邮箱").fill(demoEmail("wuxi-foreign-affairs-office"));
    await wuxi.getByLabel("密码").fill(DEMO_PASSWORD);
    await wuxi.getByRole("button", { name: "登录" }).last().click();
    await wuxi.waitForURL(`${app.url}/`);
    await wuxi.goto(`${app.url}/t/wuxi-foreign-affairs-office`);
    // The tenant page's own list (the sidebar lists the user's spaces too).
    await wuxi.getByRole("main").getByRole("link", { name: "Bycirklen–Wuxi samarbejdsaftale 2016–2019" }).click();
    await expect.poll(() => heading(wuxi)).toBe("Bycirklen–Wuxi samarbejdsaftale 2016–2019");
    expect(await wuxi.getByText("您的权限：编辑").count()).toBe(1);
    await expectAccessible(wuxi, "space overview in Chinese");
  });
});
