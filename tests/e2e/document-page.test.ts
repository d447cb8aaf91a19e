import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createDocument } from "@twinning/db";
import { loadDemoWorld } from "@twinning/demo-world";
import { jsonToYUpdate, withBlockIds } from "@twinning/editor";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { expectAccessible, launchBrowser, openAsDemoUser } from "../helpers/browser";
import { COUNT_REACT_COMMITS, reactCommits } from "../helpers/react-commits";

const EDITABLE = '.document-body[contenteditable="true"]';
/** Waits for what the server and the other side bring, with room for two busy cores. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

/** The document page as a document tool: title in place, the "⋯" menu, toolbar, link dialog, outline, small screens. */
describe("the document page", () => {
  let app: RunningApp;
  let browser: Browser;
  let agreement: { id: string; url: string; spaceId: string };
  let plan: { id: string; url: string };

  async function open(slug: string, url: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
    const page = await openAsDemoUser(browser, app.url, slug, url, { viewport });
    await page.locator(EDITABLE).waitFor();
    return page;
  }
  const row = async (id: string) => (await app.db.owner`select title, type, language, archived_at from documents where id = ${id}`)[0];
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "");

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "200" }), launchBrowser()]);
    await loadDemoWorld(app.db.owner);
    const docs = await app.db.owner`select id, space_id, type from documents`;
    const find = (type: string) => {
      const d = docs.find((x) => x.type === type)!;
      return { id: d.id as string, url: `${app.url}/s/${d.spaceId}/docs/${d.id}`, spaceId: d.spaceId as string };
    };
    agreement = find("agreement");
    plan = find("action_plan");
  });

  it("shows the title once, and renames it in place by keyboard and by mouse", async () => {
    const title = "Samarbejdsaftale mellem Bycirklen og Wuxi 2016–2019 (fornyelse)";
    // A retry starts from the demo's title, not the one the first attempt left.
    await app.db.owner`update documents set title = ${title} where id = ${agreement.id}`;
    const [renamedBefore] = await app.db.owner`select count(*)::int as n from audit_events where action = 'document.renamed'`;
    const page = await open("ballerup-kommune", agreement.url);
    expect(await page.getByRole("heading", { level: 1 }).allTextContents()).toEqual([title]);
    expect(await page.locator(".document-body h1").count()).toBe(0);
    await expectAccessible(page, "document page");

    // Keyboard: Enter on the heading turns it into a field; an empty title is refused, what was typed stays.
    const heading = page.getByRole("button", { name: title });
    await heading.focus();
    await page.keyboard.press("Enter");
    const input = page.getByRole("textbox", { name: "Titel" });
    await poll(() => input.inputValue()).toBe(title);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("   ");
    await page.keyboard.press("Enter");
    await poll(() => page.getByRole("alert").filter({ hasText: "Feltet skal udfyldes." }).count()).toBe(1);
    expect(await input.inputValue()).toBe("   ");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "title field with an error");
    // Escape cancels: the old title is back and has focus.
    await page.keyboard.press("Escape");
    await poll(() => focused(page)).toBe(title);
    expect((await row(agreement.id)).title).toBe(title);

    // F2 edits too; Enter saves.
    await page.keyboard.press("F2");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Samarbejdsaftale 2020–2023");
    await page.keyboard.press("Enter");
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Samarbejdsaftale 2020–2023");
    await poll(() => focused(page)).toBe("Samarbejdsaftale 2020–2023");
    expect((await row(agreement.id)).title).toBe("Samarbejdsaftale 2020–2023");

    // Mouse: a click opens the field, leaving it saves.
    await page.getByRole("button", { name: "Samarbejdsaftale 2020–2023" }).click();
    await input.fill("Samarbejdsaftale Bycirklen–Wuxi 2020–2023");
    await page.locator(EDITABLE).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Samarbejdsaftale Bycirklen–Wuxi 2020–2023");
    expect((await row(agreement.id)).title).toBe("Samarbejdsaftale Bycirklen–Wuxi 2020–2023");
    const audit = await app.db.owner`select count(*)::int as n from audit_events where action = 'document.renamed'`;
    expect(audit[0].n).toBe(renamedBefore.n + 2);
    await page.context().close();
  });

  it("the ⋯ menu works by keyboard: rename, type, language, archive with a confirmation, restore", async () => {
    const page = await open("region-hovedstaden", plan.url);
    const menuButton = page.getByRole("button", { name: "Flere handlinger" });
    expect(await menuButton.getAttribute("aria-haspopup")).toBe("menu");
    await menuButton.focus();
    await page.keyboard.press("Enter");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    const menu = page.getByRole("menu", { name: "Flere handlinger" });
    // (The status change may sit between language and archive until approvals replace it.)
    const items = await menu.getByRole("menuitem").allTextContents();
    expect(items.slice(0, 3)).toEqual(["Omdøb", "Skift type", "Skift sprog"]);
    expect(items.at(-1)).toBe("Arkivér…");
    await poll(() => focused(page)).toBe("Omdøb");
    await expectAccessible(page, "document menu open");
    // Escape closes and returns focus to the button.
    await page.keyboard.press("Escape");
    expect(await menu.count()).toBe(0);
    await poll(() => focused(page)).toBe("Flere handlinger");

    // Rename: the title field opens with focus.
    await page.keyboard.press("ArrowDown");
    await poll(() => focused(page)).toBe("Omdøb");
    await page.keyboard.press("Enter");
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe("document-title-input");
    await page.keyboard.press("Escape");

    // Type: a dialog with the current type chosen; focus returns to the menu button.
    await menuButton.focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("ArrowDown");
    await poll(() => focused(page)).toBe("Skift type");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Skift type" });
    await dialog.waitFor();
    expect(await dialog.getByRole("combobox", { name: "Type" }).inputValue()).toBe("action_plan");
    await expectAccessible(page, "type dialog");
    await dialog.getByRole("combobox", { name: "Type" }).selectOption("report");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await poll(() => page.locator(".document-facts").innerText()).toContain("Rapport");
    expect((await row(plan.id)).type).toBe("report");
    await poll(() => focused(page)).toBe("Flere handlinger");
    await poll(() => page.getByRole("status").filter({ hasText: "Gemt." }).count()).toBe(1);

    // Language: the text's lang follows at once.
    await page.keyboard.press("Enter");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await poll(() => focused(page)).toBe("Skift sprog");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Skift sprog" }).getByRole("combobox", { name: "Sprog" }).selectOption("en");
    await page.getByRole("dialog", { name: "Skift sprog" }).getByRole("button", { name: "Gem" }).click();
    await poll(() => page.locator(EDITABLE).getAttribute("lang")).toBe("en");
    expect((await row(plan.id)).language).toBe("en");

    // Archive asks first; Escape keeps the document as it was.
    await menuButton.focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await poll(() => focused(page)).toBe("Arkivér…");
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("dialog", { name: "Arkivér dokumentet?" });
    await confirm.waitFor();
    await poll(() => focused(page)).toBe("Annullér");
    await page.keyboard.press("Escape");
    await poll(() => confirm.count()).toBe(0);
    await poll(() => focused(page)).toBe("Flere handlinger");
    expect((await row(plan.id)).archivedAt).toBeNull();
    await page.keyboard.press("ArrowUp");
    await poll(() => focused(page)).toBe("Arkivér…");
    await page.keyboard.press("Enter");
    await confirm.waitFor();
    await page.keyboard.press("Shift+Tab");
    await poll(() => focused(page)).toBe("Arkivér dokumentet");
    await page.keyboard.press("Enter");
    await poll(() => page.locator(".notice").first().innerText()).toBe("Dokumentet er arkiveret: det kan læses, men ikke ændres.");
    expect((await row(plan.id)).archivedAt).not.toBeNull();
    await page.locator('.document-body[contenteditable="false"]').waitFor();

    // Restore, from the same menu.
    await menuButton.focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await poll(() => focused(page)).toBe("Genåbn dokumentet");
    await page.keyboard.press("Enter");
    await poll(async () => (await row(plan.id)).archivedAt).toBeNull();
    const actions = await app.db.owner`select action from audit_events where action in ('document.typeChanged', 'document.languageChanged', 'document.archived', 'document.restored') order by at`;
    expect(actions.map((a) => a.action)).toEqual(["document.typeChanged", "document.languageChanged", "document.archived", "document.restored"]);
    await page.context().close();
  });

  it("the toolbar has icons with names and tooltips, and the link dialog refuses javascript: with a reason and inserts a valid link", async () => {
    const page = await open("ballerup-kommune", agreement.url);
    const toolbar = page.getByRole("toolbar", { name: "Formatering" });
    expect(await toolbar.getByRole("group").evaluateAll((gs) => gs.map((g) => g.getAttribute("aria-label")))).toEqual(["Teksttype", "Lister", "Indsæt", "Fortryd og gentag"]);
    // Every tool is an SVG icon with an accessible name: no text glyphs.
    const tools = await toolbar.getByRole("button").evaluateAll((bs) => bs.map((b) => ({ name: b.getAttribute("aria-label"), text: b.textContent?.trim(), svg: !!b.querySelector("svg") })));
    expect(tools.length).toBeGreaterThan(15);
    for (const tool of tools) expect(tool, JSON.stringify(tool)).toMatchObject({ text: "", svg: true, name: expect.stringMatching(/\S/) });
    // One tab stop; arrow keys move; the tooltip names the tool and its shortcut.
    expect(await toolbar.locator('button[tabindex="0"]').count()).toBe(1);
    await toolbar.locator('button[tabindex="0"]').focus();
    await page.keyboard.press("ArrowRight");
    const tip = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const after = getComputedStyle(el, "::after");
      return { name: el.getAttribute("aria-label"), display: after.display, content: after.content };
    });
    await poll(tip).toEqual({ name: "Overskrift 1", display: "block", content: '"Overskrift 1 (Ctrl+Alt+1)"' });
    await page.keyboard.press("Escape");
    expect((await tip()).display).toBe("none");

    // Select a word in the text and open the link dialog from the toolbar.
    await page.locator(EDITABLE).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Se Ballerups hjemmeside");
    await page.keyboard.press("Shift+Control+ArrowLeft");
    await toolbar.getByRole("button", { name: "Link" }).click();
    const dialog = page.getByRole("dialog", { name: "Indsæt link" });
    await dialog.waitFor();
    const address = dialog.getByRole("textbox", { name: "Linkadresse" });
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe("link-href");
    await address.fill("javascript:alert(1)");
    await page.keyboard.press("Enter");
    const reason = dialog.getByRole("alert");
    await poll(() => reason.innerText()).toBe("Links der begynder med “javascript:” er ikke tilladt: kun webadresser (http, https), e-mail (mailto) og sider på dette site.");
    expect(await address.inputValue()).toBe("javascript:alert(1)");
    await expectAccessible(page, "link dialog with a refused address");
    await address.fill("https://exa mple.dk");
    await page.keyboard.press("Enter");
    await poll(() => reason.innerText()).toBe("Det er ikke en gyldig linkadresse. Eksempel: https://www.ballerup.dk");
    // Escape closes without a link, focus goes back.
    await page.keyboard.press("Escape");
    await poll(() => dialog.count()).toBe(0);
    expect(await page.locator(`${EDITABLE} a[href*="exa"], ${EDITABLE} a[href^="javascript"]`).count()).toBe(0);

    await page.keyboard.press("Control+k");
    await dialog.waitFor();
    await address.fill("https://www.ballerup.dk");
    await page.keyboard.press("Enter");
    await poll(() => dialog.count()).toBe(0);
    const link = page.locator(`${EDITABLE} a[href="https://www.ballerup.dk/"]`);
    await poll(() => link.textContent()).toBe("hjemmeside");
    await poll(() => page.evaluate(() => document.activeElement?.classList.contains("document-body"))).toBe(true);
    expect(await page.locator(`${EDITABLE} a[href^="javascript"]`).count()).toBe(0);
    await page.context().close();
  });

  it("typing makes React commit nothing (each commit walks the whole text), while the save status and the toolbar still follow", async () => {
    // A note of its own: no translation, approval or comments that could change meanwhile.
    const note = await asUser(app.db.sql, "demo-bycirklen", (tx) =>
      createDocument(tx, { spaceId: agreement.spaceId, type: "note", title: "Referat", language: "da", template: "blank", initialState: jsonToYUpdate(withBlockIds({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Status" }] }] })), actorId: "demo-bycirklen" }),
    );
    const page = await open("ballerup-kommune", `${app.url}/s/${agreement.spaceId}/docs/${note.id}`);
    await page.context().addInitScript(COUNT_REACT_COMMITS);
    await page.reload();
    const status = page.locator(".save-status");
    await page.locator(`${EDITABLE} p`).first().click();
    await page.keyboard.press("End");
    await page.keyboard.type(" –");
    // Settled: saved, and the toolbar's Undo available (its one change from typing).
    await poll(() => status.getAttribute("data-state")).toBe("saved");
    await poll(() => page.getByRole("button", { name: "Fortryd" }).getAttribute("aria-disabled")).toBeNull();
    // Every state the status line shows from now on, as it changes, and what screen readers are told.
    await status.evaluate((el) => {
      const seen: string[] = ((window as unknown as { __states: string[] }).__states = []);
      new MutationObserver(() => seen.push(el.dataset.state ?? "")).observe(el, { attributes: true, attributeFilter: ["data-state"] });
      const told: string[] = ((window as unknown as { __told: string[] }).__told = []);
      const announcer = document.querySelector(".editor-top [role=status]")!;
      new MutationObserver(() => told.push(announcer.textContent ?? "")).observe(announcer, { childList: true, characterData: true, subtree: true });
    });
    const before = await reactCommits(page);
    for (const key of "Aftalt") {
      const text = await page.locator(`${EDITABLE} p`).first().textContent();
      await page.keyboard.type(key);
      await poll(() => page.locator(`${EDITABLE} p`).first().textContent()).not.toBe(text);
    }
    expect(await reactCommits(page)).toBe(before);
    await poll(() => status.getAttribute("data-state")).toBe("saved");
    expect(await page.evaluate(() => (window as unknown as { __states: string[] }).__states)).toContain("saving");
    expect(await status.innerText()).toBe("Gemt");
    // Saving and saved with each keystroke are shown, not announced.
    expect(await page.evaluate(() => (window as unknown as { __told: string[] }).__told)).toEqual([]);
    // The toolbar still shows what the selection has: bold pressed once turned on.
    const bold = page.getByRole("button", { name: "Fed" });
    expect(await bold.getAttribute("aria-pressed")).toBe("false");
    await page.keyboard.press("Control+b");
    await poll(() => bold.getAttribute("aria-pressed")).toBe("true");
    await page.context().close();
  });

  it("the outline lists the live headings beside the text; choosing one moves to it", async () => {
    const page = await open("ballerup-kommune", agreement.url);
    const outline = page.getByRole("navigation", { name: "Indhold" });
    await poll(() => outline.getByRole("listitem").count()).toBe(9);
    const box = { outline: await outline.boundingBox(), text: await page.locator(".document-text").boundingBox() };
    expect(box.outline!.x + box.outline!.width).toBeLessThan(box.text!.x);
    // Live: a new heading typed in the text appears at once.
    await page.locator(EDITABLE).click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+Alt+2");
    await page.keyboard.type("Underskrifter");
    await poll(() => outline.getByRole("listitem").last().innerText()).toBe("Underskrifter");
    await page.evaluate(() => window.scrollTo(0, 0));
    await outline.getByRole("button", { name: "Kultur og fritid" }).click();
    await poll(() =>
      page.evaluate(() => {
        const node = window.getSelection()?.anchorNode;
        const heading = (node instanceof Element ? node : node?.parentElement)?.closest("h2");
        const top = heading?.getBoundingClientRect().top ?? -1;
        return { heading: heading?.textContent, visible: top >= 0 && top < window.innerHeight, focused: document.activeElement?.classList.contains("document-body") };
      }),
    ).toEqual({ heading: "Kultur og fritid", visible: true, focused: true });
    await page.context().close();
  });

  it("Ctrl+End and Ctrl+Home move the editor's own selection at once, so what is typed next lands there", async () => {
    const page = await open("ballerup-kommune", agreement.url);
    await page.locator(EDITABLE).click();
    // A synthetic key event has no browser default: only the editor's own handling can move the selection.
    const press = (key: string, shiftKey = false) =>
      page.evaluate(
        ({ key, shiftKey }) => {
          const dom = document.querySelector(".document-body") as HTMLElement & { editor: { state: { selection: { from: number; to: number }; doc: { content: { size: number } } } } };
          dom.dispatchEvent(new KeyboardEvent("keydown", { key, ctrlKey: true, shiftKey, bubbles: true, cancelable: true }));
          const { selection, doc } = dom.editor.state;
          return { from: selection.from, to: selection.to, size: doc.content.size };
        },
        { key, shiftKey },
      );
    const end = await press("End");
    expect(end.from).toBe(end.size - 1);
    expect(await press("Home")).toMatchObject({ from: 1, to: 1 });
    expect(await press("End", true)).toMatchObject({ from: 1, to: end.size - 1 });
    // While writing, clicking a card in the text does not leave the page (Ctrl+click opens it).
    const here = page.url();
    await page.locator(`${EDITABLE} .card-node a`).first().click();
    expect(page.url()).toBe(here);
    expect(await page.locator(`${EDITABLE} .card-node a`).first().getAttribute("title")).toBe("Ctrl+klik for at åbne kortet");
    await page.context().close();
  });

  it("fits 360 px without scrolling sideways, and uses 1440 px for outline, text and space beside", async () => {
    const small = await open("ballerup-kommune", agreement.url, { width: 360, height: 740 });
    await small.getByRole("toolbar").waitFor();
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // The outline starts folded above the text; the menu fits.
    const toggle = small.getByRole("button", { name: "Indhold" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await toggle.click();
    await small.getByRole("button", { name: "Flere handlinger" }).click();
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await small.keyboard.press("Escape");
    await expectAccessible(small, "document page at 360 px");
    await small.context().close();

    const wide = await open("ballerup-kommune", agreement.url);
    const text = await wide.locator(".document-text").boundingBox();
    // A readable measure: the text column is neither the whole window nor a sliver.
    expect(text!.width).toBeGreaterThan(600);
    expect(text!.width).toBeLessThanOrEqual(50 * 16 + 1);
    expect(await wide.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    await wide.context().close();
  });
});
