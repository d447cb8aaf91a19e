import type { Browser, Page } from "playwright-core";
import { jsonToYUpdate, templateContent } from "@twinning/editor";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser } from "../helpers/browser";

const EDITABLE = '.document-body[contenteditable="true"]';

describe("real-time documents in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let agreementUrl: string;
  let strategyUrl: string;
  let agreementId: string;

  async function open(slug: string, url: string, locale = "da-DK"): Promise<Page> {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.locator('input[name="email"]').fill(demoEmail(slug));
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await page.waitForURL(`${app.url}/`);
    await page.goto(url);
    return page;
  }
  const text = (page: Page) => page.locator(".document-body[contenteditable]").innerText();
  /** The document's blocks as this page shows them, without the others' carets. */
  const blocks = (page: Page) =>
    page.locator(".document-body[contenteditable]").evaluate((root) => {
      const copy = root.cloneNode(true) as HTMLElement;
      copy.querySelectorAll(".collaboration-carets__caret").forEach((c) => c.remove());
      return [...copy.querySelectorAll("h1, h2, h3, p, li, td, th")].map((b) => `${b.tagName}:${b.textContent}`);
    });

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const docs = await app.db.owner`select id, space_id, type from documents`;
    const agreement = docs.find((d) => d.type === "agreement")!;
    // A second writable document in the space (the demo's China business strategy is signed).
    const [strategy] = await app.db.owner`
      insert into documents (space_id, type, title, language, template) values (${agreement.spaceId}, 'strategy', 'Strategi for kulturudveksling', 'da', 'strategy') returning id, space_id`;
    await app.db.owner`insert into document_snapshots (space_id, document_id, state, last_seq) values (${strategy.spaceId}, ${strategy.id}, ${Buffer.from(jsonToYUpdate(templateContent("strategy", "da")))}, 0)`;
    agreementId = agreement.id;
    agreementUrl = `${app.url}/s/${agreement.spaceId}/docs/${agreement.id}`;
    strategyUrl = `${app.url}/s/${strategy.spaceId}/docs/${strategy.id}`;
  });

  it("three users from three tenants type at once and end with the same text, seeing each other", async () => {
    const [ballerup, egedal, wuxi] = await Promise.all([
      open("ballerup-kommune", agreementUrl),
      open("egedal-kommune", agreementUrl),
      open("wuxi-foreign-affairs-office", agreementUrl, "zh-CN"),
    ]);
    const pages = [ballerup, egedal, wuxi];
    for (const page of pages) {
      await page.locator(EDITABLE).waitFor();
      await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    }
    const lines = ["Ballerup foreslår affald som fokusområde.", "Egedal tilføjer ældrepleje.", "无锡补充：学校交流。"];
    // Each starts a paragraph under a section of their own. All three at the document's end would
    // still converge, but where each one's letters land would depend on the timing: one's Ctrl+End
    // can land in the paragraph another has just made there, before that one's first letter, and
    // their Enter then splits that letter off.
    await Promise.all(
      pages.map(async (page, i) => {
        // At the end of the heading's last line, wherever it wraps.
        const heading = page.locator(EDITABLE).locator(":scope > h2").nth(i);
        const box = (await heading.boundingBox())!;
        await heading.click({ position: { x: box.width - 1, y: box.height - 4 } });
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        await page.keyboard.type(lines[i], { delay: 15 });
      }),
    );
    for (const page of pages) {
      await expect.poll(() => text(page), { timeout: 10_000 }).toContain(lines[0]);
      await expect.poll(() => text(page), { timeout: 10_000 }).toContain(lines[1]);
      await expect.poll(() => text(page), { timeout: 10_000 }).toContain(lines[2]);
    }
    // The same document everywhere: block by block, without the others' carets.
    const finals = await Promise.all(pages.map(blocks));
    expect(finals[1]).toEqual(finals[0]);
    expect(finals[2]).toEqual(finals[0]);
    // Everyone sees the others: avatars with the server-given names and tenants, and named carets.
    await expect.poll(() => ballerup.getByRole("region", { name: "I dokumentet" }).innerText()).toContain("Egedal Kommune");
    const presence = await ballerup.getByRole("region", { name: "I dokumentet" }).innerText();
    expect(presence).toContain("Wuxi Foreign Affairs Office");
    await expect.poll(() => ballerup.locator(".collaboration-carets__label").allInnerTexts()).toEqual(expect.arrayContaining(["Egedal Kommune", "Wuxi Foreign Affairs Office"]));
    await expect.poll(() => wuxi.getByRole("region", { name: "正在查看本文档" }).innerText()).toContain("Ballerup Kommune");
    // Everything typed is committed: all three say so.
    for (const page of pages) await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    await expectAccessible(ballerup, "document page with the live editor");
    // The derived plain text (for search) follows the edits.
    await expect.poll(async () => (await app.db.owner`select plain_text from documents where id = ${agreementId}`)[0].plainText, { timeout: 20_000 }).toContain(lines[2]);
    await Promise.all(pages.map((p) => p.context().close()));
  });

  it("three users who start a paragraph at the document's end at the same moment lose no letter, and see the same document", async () => {
    const pages = await Promise.all([open("ballerup-kommune", agreementUrl), open("egedal-kommune", agreementUrl), open("wuxi-foreign-affairs-office", agreementUrl, "zh-CN")]);
    for (const page of pages) {
      await page.locator(EDITABLE).waitFor();
      await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    }
    // The document's letters (carets' labels left out), in sorted order: where each landed may differ.
    const letters = (page: Page) =>
      page.locator(".document-body[contenteditable]").evaluate((root) => {
        const copy = root.cloneNode(true) as HTMLElement;
        copy.querySelectorAll(".collaboration-carets__caret").forEach((c) => c.remove());
        return [...(copy.textContent ?? "").replace(/\s/g, "")].sort().join("");
      });
    const sorted = (text: string) => [...text.replace(/\s/g, "")].sort().join("");
    const before = await letters(pages[0]);
    const lines = ["Ballerup: affald.", "Egedal: ældrepleje.", "无锡：学校交流。"];
    await Promise.all(
      pages.map(async (page, i) => {
        await page.locator(EDITABLE).click();
        await page.keyboard.press("Control+End");
        await page.keyboard.press("Enter");
        await page.keyboard.type(lines[i], { delay: 15 });
      }),
    );
    const expected = sorted(before + lines.join(""));
    for (const page of pages) await expect.poll(() => letters(page), { timeout: 10_000 }).toBe(expected);
    for (const page of pages) await expect.poll(() => page.locator(".save-status").getAttribute("data-state")).toBe("saved");
    const finals = await Promise.all(pages.map(blocks));
    expect(finals[1]).toEqual(finals[0]);
    expect(finals[2]).toEqual(finals[0]);
    await Promise.all(pages.map((p) => p.context().close()));
  });

  it("a viewer's editor is read-only, and a forged update from a viewer's socket changes nothing", async () => {
    const viewer = await open("region-hovedstaden", agreementUrl);
    await viewer.locator('.document-body[contenteditable="false"]').waitFor();
    expect(await viewer.getByRole("toolbar").count()).toBe(0);
    await expect.poll(() => viewer.locator(".save-status").innerText()).toBe("Du kan læse dokumentet, men ikke ændre det.");
    const watcher = await open("ballerup-kommune", agreementUrl);
    await watcher.locator(EDITABLE).waitFor();
    const before = await app.db.owner`select count(*)::int as n from document_updates where document_id = ${agreementId}`;

    // The test speaks the protocol itself, with the viewer's session cookie.
    const cookie = (await viewer.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const ws = new WebSocket(`${app.url.replace("http", "ws")}/collab/${agreementId}`, { headers: { Cookie: cookie, Origin: app.url } });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const forged = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("FORGED BY A VIEWER")]);
    forged.getXmlFragment("default").insert(0, [paragraph]);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(forged));
    ws.send(encoding.toUint8Array(encoder));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await text(watcher)).not.toContain("FORGED");
    const after = await app.db.owner`select count(*)::int as n from document_updates where document_id = ${agreementId}`;
    expect(after[0].n).toBe(before[0].n);
    ws.close();
    await viewer.context().close();
    await watcher.context().close();
  });

  /** How many updates the page's own copy of the strategy (y-indexeddb's store) holds. */
  const storedUpdates = (page: Page) =>
    page.evaluate(
      (name) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction("updates", "readonly").objectStore("updates").count();
            count.onsuccess = () => {
              resolve(count.result);
              open.result.close();
            };
          };
        }),
      `twinning-doc-${new URL(strategyUrl).pathname.split("/").pop()}`,
    );

  it("edits made offline survive a reload and reach the other user when back online", async () => {
    const writer = await open("egedal-kommune", strategyUrl);
    const reader = await open("ballerup-kommune", strategyUrl);
    await writer.locator(EDITABLE).waitFor();
    await reader.locator(EDITABLE).waitFor();
    await expect.poll(() => writer.evaluate(() => document.documentElement.dataset.offlineReady), { timeout: 10_000 }).toBe("1");

    await writer.context().setOffline(true);
    await expect.poll(() => writer.locator(".save-status").innerText(), { timeout: 10_000 }).toBe("Offline – dine ændringer gemmes på denne enhed");
    // Screen readers are told too (a live region of its own, quiet while saving as one types).
    const told = (page: typeof writer) => page.locator(".editor-top [role=status]").innerText();
    expect(await told(writer)).toBe("Offline – dine ændringer gemmes på denne enhed");
    await writer.locator(EDITABLE).click();
    await writer.keyboard.press("Control+End");
    const typed = "Skrevet uden forbindelse i toget.";
    const before = await storedUpdates(writer);
    await writer.keyboard.press("Enter");
    await writer.keyboard.type(typed, { delay: 10 });
    // Each keystroke is one update in this browser's copy (IndexedDB): all of them stored before the reload.
    await expect.poll(() => storedUpdates(writer), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1 + typed.length);

    // Reload with no network: the page and the text come from this browser.
    await writer.reload();
    await expect.poll(() => writer.locator(".document-body").first().innerText(), { timeout: 10_000 }).toContain("Skrevet uden forbindelse i toget.");
    await expect.poll(() => writer.getByRole("alert").innerText(), { timeout: 10_000 }).toBe("Serveren kan ikke nås. Du ser det senest kendte indhold, skrivebeskyttet.");
    expect(await reader.locator(".document-body").innerText()).not.toContain("Skrevet uden forbindelse");

    await writer.context().setOffline(false);
    await expect.poll(() => writer.locator(".save-status").getAttribute("data-state"), { timeout: 20_000 }).toBe("saved");
    expect(await told(writer)).toBe("Gemt");
    await expect.poll(() => text(reader), { timeout: 10_000 }).toContain("Skrevet uden forbindelse i toget.");
  });
});
