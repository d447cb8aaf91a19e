import { Node } from "@tiptap/pm/model";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { hashPassword } from "@twinning/auth";
import { asUser, createDocument, createSpace, createTenant, insertUser, invitePartner, saveDocumentBlocks } from "@twinning/db";
import { BLOCK_ID, deriveFromNode, editorSchema, jsonToYUpdate, withBlockIds, type DocJSON } from "@twinning/editor";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { formPoster } from "../helpers/approval";
import { openSocket, openStream } from "../helpers/live";
import { liveVersionContent } from "../../app/lib/versions.server";

/**
 * Linked translations (issue 15) against the real server and database: adding a translation copies the
 * source with its block ids; blocks stay aligned through inserts, deletes and reordering in the source;
 * only source blocks whose content changed (or that are new) are to review, each with its text then and
 * now; marking one reviewed clears it; an edit through the collaboration server marks the block within
 * a second and tells the space's event stream; viewers and strangers can do none of it.
 */
type User = "host" | "viewer" | "outsider";
const USERS: User[] = ["host", "viewer", "outsider"];
const p = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });
const h = (text: string) => ({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text }] });
const list = (...items: string[]) => ({ type: "bulletList", content: items.map((item) => ({ type: "listItem", content: [p(item)] })) });
const ids = (json: DocJSON) => (json.content as { attrs: Record<string, unknown> }[]).map((n) => n.attrs[BLOCK_ID]);

describe("linked translations", () => {
  let app: RunningApp;
  let spaceId: string;
  let sourceId: string;
  let translationId: string;
  const cookie = {} as Record<User, string>;
  const post = formPoster(() => app.url, cookie);
  const source = withBlockIds({
    type: "doc",
    content: [h("Formål"), p("Parterne mødes hvert år."), p("Skolerne udveksler elever."), list("Jord", "Vand")],
  } as DocJSON);
  const [H, A, B, L] = ids(source) as string[];

  beforeAll(async () => {
    app = await startTestApp({ COLLAB_DERIVE_DEBOUNCE_MS: "50" });
    const { owner, sql } = app.db;
    const passwordHash = await hashPassword("translations-test");
    for (const id of USERS) await insertUser(owner, { id, email: `${id}@example.org`, name: id, passwordHash, locale: "en" });
    const tenant = async (slug: string, ownerId: string) => {
      const made = await asUser(sql, ownerId, (tx) =>
        createTenant(tx, { name: `Tenant ${slug}`, slug, kind: "municipality", country: slug === "t-viewer" ? "CN" : "DK", ownerId }),
      );
      if (!made.ok) throw new Error(made.error);
      return made.tenant.id;
    };
    const hostTenant = await tenant("t-host", "host");
    await tenant("t-viewer", "viewer");
    await tenant("t-outsider", "outsider");
    spaceId = (
      await asUser(sql, "host", (tx) =>
        createSpace(tx, { hostTenantId: hostTenant, title: "Oversættelser", color: "blue", icon: "globe", private: false, actorId: "host" }),
      )
    ).id;
    await asUser(sql, "host", (tx) => invitePartner(tx, { spaceId, tenantSlug: "t-viewer", role: "viewer", actorId: "host" }));
    await owner`update space_partners set status = 'active'`;
    const doc = await asUser(sql, "host", (tx) =>
      createDocument(tx, {
        spaceId,
        type: "agreement",
        title: "Aftale",
        language: "da",
        template: "blank",
        initialState: jsonToYUpdate(source),
        actorId: "host",
      }),
    );
    sourceId = doc.id;
    await saveDocumentBlocks(owner, { documentId: sourceId, blocks: deriveFromNode(Node.fromJSON(editorSchema, source)).topBlocks });
    for (const id of USERS) cookie[id] = await logInCookie(app.url, `${id}@example.org`, "translations-test");
  });
  afterAll(() => app?.close());

  /** The translations route's data, as the page's fetcher reads it (single fetch: `.data`, turbo-stream). */
  const data = async (documentId: string, who: User = "host") => {
    const route = "routes/s.$spaceId_.docs.$docId_.translations";
    const res = await fetch(`${app.url}/s/${spaceId}/docs/${documentId}/translations.data?_routes=${encodeURIComponent(route)}`, {
      headers: { Cookie: cookie[who] },
    });
    if (res.status !== 200 || !res.body) return { status: res.status, body: null };
    const decoded = (await decode(res.body)) as { value: Record<string, { data?: any }>; done: Promise<void> };
    await decoded.done;
    const body = decoded.value[route]?.data;
    return { status: body ? 200 : 404, body };
  };
  const review = (who: User, blockId: string, documentId = translationId) =>
    post(who, `/s/${spaceId}/docs/${documentId}/translations`, { intent: "markReviewed", blockId });
  /** The source edited as the collaboration server's derive step would record it. */
  const sourceBecomes = (json: DocJSON) =>
    saveDocumentBlocks(app.db.owner, { documentId: sourceId, blocks: deriveFromNode(Node.fromJSON(editorSchema, json)).topBlocks });

  it("adds a translation that starts as a copy of the source with the same block ids, caught up with every block", async () => {
    expect((await post("viewer", `/s/${spaceId}/docs/${sourceId}/translations`, { intent: "addTranslation", language: "zh-CN" })).status).toBe(403);
    const res = await post("host", `/s/${spaceId}/docs/${sourceId}/translations`, { intent: "addTranslation", language: "zh-CN" });
    expect(res.status).toBe(302);
    translationId = res.headers.get("location")!.split("/").pop()!;
    const [doc] = await app.db.owner`select title, language, type from documents where id = ${translationId}`;
    expect(doc).toEqual({ title: "Aftale (中文（简体）)", language: "zh-CN", type: "agreement" });
    const copy = (await liveVersionContent(app.db.owner, translationId)).content;
    expect(ids(copy)).toEqual([H, A, B, L]);
    const t = await data(translationId);
    expect(t.body).toMatchObject({ source: { id: sourceId, language: "da" }, toReview: [], languagesLeft: [] });
    const s = await data(sourceId);
    expect(s.body.translations).toEqual([{ id: translationId, title: "Aftale (中文（简体）)", language: "zh-CN", toReview: 0 }]);
    expect(s.body.languagesLeft).toEqual(["en"]);
    // One translation per language; a translation is not translated again.
    expect((await post("host", `/s/${spaceId}/docs/${sourceId}/translations`, { intent: "addTranslation", language: "zh-CN" })).status).toBe(409);
    expect((await post("host", `/s/${spaceId}/docs/${translationId}/translations`, { intent: "addTranslation", language: "en" })).status).toBe(409);
  });

  it("keeps blocks aligned through an insert, a delete and a move in the source: only the changed and the new block are to review", async () => {
    // Before A a new paragraph, A reworded, B deleted, the list moved to the top; the heading untouched.
    const edited = {
      type: "doc",
      content: [
        source.content![3],
        source.content![0],
        { ...p("Nyt afsnit."), attrs: { [BLOCK_ID]: "new-x" } },
        { ...p("Parterne mødes to gange om året."), attrs: { [BLOCK_ID]: A } },
      ],
    } as DocJSON;
    await sourceBecomes(edited);
    const { body } = await data(translationId);
    expect(body.toReview).toEqual([
      { blockId: "new-x", position: 2, state: "added", then: null, now: "Nyt afsnit." },
      { blockId: A, position: 3, state: "changed", then: "Parterne mødes hvert år.", now: "Parterne mødes to gange om året." },
    ]);
    expect((await data(sourceId)).body.translations[0].toReview).toBe(2);
  });

  it("marks a block reviewed for editors only; an unknown block is a 404, a malformed one a 400", async () => {
    expect((await review("viewer", A)).status).toBe(403);
    expect((await review("outsider", A)).status).toBe(404);
    expect((await review("host", "no-such-block")).status).toBe(404);
    expect((await review("host", "b'; drop table x; --")).status).toBe(400);
    // A block id of the source is not one of the source's own translation.
    expect((await review("host", A, sourceId)).status).toBe(404);
    expect((await review("host", A)).status).toBe(200);
    expect((await data(translationId)).body.toReview.map((b: { blockId: string }) => b.blockId)).toEqual(["new-x"]);
    expect((await review("host", "new-x")).status).toBe(200);
    expect((await data(translationId)).body.toReview).toEqual([]);
    const [{ n }] = await app.db.owner`select count(*)::int as n from translation_reviews where reviewed_by <> 'host'`;
    expect(n).toBe(0);
    expect((await data(translationId, "outsider")).status).toBe(404);
  });

  it("an edit through the collaboration server marks the block within a second and tells the space's event stream", async () => {
    // The source's blocks as its real text has them again (the test above only recorded edits), caught up.
    await sourceBecomes(source);
    expect((await review("host", A)).status).toBe(200);
    expect((await data(translationId)).body.toReview).toEqual([]);
    const stream = await openStream(app.url, spaceId, cookie.viewer);
    const socket = openSocket(app.url, sourceId, cookie.host);
    await socket.synced;
    const started = Date.now();
    // The heading's text, edited as any client would.
    const fragment = socket.ydoc.getXmlFragment("default");
    const heading = fragment.toArray().find((n) => n instanceof Y.XmlElement && n.getAttribute(BLOCK_ID) === H) as Y.XmlElement;
    (heading.get(0) as Y.XmlText).insert(0, "Aftalens ");
    await expect
      .poll(async () => (await data(translationId)).body.toReview.map((b: { blockId: string }) => b.blockId), { timeout: 5000, interval: 20 })
      .toEqual([H]);
    const elapsed = Date.now() - started;
    await expect.poll(() => stream.events.some((e) => e.event === "translations" && (e.data as { documentId: string }).documentId === sourceId)).toBe(true);
    console.log(`translation block marked to review ${elapsed} ms after the source edit (derive debounce 50 ms)`);
    socket.destroy();
    await stream.stop();
  });
});
