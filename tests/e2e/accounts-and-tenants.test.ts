import type { Browser } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser } from "../helpers/browser";

describe("accounts, tenants and invitations in the browser", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  });

  it("signs up, creates a tenant, invites a colleague who accepts in another browser, and switches to Chinese", async () => {
    const owner = await (await browser.newContext({ locale: "da-DK" })).newPage();
    await owner.goto(app.url);
    await expectAccessible(owner, "landing");
    await owner.getByRole("link", { name: "Opret konto" }).first().click();
    await expectAccessible(owner, "sign-up");
    await owner.getByLabel("Fulde navn").fill("Mette Holm");
    await owner.getByLabel("E-mailadresse").fill("mette@ballerup.dk");
    await owner.getByLabel("Adgangskode").fill("vandtårn-ved-søen");
    await owner.getByRole("button", { name: "Opret konto" }).click();
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Velkommen, Mette Holm");
    await expectAccessible(owner, "home");

    await owner.getByRole("link", { name: "Opret en organisation" }).click();
    await owner.getByLabel("Navn", { exact: true }).fill("Ballerup Kommune");
    // The short name follows the name until one is typed.
    await expect.poll(() => owner.getByLabel("Kort navn til webadresser").inputValue()).toBe("ballerup-kommune");
    await owner.getByLabel("Kort navn til webadresser").fill("ballerup");
    await owner.getByLabel("Type").selectOption("municipality");
    await expectAccessible(owner, "new tenant");
    await owner.getByRole("button", { name: "Opret organisation" }).click();
    await owner.waitForURL(`${app.url}/t/ballerup`);
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Ballerup Kommune");
    // The header names the current tenant (the only one: nothing to switch between).
    await expect.poll(() => owner.locator(".sidebar .tenant-current").innerText()).toBe("Ballerup Kommune");
    expect(await owner.getByLabel("Skift organisation").count()).toBe(0);

    await owner.getByLabel("E-mailadresse").fill("li.na@wuxi.cn");
    await owner.getByLabel("Rolle", { exact: true }).selectOption("member");
    await owner.getByRole("button", { name: "Send invitation" }).click();
    const linkField = owner.getByLabel(/Send dette link til li.na@wuxi.cn/);
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${app.url}/invitations/[\\w-]{40,}$`));
    await expectAccessible(owner, "tenant page with invitation");

    const guest = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await guest.goto(link);
    await expect.poll(() => guest.getByText("You have been invited to join Ballerup Kommune as Member.").count()).toBe(1);
    await expectAccessible(guest, "invitation");
    await guest.getByRole("link", { name: "Sign up" }).last().click();
    expect(await guest.getByLabel("E-mail address").inputValue()).toBe("li.na@wuxi.cn");
    await guest.getByLabel("Full name").fill("Li Na");
    await guest.getByLabel("Password").fill("grand-canal-wuxi");
    await guest.getByRole("button", { name: "Create account" }).click();
    await guest.getByRole("button", { name: "Accept invitation" }).click();
    await expect.poll(() => guest.getByRole("status").textContent()).toBe("Welcome to Ballerup Kommune.");
    expect(await guest.getByText("You are working in Ballerup Kommune").count()).toBe(1);

    await owner.reload();
    await expect.poll(() => owner.getByRole("cell", { name: "Li Na", exact: true }).count()).toBe(1);
    expect(await owner.getByText("Ingen afventende invitationer.").count()).toBe(1);

    await guest.getByRole("button", { name: "中文（简体）" }).click();
    await expect.poll(() => guest.getByRole("heading", { level: 1 }).textContent()).toBe("欢迎，Li Na");
    expect(await guest.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expectAccessible(guest, "home in Chinese");
    // The choice is kept on the account: a new browser session opens in Chinese too.
    await guest.reload();
    await expect.poll(() => guest.getByRole("link", { name: "已登录：Li Na" }).count()).toBe(1);
  });

  it("switches between the tenants a user belongs to", async () => {
    const page = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await page.goto(`${app.url}/login`);
    await page.getByLabel("E-mail address").fill("mette@ballerup.dk");
    await page.getByLabel("Password").fill("vandtårn-ved-søen");
    await page.getByRole("button", { name: "Log in" }).click();
    // Her account says Danish, which wins over the browser's English; she switches.
    await page.getByRole("link", { name: "Opret en organisation" }).waitFor();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("link", { name: "Create an organisation" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Bycirklen");
    await page.getByLabel("Short name for web addresses").fill("bycirklen");
    await page.getByLabel("Kind").selectOption("network");
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.waitForURL(`${app.url}/t/bycirklen`);
    await page.goto(app.url);
    expect(await page.getByText("You are working in Bycirklen").count()).toBe(1);
    await page.getByLabel("Switch organisation").selectOption({ label: "Ballerup Kommune" });
    await page.getByRole("button", { name: "Switch organisation" }).click();
    await expect.poll(() => page.getByText("You are working in Ballerup Kommune").count()).toBe(1);
  });

  it("keeps what was typed when a form has errors, with messages next to the fields", async () => {
    const page = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await page.goto(`${app.url}/signup`);
    await page.getByLabel("Full name").fill("Jens Sørensen");
    await page.getByLabel("E-mail address").fill("jens@frederikssund");
    await page.getByLabel("Password").fill("123");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByText("Enter a valid e-mail address, like name@example.dk.").count()).toBe(1);
    expect(await page.getByText("The password must be at least 8 characters.").count()).toBe(1);
    expect(await page.getByLabel("Full name").inputValue()).toBe("Jens Sørensen");
    expect(await page.getByLabel("E-mail address").inputValue()).toBe("jens@frederikssund");
    expect(await page.getByLabel("E-mail address").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "sign-up with errors");

    // A server-side error (taken address) also keeps every field.
    await page.getByLabel("E-mail address").fill("mette@ballerup.dk");
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByText("An account with this e-mail address already exists. Log in instead.").count()).toBe(1);
    expect(await page.getByLabel("Full name").inputValue()).toBe("Jens Sørensen");
    expect(await page.getByLabel("Password").inputValue()).toBe("a-long-enough-password");

    await page.goto(`${app.url}/login`);
    await page.getByLabel("E-mail address").fill("mette@ballerup.dk");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The e-mail address or the password is not correct.");
    expect(await page.getByLabel("E-mail address").inputValue()).toBe("mette@ballerup.dk");
    await expectAccessible(page, "log-in with error");
  });

  it("shows translated, accessible 404 and account pages at phone width", async () => {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const res = await page.goto(`${app.url}/no/such/place`);
    expect(res?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("页面未找到");
    await expectAccessible(page, "404");
    await page.goto(`${app.url}/login`);
    await page.getByLabel("电子邮箱").fill("mette@ballerup.dk");
    await page.getByLabel("密码").fill("vandtårn-ved-søen");
    await page.getByRole("button", { name: "登录" }).last().click();
    await page.waitForURL(`${app.url}/`);
    await page.goto(`${app.url}/account`);
    await expectAccessible(page, "account");
    // Nothing is wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});
