import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { BLOCK_ID, deriveFromNode, deriveFromYDoc, editorSchema, FRAGMENT, jsonToYUpdate, templateContent } from "@twinning/editor";
import { extraMessagesParams, readAccessMessage } from "@twinning/collab";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { signThroughApproval, type Post, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { LIVE_WAIT_MS, reportLatency } from "../helpers/latency";

/** Documents through the app: HTTP routes, and the stock y-websocket client on the app's /collab socket. */
describe("documents", () => {
  let app: RunningApp;
  let dbUrl: string;
  const cookie: Record<string, string> = {};
  let spaceId: string;

  /** The stock client in Node, sending the session cookie like a browser would. */
  function connect(target: RunningApp, documentId: string, who: string) {
    const headers = { Cookie: cookie[who], Origin: target.url };
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers });
      }
    }
    const ydoc = new Y.Doc();
    // Asking for the saved and access messages, as our editor does.
    const provider = new WebsocketProvider(`${target.url.replace("http", "ws")}/collab`, documentId, ydoc, {
      WebSocketPolyfill: CookieSocket as never,
      disableBc: true,
      params: extraMessagesParams(),
    });
    const closes: number[] = [];
    provider.on("connection-close", (event) => void (event && closes.push(event.code)));
    const synced = new Promise<void>((resolve) => provider.once("sync", () => resolve()));
    return { ydoc, provider, synced, closes };
  }
  const form = (who: string, body: Record<string, string>) => ({
    method: "POST",
    redirect: "manual" as const,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
    body: new URLSearchParams(body),
  });

  beforeAll(async () => {
    ({ url: dbUrl } = await freshDatabase());
    app = await startAppOn(dbUrl, { COLLAB_DERIVE_DEBOUNCE_MS: "100", COLLAB_UNLOAD_GRACE_MS: "200" });
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "region-hovedstaden", "kobenhavns-kommune", "wuxi-foreign-affairs-office"]) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    }
    [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
  });

  it("creates a document from a template in its language, lists it with filters, renames, archives and restores it", async () => {
    const created = await fetch(`${app.url}/s/${spaceId}/docs/new`, form("ballerup-kommune", { template: "minutes", title: "Referat af styregruppemøde", type: "minutes", language: "en" }));
    expect(created.status).toBe(302);
    const docPath = created.headers.get("location")!;
    const documentId = docPath.split("/").pop()!;
    const page = await (await fetch(`${app.url}${docPath}`, { headers: { Cookie: cookie["ballerup-kommune"] } })).text();
    // The template's sections in the document's language, rendered on the server (never a blank page).
    // Its blocks named from the start (an editor's first keystroke need not name them all).
    expect(page).toMatch(/<h2 data-block-id="[0-9a-f]{12}">Time and place<\/h2>/);
    expect(page).toMatch(/<h2 data-block-id="[0-9a-f]{12}">Decisions<\/h2>/);

    // The space's document list (the page also names the space's documents elsewhere, e.g. the sidebar), or nothing when it lists none.
    const list = (query: string) =>
      fetch(`${app.url}/s/${spaceId}?${query}`, { headers: { Cookie: cookie["ballerup-kommune"] } })
        .then((r) => r.text())
        .then((page) => page.match(/<table aria-labelledby="documents-heading">[\s\S]*?<\/table>/)?.[0] ?? "");
    expect(await list("type=minutes")).toContain("Referat af styregruppemøde");
    expect(await list("type=agreement")).not.toContain("Referat af styregruppemøde");
    expect(await list("language=en")).toContain("Referat af styregruppemøde");
    expect(await list("language=da")).not.toContain("Referat af styregruppemøde");
    expect(await list("status=draft")).toContain("Ballerup Kommune");

    const empty = await fetch(`${app.url}${docPath}`, form("ballerup-kommune", { intent: "rename", title: "   " }));
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Feltet skal udfyldes.");
    expect((await fetch(`${app.url}${docPath}`, form("ballerup-kommune", { intent: "rename", title: "Referat 12. maj" }))).status).toBe(200);
    expect(await list("")).toContain("Referat 12. maj");
    expect((await fetch(`${app.url}${docPath}`, form("ballerup-kommune", { intent: "archive" }))).status).toBe(200);
    expect(await list("")).not.toContain("Referat 12. maj");
    // "Show archived" shows them as well as the current ones, marked.
    const withArchived = await list("archived=1");
    expect(withArchived).toContain("Referat 12. maj");
    expect(withArchived).toContain("Samarbejdsaftale mellem Bycirklen og Wuxi");
    expect(withArchived).toMatch(/Referat 12\. maj<\/a><span class="badge status-badge status-archived">Arkiveret<\/span>/);
    expect((await fetch(`${app.url}${docPath}`, form("ballerup-kommune", { intent: "restore" }))).status).toBe(200);
    expect(await list("")).toContain("Referat 12. maj");
    // A viewer (Region Hovedstaden) may neither create nor rename.
    expect((await fetch(`${app.url}/s/${spaceId}/docs/new`, form("region-hovedstaden", { template: "blank", title: "x", type: "note", language: "da" }))).status).toBe(403);
    expect((await fetch(`${app.url}${docPath}`, form("region-hovedstaden", { intent: "rename", title: "Hijack" }))).status).toBe(403);
    const [row] = await app.db.owner`select title from documents where id = ${documentId}`;
    expect(row.title).toBe("Referat 12. maj");
  });

  it("syncs two stock y-websocket clients through the app, stores the edit and its derived text", async () => {
    const [{ id: documentId }] = await app.db.owner`select id from documents where type = 'agreement'`;
    const a = connect(app, documentId, "ballerup-kommune");
    const b = connect(app, documentId, "wuxi-foreign-affairs-office");
    await Promise.all([a.synced, b.synced]);
    const fragment = a.ydoc.getXmlFragment("default");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("Tilføjet af en Node-klient.")]);
    fragment.insert(fragment.length, [paragraph]);
    await expect.poll(() => deriveFromYDoc(b.ydoc).plainText).toContain("Tilføjet af en Node-klient.");
    // Awareness carries the server's name for each user, whatever the client claims.
    a.provider.awareness.setLocalStateField("user", { name: "Someone Else", tenantName: "Fake" });
    await expect.poll(() => [...b.provider.awareness.getStates().values()].map((s) => s.user?.name)).toContain("Ballerup Kommune");
    expect([...b.provider.awareness.getStates().values()].map((s) => s.user?.name)).not.toContain("Someone Else");
    await expect.poll(async () => (await app.db.owner`select plain_text from documents where id = ${documentId}`)[0].plainText).toContain("Tilføjet af en Node-klient.");
    // Who edited last is written for all documents edited meanwhile, every 2 s.
    const editor = async () => (await app.db.owner`select u.name from documents d join users u on u.id = d.last_edited_by where d.id = ${documentId}`)[0]?.name;
    await expect.poll(editor, { timeout: 5_000 }).toBe("Ballerup Kommune");
    a.provider.destroy();
    b.provider.destroy();
  });

  it("names the blocks of a document loaded without them, once, as a change every client gets; the text stays", async () => {
    const content = templateContent("minutes", "da");
    const [doc] = await app.db.owner<{ id: string }[]>`
      insert into documents (space_id, type, title, language) values (${spaceId}, 'minutes', 'Uden blok-id', 'da') returning id`;
    await app.db.owner`insert into document_snapshots (space_id, document_id, state, last_seq) values (${spaceId}, ${doc.id}, ${Buffer.from(jsonToYUpdate(content))}, 0)`;
    const client = connect(app, doc.id, "ballerup-kommune");
    await client.synced;
    const ids = () => client.ydoc.getXmlFragment(FRAGMENT).toArray().map((block) => (block as Y.XmlElement).getAttribute(BLOCK_ID));
    await expect.poll(() => ids().every((id) => typeof id === "string" && /^[0-9a-f]{12}$/.test(id)), { timeout: LIVE_WAIT_MS }).toBe(true);
    expect(new Set(ids()).size).toBe(content.content!.length);
    expect(deriveFromYDoc(client.ydoc).plainText).toBe(deriveFromNode(editorSchema.nodeFromJSON(content)).plainText);
    // One change, stored, attributed to nobody.
    await expect.poll(async () => (await app.db.owner`select user_id from document_updates where document_id = ${doc.id}`).map((r) => r.userId)).toEqual([""]);
    client.provider.destroy();
  });

  it("closes a removed partner's open sockets (the time printed)", async () => {
    const [{ id: documentId }] = await app.db.owner`select id from documents where type = 'strategy'`;
    const wuxi = connect(app, documentId, "wuxi-foreign-affairs-office");
    const ballerup = connect(app, documentId, "ballerup-kommune");
    await Promise.all([wuxi.synced, ballerup.synced]);
    const [{ id: wuxiTenant }] = await app.db.owner`select id from tenants where slug = 'wuxi-foreign-affairs-office'`;
    const removedAt = Date.now();
    const res = await fetch(`${app.url}/s/${spaceId}/settings`, form("bycirklen", { intent: "removePartner", tenantId: wuxiTenant }));
    expect(res.status).toBe(200);
    await expect.poll(() => wuxi.closes, { timeout: LIVE_WAIT_MS, interval: 50 }).toContain(4403);
    reportLatency("removed partner's sockets closed", removedAt);
    // Revoked is terminal for the stock client (44xx): it does not keep knocking.
    expect(wuxi.provider.shouldConnect).toBe(false);
    expect(ballerup.closes).toEqual([]);
    ballerup.provider.destroy();
    wuxi.provider.destroy();
  });

  it("signing a document turns open editors read-only on the server, in place", async () => {
    const [{ id: documentId }] = await app.db.owner`select id from documents where type = 'agreement' and archived_at is null`;
    const docPath = `/s/${spaceId}/docs/${documentId}`;
    const editor = connect(app, documentId, "ballerup-kommune");
    const access: { readOnly: boolean; reason: string }[] = [];
    editor.provider.messageHandlers[101] = (_encoder, decoder) => void access.push(readAccessMessage(decoder));
    await editor.synced;
    const [{ id: bycirklen }] = await app.db.owner`select id from tenants where slug = 'bycirklen'`;
    const post: Post = (who, path, body) =>
      fetch(`${app.url}${path}`, { ...form(who, {}), body: new URLSearchParams(Object.entries(body).flatMap(([k, v]) => [v].flat().map((one) => [k, one]))) });
    await signThroughApproval({ post, owner: app.db.owner, docPath, host: "bycirklen", parties: [{ tenantId: bycirklen, admin: "bycirklen" }] });
    // The socket is told it is read-only now and why; it stays open.
    await expect.poll(() => access, { timeout: LIVE_WAIT_MS }).toEqual([{ readOnly: true, reason: "signed" }]);
    expect(editor.closes).toEqual([]);
    // What it types from now on is dropped (tests/integration/access.test.ts proves it from the log).
    editor.provider.destroy();
  });

  it("keeps every edit across a server restart; the document leaves memory after its last client", async () => {
    const [{ id: documentId }] = await app.db.owner`select id from documents where type = 'action_plan'`;
    const [{ id: jordsporet }] = await app.db.owner`select space_id as id from documents where id = ${documentId}`;
    cookie.clean = await logInCookie(app.url, demoEmail("clean"), DEMO_PASSWORD);
    const writer = connect(app, documentId, "clean");
    await writer.synced;
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("Gemt før genstart.")]);
    writer.ydoc.getXmlFragment("default").insert(0, [p]);
    await expect.poll(async () => (await app.db.owner`select count(*)::int as n from document_updates where document_id = ${documentId}`)[0].n).toBeGreaterThan(0);
    writer.provider.destroy();
    await expect.poll(() => app.collab.stats().perDocument.some((d) => d.documentId === documentId), { timeout: 3_000 }).toBe(false);

    // A second server on the same database (as after a restart) serves the same content.
    const again = await startAppOn(dbUrl, { COLLAB_UNLOAD_GRACE_MS: "200" });
    const reader = connect(again, documentId, "clean");
    await reader.synced;
    expect(deriveFromYDoc(reader.ydoc).plainText).toContain("Gemt før genstart.");
    const page = await (await fetch(`${again.url}/s/${jordsporet}/docs/${documentId}`, { headers: { Cookie: cookie.clean } })).text();
    expect(page).toContain("Gemt før genstart.");
    reader.provider.destroy();
  });
});
