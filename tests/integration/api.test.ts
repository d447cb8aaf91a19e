import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { asUser, createBoard, createCard, createDocument, createSpace, createTenant, endPartnership, insertUser, invitePartner } from "@twinning/db";
import { jsonToYUpdate, templateContent } from "@twinning/editor";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";

/**
 * The integration API (issue 14) against the real server and database: tokens made in account
 * settings over HTTP, every operation of the OpenAPI document called as it describes itself and its
 * answer checked against its schema, scopes, expiry, revocation, a removed partner, space limits,
 * pagination, ETags, translated problems, the rate limit, and cookies refused.
 */

const PER_MINUTE = 40;
type User = "host" | "partner" | "commenter" | "removed" | "outsider";
const USERS: User[] = ["host", "partner", "commenter", "removed", "outsider"];

interface World {
  spaceId: string;
  otherSpaceId: string;
  outsiderSpaceId: string;
  documentId: string;
  versionId: string;
  boardId: string;
  columns: string[];
  cardId: string;
  otherBoardColumn: string;
  outsiderBoardId: string;
  outsiderCardId: string;
}

describe("the API", () => {
  let app: RunningApp;
  const cookies = {} as Record<User, string>;
  const w = {} as World;

  beforeAll(async () => {
    app = await startTestApp({ API_REQUESTS_PER_MINUTE: String(PER_MINUTE) });
    const { owner, sql } = app.db;
    const passwordHash = await hashPassword("api-test-password");
    for (const id of USERS) await insertUser(owner, { id, email: `${id}@example.org`, name: id, passwordHash, locale: "da" });
    const tenant = async (slug: string, ownerId: string) => {
      const made = await asUser(sql, ownerId, (tx) => createTenant(tx, { name: `Tenant ${slug}`, slug, kind: "municipality", country: "DK", ownerId }));
      if (!made.ok) throw new Error(made.error);
      return made.tenant.id;
    };
    const hostTenant = await tenant("api-host", "host");
    await tenant("api-partner", "partner");
    await tenant("api-commenter", "commenter");
    const removedTenant = await tenant("api-removed", "removed");
    const outsiderTenant = await tenant("api-outsider", "outsider");
    const space = (hostTenantId: string, actorId: string, title: string) =>
      asUser(sql, actorId, (tx) => createSpace(tx, { hostTenantId, title, color: "blue", icon: "globe", private: false, actorId }));
    w.spaceId = (await space(hostTenant, "host", "Jordsporet API")).id;
    w.otherSpaceId = (await space(hostTenant, "host", "Andet rum")).id;
    w.outsiderSpaceId = (await space(outsiderTenant, "outsider", "Udenforstående rum")).id;
    const doc = await asUser(sql, "host", (tx) =>
      createDocument(tx, {
        spaceId: w.spaceId,
        type: "agreement",
        title: "Samarbejdsaftale",
        language: "da",
        template: "agreement",
        initialState: jsonToYUpdate(templateContent("agreement", "da")),
        actorId: "host",
      })
    );
    w.documentId = doc.id;
    const [version] = await owner`
      insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
      select ${doc.id}, ${w.spaceId}, 'Udkast sendt til Wuxi', 'named', state, '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Versionens tekst"}]}]}', repeat('0', 64), 'host'
      from document_snapshots where document_id = ${doc.id} returning id`;
    w.versionId = version.id;
    const board = await asUser(sql, "host", (tx) =>
      createBoard(tx, { spaceId: w.spaceId, title: "Handleplan", columns: ["Idé", "I gang", "Færdig"], actorId: "host" })
    );
    w.boardId = board.id;
    w.columns = (await owner<{ id: string }[]>`select id from board_columns where board_id = ${board.id} order by position`).map((c) => c.id);
    for (const title of ["Jordprøver", "Workshop i Wuxi", "Rapport"]) {
      const card = await asUser(sql, "host", (tx) => createCard(tx, { board, title, description: "", assignees: [], actorId: "host" }));
      if (!card.ok) throw new Error(card.error);
      w.cardId ??= card.card.id;
    }
    const otherBoard = await asUser(sql, "host", (tx) =>
      createBoard(tx, { spaceId: w.otherSpaceId, title: "Anden tavle", columns: ["A", "B", "C"], actorId: "host" })
    );
    [{ id: w.otherBoardColumn }] = await owner`select id from board_columns where board_id = ${otherBoard.id} order by position`;
    const outsiderBoard = await asUser(sql, "outsider", (tx) =>
      createBoard(tx, { spaceId: w.outsiderSpaceId, title: "Fremmed", columns: ["A", "B", "C"], actorId: "outsider" })
    );
    w.outsiderBoardId = outsiderBoard.id;
    const outsiderCard = await asUser(sql, "outsider", (tx) =>
      createCard(tx, { board: outsiderBoard, title: "Fremmed kort", description: "", assignees: [], actorId: "outsider" })
    );
    if (!outsiderCard.ok) throw new Error(outsiderCard.error);
    w.outsiderCardId = outsiderCard.card.id;
    await owner`insert into activities (space_id, kind, title, starts_on, area, created_by) values (${w.spaceId}, 'meeting', 'Møde i Nanjing', '2014-03-16', 'overall', 'host')`;
    for (const [slug, role] of [
      ["api-partner", "editor"],
      ["api-commenter", "commenter"],
      ["api-removed", "editor"],
    ] as const) {
      await asUser(sql, "host", (tx) => invitePartner(tx, { spaceId: w.spaceId, tenantSlug: slug, role, actorId: "host" }));
    }
    await owner`update space_partners set status = 'active'`;
    for (const id of USERS) {
      const login = await app.auth.logIn({ email: `${id}@example.org`, password: "api-test-password", address: `10.8.0.${USERS.indexOf(id)}` });
      if (!login.ok) throw new Error(`log-in failed for ${id}`);
      cookies[id] = login.setCookie.split(";")[0];
    }
    void removedTenant;
  });

  /** Creates a token in account settings as a person would (the form, without JavaScript) and reads the secret shown once. */
  async function makeToken(user: User, fields: Record<string, string | string[]> = {}): Promise<string> {
    const form = new URLSearchParams({
      intent: "createToken",
      name: `Token ${Math.random().toString(36).slice(2, 8)}`,
      scope: "write",
      reach: "all",
      expiresOn: "",
    });
    for (const [k, v] of Object.entries(fields)) {
      form.delete(k);
      for (const one of [v].flat()) form.append(k, one);
    }
    const res = await fetch(`${app.url}/account`, {
      method: "POST",
      body: form,
      headers: { Cookie: cookies[user], Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    });
    const html = await res.text();
    const secret = /value="(twn_[A-Za-z0-9_-]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !secret) throw new Error(`no token: ${res.status}`);
    return secret;
  }

  const api = (token: string | null, path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${app.url}/api/v1${path}`, {
      ...init,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(init.json !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(init.headers ?? {}),
      },
    });

  async function expectProblem(res: Response, status: number, detail?: RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { status: number; detail: string; type: string; title: string };
    expect(body.status).toBe(status);
    expect(body.title).toBeTruthy();
    if (detail) expect(body.detail).toMatch(detail);
    return body;
  }

  describe("the OpenAPI document", () => {
    let doc: { paths: Record<string, Record<string, OperationObject>>; components: { schemas: Record<string, unknown> } };

    beforeAll(async () => {
      const res = await fetch(`${app.url}/api/v1/openapi.json`);
      expect(res.status).toBe(200);
      doc = await res.json();
    });

    it("is a valid OpenAPI 3.1 document", async () => {
      const validator = new Validator();
      const result = await validator.validate(doc as never);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe("3.1");
    });

    it("every operation answers as it describes: its status, and JSON that matches its response schema", async () => {
      const token = await makeToken("host");
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      const params: Record<string, string> = { spaceId: w.spaceId, documentId: w.documentId, boardId: w.boardId, cardId: w.cardId };
      const queries: Record<string, string> = { listActivities: "?year=2014", search: "?q=Jordprøver", getDocumentContent: `?format=markdown` };
      const bodies: Record<string, unknown> = {
        createDocument: { title: "Notat fra journalsystemet", language: "da", markdown: "# Notat\n\n- Sag 27.00.00" },
        createCard: { title: "Fra journalsystemet", columnId: w.columns[1], dueDate: "2026-12-31" },
        updateCard: { title: "Jordprøver (ændret)", description: "Fra API'et" },
        moveCard: { columnId: w.columns[2] },
        addComment: { body: "Journaliseret" },
        addActivity: { kind: "delegation", title: "Delegation fra Jiangsu", start: "2014-05", area: "overall", organisations: "api-partner" },
      };
      const called: string[] = [];
      for (const [template, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name]).replace(/^\/api\/v1/, "") + (queries[op.operationId] ?? "");
          const res = await api(token, path, { method: method.toUpperCase(), ...(bodies[op.operationId] ? { json: bodies[op.operationId] } : {}) });
          const [status, described] = Object.entries(op.responses).find(([s]) => s.startsWith("2"))!;
          const label = `${method.toUpperCase()} ${path}`;
          expect(res.status, label).toBe(Number(status));
          expect(res.headers.get("content-type"), label).toMatch(/^application\/json/);
          expect(res.headers.get("ratelimit-remaining"), label).toMatch(/^\d+$/);
          const validate = ajv.compile({ ...described.content["application/json"].schema, components: doc.components });
          const body = await res.json();
          expect(validate(body) ? [] : validate.errors, label).toEqual([]);
          called.push(op.operationId);
        }
      }
      expect(called.length).toBe(19);
    });

    it("is rendered as a reference page listing every operation", async () => {
      const res = await fetch(`${app.url}/api-reference`);
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const methods of Object.values(doc.paths)) for (const op of Object.values(methods)) expect(html).toContain(`id="${op.operationId}"`);
    });
  });

  interface OperationObject {
    operationId: string;
    responses: Record<string, { content: Record<string, { schema: object }> }>;
  }

  describe("reading", () => {
    let token: string;
    beforeAll(async () => {
      token = await makeToken("partner", { scope: "read" });
    });

    it("lists the spaces the user takes part in, and nothing of others", async () => {
      const res = await api(token, "/spaces");
      const body = await res.json();
      expect(body.items.map((s: { title: string }) => s.title)).toEqual(["Jordsporet API"]);
      expect(body.nextCursor).toBeNull();
      await expectProblem(await api(token, `/spaces/${w.otherSpaceId}`), 404);
      await expectProblem(await api(token, `/spaces/${w.outsiderSpaceId}/documents`), 404);
    });

    it("gives a document as ProseMirror JSON, Markdown and plain text, and a saved version", async () => {
      const base = `/spaces/${w.spaceId}/documents/${w.documentId}/content`;
      const pm = await (await api(token, base)).json();
      expect(pm.format).toBe("prosemirror");
      expect(pm.content.type).toBe("doc");
      const md = await (await api(token, `${base}?format=markdown`)).json();
      expect(md.content).toMatch(/^# Samarbejdsaftale\n/);
      expect(md.content).toMatch(/\n## /);
      const text = await (await api(token, `${base}?format=text`)).json();
      expect(typeof text.content).toBe("string");
      expect(text.content.length).toBeGreaterThan(10);
      const versions = await (await api(token, `/spaces/${w.spaceId}/documents/${w.documentId}/versions`)).json();
      expect(versions.items.map((v: { name: string }) => v.name)).toEqual(["Udkast sendt til Wuxi"]);
      const version = await (await api(token, `${base}?format=text&version=${w.versionId}`)).json();
      expect(version.content).toBe("Versionens tekst");
      await expectProblem(await api(token, `${base}?version=00000000-0000-4000-8000-000000000000`), 404);
      await expectProblem(await api(token, `${base}?format=docx`), 400, /format/);
    });

    it("pages through cards with a cursor, column by column", async () => {
      const seen: string[] = [];
      let cursor: string | null = "";
      let pages = 0;
      while (cursor !== null) {
        const res = await api(token, `/spaces/${w.spaceId}/boards/${w.boardId}/cards?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
        const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
        seen.push(...body.items.map((c) => c.id));
        cursor = body.nextCursor;
        pages++;
      }
      const all = (await (await api(token, `/spaces/${w.spaceId}/boards/${w.boardId}/cards`)).json()) as { items: { id: string }[] };
      expect(seen).toEqual(all.items.map((c) => c.id));
      expect(pages).toBe(all.items.length);
      await expectProblem(await api(token, `/spaces/${w.spaceId}/boards/${w.boardId}/cards?cursor=bm90LWFuLWlk`), 400);
    });

    it("pages long lists by keyset in SQL: every version of hundreds once, newest first, unmoved by one added while paging", async () => {
      const { owner } = app.db;
      // 250 versions a minute apart (the History panel shows at most 200; the API reaches them all).
      await owner`
        insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by, created_at)
        select d.document_id, ${w.spaceId}, 'Auto ' || i, 'auto', d.state, '{"type":"doc"}', repeat('1', 64), 'host', now() - interval '1 day' - i * interval '1 minute'
        from document_snapshots d, generate_series(1, 250) i where d.document_id = ${w.documentId}`;
      const path = `/spaces/${w.spaceId}/documents/${w.documentId}/versions`;
      const seen: { id: string; createdAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const body = (await (await api(token, `${path}?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).json()) as { items: typeof seen; nextCursor: string | null };
        seen.push(...body.items);
        cursor = body.nextCursor;
        // A version saved while paging is newer than the cursor: this pass does not see it, and nothing repeats.
        if (seen.length === 100) await owner`insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
          select document_id, ${w.spaceId}, 'Mens der bladres', 'named', state, '{"type":"doc"}', repeat('2', 64), 'host' from document_snapshots where document_id = ${w.documentId}`;
      } while (cursor);
      const [{ n }] = await owner`select count(*)::int as n from document_versions where document_id = ${w.documentId}`;
      expect(seen.length).toBe(n - 1);
      expect(new Set(seen.map((v) => v.id)).size).toBe(seen.length);
      expect(seen.map((v) => v.createdAt)).toEqual(seen.map((v) => v.createdAt).sort().reverse());
      // Cursors this list did not give out are a 400, never a 500: garbage, another list's shape, an impossible day.
      const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      for (const bad of ["%%%", cursorOf(["x"]), cursorOf(["2026-02-31T00:00:00.000000Z", w.versionId]), cursorOf(["2026-02-01T00:00:00.000000Z", "nope"]), cursorOf({ a: 1 })])
        expect((await expectProblem(await api(token, `${path}?cursor=${encodeURIComponent(bad)}`), 400)).type, bad).toMatch(/badCursor$/);
      await owner`delete from document_versions where document_id = ${w.documentId} and id <> ${w.versionId}`;
    });

    it("answers 304 to If-None-Match with the ETag it gave, until the thing changes", async () => {
      const path = `/spaces/${w.spaceId}/boards/${w.boardId}/cards/${w.cardId}`;
      const first = await api(token, path);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^W\/"/);
      const again = await api(token, path, { headers: { "If-None-Match": etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      await app.db.owner`update cards set title = 'Jordprøver, anden runde' where id = ${w.cardId}`;
      const changed = await api(token, path, { headers: { "If-None-Match": etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get("etag")).not.toBe(etag);
    });

    it("lists the year's activities and searches what the user may see", async () => {
      const activities = await (await api(token, `/spaces/${w.spaceId}/activities?year=2014`)).json();
      expect(activities.items.map((a: { title: string }) => a.title)).toContain("Møde i Nanjing");
      await expectProblem(await api(token, `/spaces/${w.spaceId}/activities`), 400);
      const found = await (await api(token, `/search?q=${encodeURIComponent("Workshop")}`)).json();
      expect(found.items.map((h: { title: string }) => h.title)).toContain("Workshop i Wuxi");
      const foreign = await (await api(token, `/search?q=${encodeURIComponent("Fremmed")}`)).json();
      expect(foreign.items).toEqual([]);
    });

    it("a malformed or foreign id is a 404 problem, never a 500", async () => {
      for (const path of [
        "/spaces/not-a-uuid",
        `/spaces/${w.spaceId}/documents/not-a-uuid'; --`,
        `/spaces/${w.spaceId}/boards/${w.outsiderBoardId}`,
        `/spaces/${w.spaceId}/boards/${w.boardId}/cards/${w.outsiderCardId}`,
        `/spaces/${w.outsiderSpaceId}/boards/${w.outsiderBoardId}/cards/${w.outsiderCardId}`,
        "/spaces/00000000-0000-4000-8000-000000000000/boards",
      ]) {
        await expectProblem(await api(token, path), 404);
      }
    });
  });

  describe("writing", () => {
    it("creates, changes, moves and comments on cards, as the board's own commands do", async () => {
      const token = await makeToken("partner");
      const cards = `/spaces/${w.spaceId}/boards/${w.boardId}/cards`;
      const created = await api(token, cards, { method: "POST", json: { title: "Opgave fra ESDH", columnId: w.columns[0], area: "soil" } });
      expect(created.status).toBe(201);
      const card = await created.json();
      expect(card).toMatchObject({ title: "Opgave fra ESDH", columnId: w.columns[0], area: "soil" });
      const [event] = await app.db.owner`select actor_id, action from card_events where card_id = ${card.id}`;
      expect(event).toEqual({ actorId: "partner", action: "created" });
      const moved = await (await api(token, `${cards}/${card.id}/move`, { method: "POST", json: { columnId: w.columns[2] } })).json();
      expect(moved.columnId).toBe(w.columns[2]);
      const updated = await (
        await api(token, `${cards}/${card.id}`, { method: "PATCH", json: { title: "Opgave fra ESDH (journaliseret)", dueDate: "2027-01-15" } })
      ).json();
      expect(updated).toMatchObject({ title: "Opgave fra ESDH (journaliseret)", dueDate: "2027-01-15", area: null });
      const comment = await api(token, `${cards}/${card.id}/comments`, { method: "POST", json: { body: "Sag 27.00.00-A00-1-17" } });
      expect(comment.status).toBe(201);
      expect((await comment.json()).authorName).toBe("partner");
      // A column of another board is not there; bad fields are translated problems listing each field.
      await expectProblem(await api(token, `${cards}/${card.id}/move`, { method: "POST", json: { columnId: w.otherBoardColumn } }), 404);
      await expectProblem(await api(token, cards, { method: "POST", json: { title: "X", columnId: w.otherBoardColumn } }), 404);
      await expectProblem(await api(token, `${cards}/${card.id}/move`, { method: "POST", json: { columnId: w.columns[0], afterId: w.outsiderCardId } }), 404);
      const [outsiderTenant] = await app.db.owner`select id from tenants where slug = 'api-outsider'`;
      await expectProblem(
        await api(token, cards, { method: "POST", json: { title: "X", leadTenantId: outsiderTenant.id }, headers: { "Accept-Language": "en" } }),
        409,
        /lead/
      );
      const bad = await expectProblem(
        await api(token, cards, { method: "POST", json: { title: "", dueDate: "31-12-2026" }, headers: { "Accept-Language": "en" } }),
        400,
        /title: This field is required/
      );
      expect(bad.detail).toMatch(/dueDate: Enter a date like 2017-05-31/);
      await expectProblem(await api(token, cards, { method: "POST", body: "title=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } }), 400);
      await expectProblem(
        await api(token, cards, { method: "POST", json: { title: "X", assignees: ["outsider"] }, headers: { "Accept-Language": "en" } }),
        409,
        /taking part/
      );
      // Nothing was created by the refused requests.
      const [{ n }] = await app.db.owner`select count(*)::int as n from cards where title = 'X' or title = ''`;
      expect(n).toBe(0);
    });

    it("creates a document from Markdown that reads back as the same Markdown; refusals say why and create nothing", async () => {
      const token = await makeToken("partner");
      const path = `/spaces/${w.spaceId}/documents`;
      const markdown = [
        "# Handleplan for jordsporet",
        "",
        "Parterne **mødes** hvert år, se [aftalen](https://example.org/aftale).",
        "",
        "## Opgaver",
        "",
        "1. Jordprøver i Wuxi",
        "2. Workshop i Ballerup",
        "",
        "- [x] Budget godkendt",
        "- [ ] Rapport til JEPD",
        "",
        "| Område | Ansvarlig |",
        "| --- | --- |",
        "| Jord | Region Hovedstaden |",
      ].join("\n");
      const created = await api(token, path, { method: "POST", json: { title: "Handleplan 2027", type: "action_plan", language: "da", markdown } });
      expect(created.status).toBe(201);
      const doc = await created.json();
      expect(doc).toMatchObject({ spaceId: w.spaceId, title: "Handleplan 2027", type: "action_plan", language: "da", status: "draft" });
      const back = await (await api(token, `${path}/${doc.id}/content?format=markdown`)).json();
      for (const line of ["# Handleplan for jordsporet", "Parterne **mødes** hvert år, se [aftalen](<https://example.org/aftale>).", "2. Workshop i Ballerup", "- [x] Budget godkendt", "| Jord | Region Hovedstaden |"])
        expect(back.content).toContain(line);
      const [audit] = await app.db.owner`select actor_id from audit_events where action = 'document.created' and details->>'title' = 'Handleplan 2027'`;
      expect(audit).toEqual({ actorId: "partner" });
      // The type defaults to a note; the language must be given.
      const note = await api(token, path, { method: "POST", json: { title: "Notat", language: "zh-CN", markdown: "## 合作领域" } });
      expect(await note.json()).toMatchObject({ type: "note", language: "zh-CN" });
      const refused = async (json: unknown, detail: RegExp, status = 400, as = token) =>
        expectProblem(await api(as, path, { method: "POST", json, headers: { "Accept-Language": "en" } }), status, detail);
      await refused({ title: "Nej", language: "da", markdown: ">".repeat(5000) + " dybt" }, /nests lists or quotes too many levels/);
      await refused({ title: "Nej", language: "da", markdown: "a".repeat(200_001) }, /markdown: At most 200000 characters/);
      await refused({ title: "", language: "da", markdown: "# x" }, /title: This field is required/);
      await refused({ title: "Nej", markdown: "# x" }, /language/);
      await refused({ title: "Nej", language: "da", markdown: "# x" }, /may not/, 403, await makeToken("commenter"));
      await refused({ title: "Nej", language: "da", markdown: "# x" }, /read only/, 403, await makeToken("partner", { scope: "read" }));
      const [{ n }] = await app.db.owner`select count(*)::int as n from documents where title in ('Nej', '')`;
      expect(n).toBe(0);
    });

    it("adds activities as the overview's form does: its rules, its translated messages", async () => {
      const token = await makeToken("partner");
      const path = `/spaces/${w.spaceId}/activities`;
      const added = await api(token, path, {
        method: "POST",
        json: { kind: "visit_in", title: "Besøg fra Wuxi", start: "2015-09-14", end: "2015-09-18", area: "overall", organisations: "api-host, api-partner" },
      });
      expect(added.status).toBe(201);
      expect(await added.json()).toMatchObject({
        title: "Besøg fra Wuxi",
        start: "2015-09-14",
        end: "2015-09-18",
        organisations: [{ name: "Tenant api-host" }, { name: "Tenant api-partner" }],
      });
      const listed = await (await api(token, `${path}?year=2015`)).json();
      expect(listed.items.map((a: { title: string }) => a.title)).toContain("Besøg fra Wuxi");
      const badArea = await expectProblem(
        await api(token, path, {
          method: "POST",
          json: { kind: "meeting", title: "X", start: "2015-01-01", area: "moon" },
          headers: { "Accept-Language": "en" },
        }),
        400,
        /area: “moon” is not one of the space's areas/
      );
      expect((badArea as unknown as { errors: unknown[] }).errors).toEqual([{ field: "area", detail: expect.stringContaining("moon") }]);
      await expectProblem(
        await api(token, path, { method: "POST", json: { kind: "meeting", title: "X", start: "2015-02-01", end: "2015-01-01", area: "overall" } }),
        400,
        /end/
      );
      await expectProblem(
        await api(await makeToken("commenter"), path, { method: "POST", json: { kind: "meeting", title: "X", start: "2015-01-01", area: "overall" } }),
        403
      );
      const [{ n }] = await app.db.owner`select count(*)::int as n from activities where title = 'X'`;
      expect(n).toBe(0);
    });

    it("a read token cannot write (403 problem); a commenter's token comments but cannot create cards", async () => {
      const read = await makeToken("partner", { scope: "read" });
      const cards = `/spaces/${w.spaceId}/boards/${w.boardId}/cards`;
      await expectProblem(await api(read, cards, { method: "POST", json: { title: "Nej" }, headers: { "Accept-Language": "en" } }), 403, /read only/);
      await expectProblem(await api(read, `${cards}/${w.cardId}/comments`, { method: "POST", json: { body: "Nej" } }), 403);
      const commenter = await makeToken("commenter");
      await expectProblem(await api(commenter, cards, { method: "POST", json: { title: "Nej" } }), 403);
      expect((await api(commenter, `${cards}/${w.cardId}/comments`, { method: "POST", json: { body: "Set" } })).status).toBe(201);
      const [{ n }] = await app.db.owner`select count(*)::int as n from cards where title = 'Nej'`;
      expect(n).toBe(0);
    });

    it("needs no Origin header (CSRF checks are for cookies, which the API never reads)", async () => {
      const token = await makeToken("host");
      const res = await api(token, `/spaces/${w.spaceId}/boards/${w.boardId}/cards/${w.cardId}/comments`, {
        method: "POST",
        json: { body: "Uden Origin" },
        headers: { Origin: "https://evil.example" },
      });
      expect(res.status).toBe(201);
    });
  });

  describe("tokens", () => {
    it("without a token, or with a wrong one, the answer is a 401 problem in the request's language", async () => {
      const none = await api(null, "/spaces", { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      await expectProblem(none, 401, /令牌/);
      await expectProblem(await api("twn_not-a-real-token", "/spaces", { headers: { "Accept-Language": "da" } }), 401, /nøgle/);
      await expectProblem(await api(null, "/spaces", { headers: { Authorization: "Basic aG9zdDpwdw==", "Accept-Language": "en" } }), 401, /token/);
    });

    it("cookies are not accepted: a signed-in browser gets a 401 and changes nothing", async () => {
      await expectProblem(await api(null, "/spaces", { headers: { Cookie: cookies.host } }), 401);
      await expectProblem(
        await api(null, `/spaces/${w.spaceId}/boards/${w.boardId}/cards`, {
          method: "POST",
          json: { title: "Via cookie" },
          headers: { Cookie: cookies.host, Origin: app.url },
        }),
        401
      );
      const [{ n }] = await app.db.owner`select count(*)::int as n from cards where title = 'Via cookie'`;
      expect(n).toBe(0);
    });

    it("is stored hashed, shows when it was last used, and a revoked token is refused from the next request", async () => {
      const token = await makeToken("host", { name: "Journalsystem" });
      const [row] = await app.db.owner`select token_hash, prefix, last_used_at from api_tokens where name = 'Journalsystem'`;
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await app.db.owner`select * from api_tokens`)).not.toContain(token);
      expect(token.startsWith(row.prefix)).toBe(true);
      expect(row.lastUsedAt).toBeNull();
      expect((await api(token, "/spaces")).status).toBe(200);
      const [used] = await app.db.owner`select id, last_used_at from api_tokens where name = 'Journalsystem'`;
      expect(used.lastUsedAt).toBeInstanceOf(Date);
      const page = await (await fetch(`${app.url}/account`, { headers: { Cookie: cookies.host } })).text();
      expect(page).toContain("Journalsystem");
      expect(page).not.toContain(token);
      const revoke = await fetch(`${app.url}/account`, {
        method: "POST",
        body: new URLSearchParams({ intent: "revokeToken", tokenId: used.id }),
        headers: { Cookie: cookies.host, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(revoke.status).toBe(200);
      await expectProblem(await api(token, "/spaces"), 401);
      // Another user's token cannot be revoked by guessing its id.
      const other = await makeToken("partner", { name: "Partnerens" });
      const [theirs] = await app.db.owner`select id from api_tokens where name = 'Partnerens'`;
      const guess = await fetch(`${app.url}/account`, {
        method: "POST",
        body: new URLSearchParams({ intent: "revokeToken", tokenId: theirs.id }),
        headers: { Cookie: cookies.host, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(guess.status).toBe(404);
      expect((await api(other, "/spaces")).status).toBe(200);
    });

    it("an expired token is refused; an expiry in the past cannot be chosen", async () => {
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const token = await makeToken("host", { name: "Kortvarig", expiresOn: tomorrow });
      expect((await api(token, "/spaces")).status).toBe(200);
      await app.db.owner`update api_tokens set expires_at = now() - interval '1 second' where name = 'Kortvarig'`;
      await expectProblem(await api(token, "/spaces"), 401);
      const refused = await fetch(`${app.url}/account`, {
        method: "POST",
        body: new URLSearchParams({ intent: "createToken", name: "Fortid", scope: "read", reach: "all", expiresOn: "2020-01-01" }),
        headers: { Cookie: cookies.host, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(refused.status).toBe(400);
      const html = await refused.text();
      expect(html).toContain("Udløbsdatoen skal ligge i fremtiden.");
      expect(html).toContain('value="Fortid"');
    });

    it("a token never reaches more than its user: limited to some spaces, and nothing once the user's tenant is removed", async () => {
      const limited = await makeToken("host", { reach: "chosen", spaceIds: [w.otherSpaceId] });
      const spaces = await (await api(limited, "/spaces")).json();
      expect(spaces.items.map((s: { id: string }) => s.id)).toEqual([w.otherSpaceId]);
      await expectProblem(await api(limited, `/spaces/${w.spaceId}/documents`), 404);
      await expectProblem(await api(limited, `/search?q=Workshop&space=${w.spaceId}`), 404);
      expect((await (await api(limited, "/search?q=Workshop")).json()).items).toEqual([]);
      // A space the user cannot open cannot be chosen.
      const refused = await fetch(`${app.url}/account`, {
        method: "POST",
        body: new URLSearchParams({ intent: "createToken", name: "Fremmed", scope: "read", reach: "chosen", spaceIds: w.outsiderSpaceId }),
        headers: { Cookie: cookies.host, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(refused.status).toBe(400);

      const removed = await makeToken("removed");
      expect((await (await api(removed, "/spaces")).json()).items).toHaveLength(1);
      const cardPath = `/spaces/${w.spaceId}/boards/${w.boardId}/cards/${w.cardId}`;
      expect((await api(removed, cardPath)).status).toBe(200);
      const [removedTenant] = await app.db.owner`select id from tenants where slug = 'api-removed'`;
      await asUser(app.db.sql, "host", (tx) => endPartnership(tx, { spaceId: w.spaceId, tenantId: removedTenant.id, actorId: "host", by: "host" }));
      expect((await (await api(removed, "/spaces")).json()).items).toEqual([]);
      for (const path of [
        `/spaces/${w.spaceId}`,
        `/spaces/${w.spaceId}/documents/${w.documentId}/content`,
        cardPath,
        `/spaces/${w.spaceId}/activities?year=2014`,
      ]) {
        await expectProblem(await api(removed, path), 404);
      }
      await expectProblem(await api(removed, `${cardPath}/comments`, { method: "POST", json: { body: "Stadig her?" } }), 404);
    });

    it("is rate limited per token with RateLimit-* headers, then 429 with Retry-After", async () => {
      const token = await makeToken("host");
      const other = await makeToken("host");
      let last: Response | undefined;
      for (let i = 0; i < PER_MINUTE; i++) {
        last = await api(token, "/spaces");
        expect(last.status).toBe(200);
        expect(Number(last.headers.get("ratelimit-remaining"))).toBe(PER_MINUTE - i - 1);
        await last.body?.cancel();
      }
      expect(last!.headers.get("ratelimit-limit")).toBe(String(PER_MINUTE));
      expect(Number(last!.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      const refused = await api(token, "/spaces", { headers: { "Accept-Language": "en" } });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      await expectProblem(refused, 429, /Too many requests/);
      // Another token of the same user has its own window.
      expect((await api(other, "/spaces")).status).toBe(200);
    });
  });
});
