import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "@twinning/demo-world";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { backToDraft } from "../helpers/approval";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";
import { LIVE_WAIT_MS, reportLatency } from "../helpers/latency";

const SHOTS = process.env.TWINNING_SHOTS;
const zh = resources["zh-CN"].translation;
const da = resources.da.translation;
const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ""));

/**
 * Linked translations in the browser (issue 15): Wuxi (Chinese UI) opens the renewal agreement's
 * Chinese translation side by side with the Danish text; the demo's stale block (the areas of
 * cooperation) is marked and Wuxi marks it reviewed. Ballerup (Danish UI) edits a Danish paragraph in
 * the source; Wuxi sees the matching Chinese block marked to review (the time printed) and clears it.
 * The panes scroll together block by block; axe finds nothing; 360 and 1440 px without sideways scroll.
 * Then Bycirklen (the host) sends the agreement for approval: refused, naming Chinese, while a block is
 * to review; sent once Wuxi has reviewed it; approved and signed, the banner lists both texts' hashes.
 */
describe("linked translations in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let sourceUrl: string;
  let sideUrl: string;
  let wuxi: Page;
  let ballerup: Page;
  let ids: { sourceId: string; documentId: string };

  beforeAll(async () => {
    app = await startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "100" });
    await loadDemoWorld(app.db.owner);
    browser = await launchBrowser();
    const [pair] = await app.db.owner`
      select t.document_id, t.source_id, t.space_id from document_translations t join documents d on d.id = t.source_id
      where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    ids = { sourceId: pair.sourceId, documentId: pair.documentId };
    sourceUrl = `${app.url}/s/${pair.spaceId}/docs/${pair.sourceId}`;
    sideUrl = `${app.url}/s/${pair.spaceId}/docs/${pair.documentId}/side-by-side`;
    wuxi = await openAsDemoUser(browser, app.url, "wuxi-foreign-affairs-office", sideUrl, { locale: "zh-CN" });
    ballerup = await openAsDemoUser(browser, app.url, "ballerup-kommune", sourceUrl);
  });
  afterAll(() => browser?.close());

  const translationPane = () => wuxi.locator(".side-pane").nth(1);
  const marked = () => translationPane().locator(".document-body .block-to-review");
  const review = () => wuxi.locator(".side-review");

  it("Wuxi sees the demo's stale block marked beside the Danish text, with the change, and marks it reviewed", async () => {
    await translationPane().locator('.document-body[contenteditable="true"]').waitFor();
    await expect.poll(() => marked().getAttribute("data-block-id")).toBe("b6");
    expect(await translationPane().locator('[data-block-id="b1"]').innerText()).toBe("背景");
    expect(await wuxi.locator(".side-pane").nth(0).locator('[data-block-id="b1"]').innerText()).toBe("Baggrund");
    const item = review().locator(".translation-review");
    expect(await item.innerText()).toContain(zh.translations.changed.replace("{{language}}", zh.languages.da));
    expect((await item.locator("ins").allInnerTexts()).join(" ")).toContain("Ældrepleje");
    await expectAccessible(wuxi, "side by side, in Chinese");
    await item.getByRole("button", { name: zh.translations.markReviewed }).click();
    await expect.poll(() => marked().count()).toBe(0);
    await review().getByText(zh.translations.upToDate.replace("{{language}}", zh.languages.da)).waitFor();
  });

  it("Ballerup edits a Danish paragraph: Wuxi's matching Chinese block is marked to review, and Wuxi clears it", async () => {
    const editor = ballerup.locator('.document-body[contenteditable="true"]');
    await editor.waitFor();
    await expect.poll(() => ballerup.locator(".save-status").getAttribute("data-state")).toBe("saved");
    const first = ballerup.locator('.document-body [data-block-id="b2"] li').first();
    await first.click();
    await ballerup.keyboard.press("End");
    const started = Date.now();
    await ballerup.keyboard.type(" (i Ballerup)");
    await expect.poll(() => marked().getAttribute("data-block-id"), { timeout: LIVE_WAIT_MS }).toBe("b2");
    reportLatency("a Danish edit, its Chinese block marked to review in Wuxi's browser", started);
    // The mark may come while the words are still being typed: the change shown follows to the last of them.
    await expect
      .poll(async () => (await review().locator(".translation-review ins").allInnerTexts()).join(" "), { timeout: LIVE_WAIT_MS })
      .toContain("Ballerup)");
    // Wuxi updates the Chinese text, then marks it reviewed.
    const chinese = translationPane().locator('[data-block-id="b2"] li').first();
    await chinese.click();
    await wuxi.keyboard.press("End");
    await wuxi.keyboard.type("（在巴勒鲁普）");
    await review().getByRole("button", { name: zh.translations.markReviewed }).click();
    await expect.poll(() => marked().count()).toBe(0);
    // Ballerup's Translations panel shows nothing to review either.
    await ballerup.getByRole("button", { name: da.document.panels.translations, exact: true }).click();
    await ballerup.locator(".translation-list").waitFor();
    expect(await ballerup.locator(".translation-list").innerText()).not.toContain(da.translations.toReviewCount_other.replace("{{count}}", "1"));
  });

  it("scrolls the two panes together block by block, and fits at 360 and 1440 px", async () => {
    await wuxi.setViewportSize({ width: 1440, height: 900 });
    const [left, right] = [wuxi.locator(".side-scroll").nth(0), wuxi.locator(".side-scroll").nth(1)];
    // Bring a later block of the Danish pane to its top: the Chinese pane follows to the same block.
    await left.evaluate((pane) => {
      const block = pane.querySelector<HTMLElement>('.document-body > [data-block-id="b9"]')!;
      pane.scrollTop += block.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    });
    const offset = (pane: typeof left) =>
      pane.evaluate(
        (el) => el.querySelector<HTMLElement>('.document-body > [data-block-id="b9"]')!.getBoundingClientRect().top - el.getBoundingClientRect().top,
      );
    await expect.poll(async () => Math.abs(await offset(right))).toBeLessThan(4);
    for (const width of [360, 1440]) {
      await wuxi.setViewportSize({ width, height: 900 });
      if (SHOTS) await wuxi.screenshot({ path: `${SHOTS}/side-by-side-${width}.png` });
      expect(await wuxi.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `at ${width}`).toBe(true);
    }
  });

  it("sending for approval is refused while a Chinese block is to review, allowed after; signed, the banner lists both hashes", async () => {
    // A retry starts from a draft with no rounds, as the first attempt did.
    if (await backToDraft(app.db.owner, ids.sourceId)) {
      await app.db.owner`update documents set status = 'draft' where id = ${ids.documentId}`;
      for (const page of [wuxi, ballerup]) await page.reload();
    }
    await wuxi.setViewportSize({ width: 1440, height: 900 });
    // Ballerup edits the parties: their Chinese block is to review again.
    await ballerup.locator('.document-body [data-block-id="b4"] li').first().click();
    await ballerup.keyboard.press("End");
    await ballerup.keyboard.type(" (og skolerne)");
    await expect.poll(() => ballerup.locator(".save-status").getAttribute("data-state")).toBe("saved");
    await expect.poll(() => marked().getAttribute("data-block-id"), { timeout: LIVE_WAIT_MS }).toBe("b4");

    // The host saves a version and sends it to Bycirklen and Wuxi: refused, with the reason.
    const host = await openAsDemoUser(browser, app.url, "bycirklen", `${sourceUrl}/history`);
    await host.getByLabel(da.versions.name).fill("Til godkendelse");
    await host.getByRole("button", { name: da.versions.save }).click();
    await host.getByText(fill(da.versions.saved, { name: "Til godkendelse" })).waitFor();
    await host.goto(sourceUrl);
    await host.getByRole("button", { name: da.document.panels.approval, exact: true }).click();
    const panel = host.locator(".approval-panel");
    await panel.waitFor();
    for (const box of await panel.getByRole("checkbox").all()) {
      const name = await host.locator(`label[for="${await box.getAttribute("id")}"]`).innerText();
      if (name.startsWith("Bycirklen") || name === "Wuxi Foreign Affairs Office") await box.check();
      else await box.uncheck();
    }
    await host.getByRole("button", { name: da.approval.sendButton }).click();
    const reason = fill(da.approval.errors.translationStale, { language: da.languages["zh-CN"], count: 1 });
    await panel.getByRole("alert").getByText(reason).waitFor();
    expect(await app.db.owner`select id from approval_rounds where document_id = ${ids.sourceId} and ended_at is null`).toEqual([]);
    await expectAccessible(host, "sending refused: a translation to review");
    for (const width of [360, 1440]) {
      await host.setViewportSize({ width, height: 900 });
      if (SHOTS) await host.screenshot({ path: `${SHOTS}/approval-translation-stale-${width}.png` });
      expect(await host.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `at ${width}`).toBe(true);
    }

    // Wuxi reviews the block; the host sends again, and it goes.
    await review().getByRole("button", { name: zh.translations.markReviewed }).click();
    await expect.poll(() => marked().count()).toBe(0);
    await host.getByRole("button", { name: da.approval.sendButton }).click();
    await host.getByText(da.approval.done.requestApproval).waitFor();

    // Both approve; the host signs.
    await panel.getByRole("button", { name: fill(da.approval.approve, { tenant: "Bycirklen" }) }).click();
    await host.getByText(da.approval.done.approve).waitFor();
    const wuxiSource = await wuxi.context().newPage();
    await wuxiSource.goto(sourceUrl);
    await wuxiSource.getByRole("button", { name: zh.document.panels.approval, exact: true }).click();
    await wuxiSource.getByRole("button", { name: fill(zh.approval.approve, { tenant: "Wuxi Foreign Affairs Office" }) }).click();
    await wuxiSource.getByText(zh.approval.done.approve).waitFor();
    await host.reload();
    const toggle = host.getByRole("button", { name: da.document.panels.approval, exact: true });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    await host.getByRole("button", { name: da.approval.sign }).click();
    const dialog = host.getByRole("dialog");
    await dialog.waitFor();
    const [{ title }] = await app.db.owner`select title from documents where id = ${ids.sourceId}`;
    const signing = host.waitForResponse((r) => r.url().includes("/approval") && r.request().method() === "POST");
    await dialog.getByRole("button", { name: fill(da.approval.confirmSign, { title }) }).click();
    expect((await signing).status()).toBe(200);

    // The banner, on the source's page and on the translation's, names both texts' hashes.
    const [signed] = await app.db.owner`
      select r.content_hash as source_hash, a.content_hash as translation_hash from approval_rounds r
      join approval_translations a on a.round_id = r.id where r.document_id = ${ids.sourceId} and r.signed_at is not null`;
    const banner = host.locator(".signed-banner");
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain(signed.sourceHash);
    expect(text).toContain(signed.translationHash);
    await expectAccessible(host, "signed banner with the translation's hash");
    await wuxiSource.goto(`${sourceUrl.replace(ids.sourceId, ids.documentId)}`);
    await wuxiSource.locator(".signed-banner").waitFor();
    expect(await wuxiSource.locator(".signed-banner").innerText()).toContain(signed.translationHash);
    await expectAccessible(wuxiSource, "the signed translation, in Chinese");
    for (const width of [360, 1440]) {
      await host.setViewportSize({ width, height: 900 });
      await wuxiSource.setViewportSize({ width, height: 900 });
      if (SHOTS) {
        await host.screenshot({ path: `${SHOTS}/signed-with-translation-${width}.png` });
        await wuxiSource.screenshot({ path: `${SHOTS}/signed-translation-wuxi-${width}.png` });
      }
      expect(await host.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `at ${width}`).toBe(true);
    }
  }, 120_000);
});
