import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUser, createCard, invitePartner } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { formPoster, saveVersion, type Post, setAsideDemoTranslations } from "../helpers/approval";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";

const SHOTS = process.env.TWINNING_SHOTS;
const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");
const WIDTHS = [1440, 360];

/**
 * The home that says what needs me, in Chromium at 1440 and 360 px, as users of two tenants: Wuxi
 * (in Chinese) and Ballerup have the renewal agreement waiting for their approval and cards assigned
 * (overdue first); Ballerup opens the approval from its home and approves, and it is gone from there;
 * Københavns Kommune answers a space invitation from its home. The space dashboard's tabs are links.
 * Every page passes axe and scrolls nothing sideways; screenshots go to $TWINNING_SHOTS when set.
 */
describe("the home in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let post: Post;
  const cookie: Record<string, string> = {};
  const tenant: Record<string, string> = {};
  const userId: Record<string, string> = {};
  let agreement: { id: string; spaceId: string; title: string };
  let spaceTitle: string;
  let docPath: string;
  let versionId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "wuxi-foreign-affairs-office", "kobenhavns-kommune"]) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
      [{ id: tenant[slug] }] = await app.db.owner`select id from tenants where slug = ${slug}`;
      [{ id: userId[slug] }] = await app.db.owner`select id from users where email = ${demoEmail(slug)}`;
    }
    post = formPoster(() => app.url, cookie);
    [agreement] = await app.db.owner`select id, space_id, title from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    [{ title: spaceTitle }] = await app.db.owner`select title from spaces where id = ${agreement.spaceId}`;
    docPath = `/s/${agreement.spaceId}/docs/${agreement.id}`;

    // Bycirklen sends the agreement to Ballerup and Wuxi for approval.
    versionId = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Til godkendelse");
    const sent = await post("bycirklen", `${docPath}/approval`, {
      intent: "requestApproval",
      versionId,
      tenantIds: [tenant["ballerup-kommune"], tenant["wuxi-foreign-affairs-office"]],
    });
    if (sent.status !== 200) throw new Error(`sending for approval: ${sent.status}`);

    // Cards assigned to Wuxi's and Ballerup's users: one overdue, one due later.
    const [board] = await app.db.owner`select id, space_id from boards where space_id = ${agreement.spaceId} order by created_at limit 1`;
    for (const [slug, title, dueDate] of [
      ["wuxi-foreign-affairs-office", "接待丹麦代表团", "2020-03-01"],
      ["wuxi-foreign-affairs-office", "准备2030年交流计划", "2099-05-01"],
      ["ballerup-kommune", "Forberede besøg fra Wuxi med en meget-lang-sammensat-betegnelse-der-skal-ombrydes", "2020-04-01"],
    ]) {
      const made = await asUser(app.db.sql, userId.bycirklen, (tx) =>
        createCard(tx, {
          board: { id: board.id, spaceId: board.spaceId },
          title,
          description: "",
          assignees: [userId[slug]],
          dueDate,
          actorId: userId.bycirklen,
        })
      );
      if (!made.ok) throw new Error(made.error);
    }

    // Bycirklen invites Københavns Kommune to the space as a viewer.
    const invited = await asUser(app.db.sql, userId.bycirklen, (tx) =>
      invitePartner(tx, { spaceId: agreement.spaceId, tenantSlug: "kobenhavns-kommune", role: "viewer", actorId: userId.bycirklen })
    );
    if (!invited.ok) throw new Error(invited.error);
  });
  afterAll(() => browser?.close());

  const shot = async (page: Page, name: string, width: number) => {
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  };
  /** Nothing on the page is wider than the window (the page never scrolls sideways). */
  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const open = (slug: string, path: string, width: number, locale = "da-DK") =>
    openAsDemoUser(browser, app.url, slug, `${app.url}${path}`, { locale, viewport: { width, height: 900 } });

  it("Wuxi (in Chinese) and Ballerup see the approval waiting for them and their cards, overdue first", async () => {
    // A retry starts with Ballerup's decision still open.
    await app.db.owner`
      update approval_parties set decision = null, comment = null, content_hash = null, decided_by = null, decided_at = null
      where tenant_id = ${tenant["ballerup-kommune"]} and round_id in (select id from approval_rounds where document_id = ${agreement.id} and ended_at is null)`;
    for (const width of WIDTHS) {
      const wuxi = await open("wuxi-foreign-affairs-office", "/", width, "zh-CN");
      const approvals = wuxi.getByRole("region", { name: zh.dashboard.approvals, exact: true });
      await approvals.getByRole("link", { name: agreement.title, exact: true }).waitFor();
      expect(await approvals.getByText(fill(zh.dashboard.approvalFor, { tenant: "Wuxi Foreign Affairs Office" })).count()).toBe(1);
      const cards = wuxi.getByRole("region", { name: zh.dashboard.cards, exact: true });
      const titles = await cards.locator(".due-item .card-title").allInnerTexts();
      expect(titles.indexOf("接待丹麦代表团")).toBeGreaterThanOrEqual(0);
      expect(titles.indexOf("接待丹麦代表团")).toBeLessThan(titles.indexOf("准备2030年交流计划"));
      expect(await cards.locator(".due-item", { hasText: "接待丹麦代表团" }).getByText(zh.board.overdue).count()).toBe(1);
      expect(await wuxi.getByRole("region", { name: zh.dashboard.changes, exact: true }).getByRole("link", { name: "接待丹麦代表团" }).count()).toBeGreaterThan(
        0
      );
      expect(await sideways(wuxi)).toBeLessThanOrEqual(0);
      await expectAccessible(wuxi, `home in Chinese at ${width} px`);
      await shot(wuxi, "home-wuxi", width);
      await wuxi.context().close();

      const ballerup = await open("ballerup-kommune", "/", width);
      await ballerup.getByRole("region", { name: da.dashboard.approvals, exact: true }).getByRole("link", { name: agreement.title, exact: true }).waitFor();
      expect(await ballerup.getByRole("region", { name: da.dashboard.cards, exact: true }).getByText(da.board.overdue).count()).toBe(1);
      expect(await sideways(ballerup)).toBeLessThanOrEqual(0);
      await expectAccessible(ballerup, `home at ${width} px`);
      await shot(ballerup, "home-ballerup", width);
      await ballerup.context().close();
    }
  });

  it("Ballerup opens the approval from its home, approves, and it is gone from the home", async () => {
    const ballerup = await open("ballerup-kommune", "/", 360);
    const approvals = ballerup.getByRole("region", { name: da.dashboard.approvals, exact: true });
    await approvals.getByRole("link", { name: `${da.dashboard.decide}: ${agreement.title}` }).click();
    await ballerup.waitForURL(`${app.url}${docPath}/approval`);
    await ballerup.getByRole("button", { name: fill(da.approval.approve, { tenant: "Ballerup Kommune" }) }).click();
    await ballerup.getByText(da.approval.done.approve).waitFor();
    await ballerup.goto(`${app.url}/`);
    await approvals.getByText(da.dashboard.noApprovals).waitFor();
    expect(await approvals.getByRole("link", { name: agreement.title, exact: true }).count()).toBe(0);
    await expectAccessible(ballerup, "home with nothing to approve");
    await ballerup.context().close();
  });

  it("Københavns Kommune answers a space invitation from its home and lands in the space", async () => {
    // A retry starts with the invitation open.
    await app.db.owner`
      update space_partners set status = 'invited', expires_at = now() + interval '14 days'
      where space_id = ${agreement.spaceId} and tenant_id = ${tenant["kobenhavns-kommune"]}`;
    const kbh = await open("kobenhavns-kommune", "/", 360);
    const invitations = kbh.getByRole("region", { name: da.dashboard.invitations, exact: true });
    await invitations.getByText(spaceTitle, { exact: false }).waitFor();
    expect(await kbh.getByRole("region", { name: da.dashboard.approvals, exact: true }).getByText(da.dashboard.noApprovals).count()).toBe(1);
    expect(await sideways(kbh)).toBeLessThanOrEqual(0);
    await expectAccessible(kbh, "home with an invitation");
    await shot(kbh, "home-invitation", 360);
    await invitations.getByRole("button", { name: fill(da.dashboard.acceptFor, { space: spaceTitle, tenant: "Københavns Kommune" }) }).click();
    await kbh.waitForURL(`${app.url}/s/${agreement.spaceId}/partners/${tenant["kobenhavns-kommune"]}?notice=accepted`);
    await kbh.goto(`${app.url}/`);
    await invitations.getByText(da.dashboard.noInvitations).waitFor();
    await kbh.getByRole("region", { name: da.home.yourSpaces, exact: true }).getByRole("link", { name: spaceTitle, exact: true }).click();
    await expect.poll(() => kbh.url()).toBe(`${app.url}/s/${agreement.spaceId}`);
    await expect.poll(() => kbh.getByRole("heading", { level: 1 }).textContent()).toBe(spaceTitle);
    await kbh.context().close();
  });

  it("the space dashboard and its partners-and-people tab are links, at 1440 and 360 px", async () => {
    for (const width of WIDTHS) {
      const page = await open("ballerup-kommune", `/s/${agreement.spaceId}`, width);
      const tabs = page.getByRole("navigation", { name: da.spaceDashboard.sections, exact: true });
      expect(await tabs.getByRole("link", { name: da.spaceDashboard.overview, exact: true }).getAttribute("aria-current")).toBe("page");
      const due = page.getByRole("region", { name: da.spaceDashboard.dueSoon, exact: true });
      await due.locator(".due-item").first().waitFor();
      expect(await due.locator(".due-item").first().getByText(da.board.overdue).count()).toBe(1);
      expect(await page.getByRole("region", { name: da.spaceDashboard.takingPart, exact: true }).getByText("Ballerup Kommune").count()).toBeGreaterThan(0);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await expectAccessible(page, `space dashboard at ${width} px`);
      await shot(page, "space-dashboard", width);

      await tabs.getByRole("link", { name: da.spaceDashboard.people, exact: true }).click();
      await page.waitForURL(`${app.url}/s/${agreement.spaceId}/people`);
      await expect.poll(() => tabs.getByRole("link", { name: da.spaceDashboard.people, exact: true }).getAttribute("aria-current")).toBe("page");
      expect(await tabs.getByRole("link", { name: da.spaceDashboard.overview, exact: true }).getAttribute("aria-current")).toBe(null);
      await page.getByRole("table", { name: da.space.partners }).waitFor();
      expect(await page.getByRole("table", { name: da.space.partners }).getByRole("link", { name: da.space.managePartnership }).count()).toBe(1);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await expectAccessible(page, `partners and people at ${width} px`);
      await shot(page, "space-people", width);
      await page.context().close();
    }
  });
});
