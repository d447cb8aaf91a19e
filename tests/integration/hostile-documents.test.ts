import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCodes } from "@twinning/collab";
import { documentUpdates } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { FRAGMENT } from "@twinning/editor";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { logInCookie, memoryLogger, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";

/** Content that breaks conversions, through the real server: deep nesting and bad card links. */
describe("hostile document content", () => {
  let app: RunningApp;
  let cookie: string;
  let spaceId: string;
  const { log, lines } = memoryLogger();

  /** The stock client in Node with the session cookie, as a browser holds it. */
  function connect(documentId: string) {
    const headers = { Cookie: cookie, Origin: app.url };
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    }
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(`${app.url.replace("http", "ws")}/collab`, documentId, ydoc, { WebSocketPolyfill: CookieSocket as never, disableBc: true });
    const closes: number[] = [];
    provider.on("connection-close", (event) => void (event && closes.push(event.code)));
    const synced = new Promise<void>((resolve) => provider.once("sync", () => resolve()));
    return { ydoc, provider, synced, closes, fragment: ydoc.getXmlFragment(FRAGMENT) };
  }
  const page = (documentId: string) => fetch(`${app.url}/s/${spaceId}/docs/${documentId}`, { headers: { Cookie: cookie } });
  const newDocument = async (title: string) => {
    const res = await fetch(`${app.url}/s/${spaceId}/docs/new`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie },
      body: new URLSearchParams({ template: "blank", title, type: "note", language: "da" }),
    });
    expect(res.status).toBe(302);
    return res.headers.get("location")!.split("/").pop()!;
  };
  const derived = async (documentId: string) => (await app.db.owner<{ plainText: string; derivedTitle: string | null; outline: { text: string }[] }[]>`select plain_text, derived_title, outline from documents where id = ${documentId}`)[0];
  const paragraph = (text: string) => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };
  /** 8,000 nested blockquotes (168 KB as one update), appended to `parent`. */
  const nest = (parent: Y.XmlFragment, depth = 8_000) => {
    let at: Y.XmlFragment | Y.XmlElement = parent;
    for (let i = 0; i < depth; i++) {
      const quote = new Y.XmlElement("blockquote");
      at.insert(at.length, [quote]);
      at = quote;
    }
    at.insert(0, [paragraph("bunden")]);
  };

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_DERIVE_DEBOUNCE_MS: "100", COLLAB_UNLOAD_GRACE_MS: "200", LOG_LEVEL: "info" }, log);
    await loadDemoWorld(app.db.owner);
    cookie = await logInCookie(app.url, demoEmail("ballerup-kommune"), DEMO_PASSWORD);
    [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
  });

  it("refuses an editor's update of 8,000 nested blockquotes (168 KB), logs it with the document, and the page still renders", async () => {
    const documentId = await newDocument("Dyb indlejring");
    const editor = connect(documentId);
    await editor.synced;
    editor.ydoc.transact(() => nest(editor.fragment));
    await expect.poll(() => editor.closes, { timeout: 5_000 }).toContain(CloseCodes.ContentLimit.code);
    expect(lines.some((l) => l.msg === "collab: refused an update" && l.documentId === documentId && l.refused === "content")).toBe(true);
    editor.provider.destroy();
    const res = await page(documentId);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("bunden");
  });

  it("opens a document already holding 8,000 nested blockquotes: 200, read-only with a notice, the log names it, and derive still runs", async () => {
    const documentId = await newDocument("Gammel dyb");
    // Stored before the limit existed (straight into the log): the server must live with it.
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, Y.mergeUpdates(await documentUpdates(app.db.owner, documentId)));
    const before = Y.encodeStateVector(ydoc);
    const fragment = ydoc.getXmlFragment(FRAGMENT);
    ydoc.transact(() => {
      fragment.insert(0, [paragraph("Over dybet")]);
      nest(fragment);
    });
    const update = Y.encodeStateAsUpdate(ydoc, before);
    const [{ id: userId }] = await app.db.owner`select id from users where email = ${demoEmail("ballerup-kommune")}`;
    await app.db.owner`insert into document_updates (space_id, document_id, update, user_id) select space_id, id, ${update}, ${userId} from documents where id = ${documentId}`;

    const res = await page(documentId);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Over dybet");
    expect(html).toContain(resources.da.translation.document.contentLimitNotice);
    expect(lines.some((l) => l.documentId === documentId && String(l.msg).startsWith("document: content beyond"))).toBe(true);

    // The live document loads, takes a normal edit, and derive saves what it can and names what it left out.
    const editor = connect(documentId);
    await editor.synced;
    editor.fragment.insert(0, [paragraph("Redigeret bagefter")]);
    await expect.poll(async () => (await derived(documentId)).plainText, { timeout: 5_000 }).toContain("Redigeret bagefter");
    expect((await derived(documentId)).plainText).toContain("Over dybet");
    expect(lines.some((l) => l.msg === "collab: derive skipped content" && l.documentId === documentId)).toBe(true);
    expect(editor.closes).toEqual([]);
    editor.provider.destroy();
  });

  it("card links with bad ids and text PostgreSQL cannot store: derive still saves title, text and outline; the bad nodes are skipped and logged", async () => {
    const documentId = await newDocument("Kort");
    const editor = connect(documentId);
    await editor.synced;
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 2 as never);
    heading.insert(0, [new Y.XmlText("Opgaver\u0000 \ud800")]);
    const links = new Y.XmlElement("paragraph");
    for (const cardId of ["not-a-uuid", "'); delete from cards; --", "00000000-0000-0000-0000-00000000000g"]) {
      const link = new Y.XmlElement("cardLink");
      link.setAttribute("cardId", cardId);
      links.insert(links.length, [link]);
    }
    links.insert(links.length, [new Y.XmlText("Efter kortene")]);
    editor.fragment.insert(editor.fragment.length, [heading, links]);
    await expect.poll(async () => (await derived(documentId)).plainText, { timeout: 5_000 }).toContain("Efter kortene");
    const row = await derived(documentId);
    expect(row.outline.map((h) => h.text)).toContain("Opgaver \ufffd");
    expect(row.derivedTitle).toBe("Opgaver \ufffd");
    const skipped = lines.find((l) => l.msg === "collab: derive skipped content" && l.documentId === documentId);
    expect(skipped?.skipped).toHaveLength(3);
    expect(lines.some((l) => l.msg === "collab: onDerive failed" && l.documentId === documentId)).toBe(false);
    editor.provider.destroy();
  });

  it("a long document's page shows only its beginning, says so and links the whole text; the editor gets all of it", async () => {
    const documentId = await newDocument("Lang plan");
    const editor = connect(documentId);
    await editor.synced;
    const filler = "om samarbejdet mellem kommunerne og partnerbyen, skoler, erhverv og kultur i mange år frem.";
    editor.fragment.insert(editor.fragment.length, Array.from({ length: 1_000 }, (_, i) => paragraph(`Afsnit ${i + 1} ${filler}`)));
    await expect.poll(async () => (await derived(documentId)).plainText, { timeout: 10_000 }).toContain("Afsnit 1000 ");
    const res = await page(documentId);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Afsnit 1 om");
    expect(html).not.toContain("Afsnit 1000 ");
    expect(html).toMatch(/Viser de første 300 af 100\d dele af dette lange dokument/);
    // The whole text behind the link, and to a client of the editor.
    expect(html).toContain(`/s/${spaceId}/docs/${documentId}/export?format=html`);
    const whole = await fetch(`${app.url}/s/${spaceId}/docs/${documentId}/export?format=html`, { headers: { Cookie: cookie } });
    expect(whole.status).toBe(200);
    const text = await whole.text();
    expect(text).toContain("Afsnit 1000 ");
    // The page carries the beginning twice (its HTML and the loader's data), the whole text not even once.
    expect(html.length).toBeLessThan(text.length);
    const reader = connect(documentId);
    await reader.synced;
    expect(reader.fragment.toString()).toContain("Afsnit 1000 ");
    editor.provider.destroy();
    reader.provider.destroy();
  });
});
