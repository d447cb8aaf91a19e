import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createBoard, createCard, createDocument, createSpace, createTenant, insertUser, invitePartner, endPartnership } from "@twinning/db";
import { jsonToYUpdate, templateContent } from "@twinning/editor";
import WebSocket from "ws";
import { hashPassword } from "@twinning/auth";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";

/**
 * The tenant wall, as a matrix: every route of the app (read from the Remix build's route manifest, so
 * a new route fails this test until it is added here) × every kind of user: the host's admin and
 * member, a partner's admin and members per space role, a tenant that is not a partner, a removed
 * partner, and no session. Denied users get 403/404 (or log-in), and answers to those outside the
 * space never carry its title or its host's name.
 */

type Actor = "anonymous" | "hostAdmin" | "hostMember" | "partnerAdmin" | "partnerEditor" | "partnerCommenter" | "partnerViewer" | "outsider" | "removed";
const ACTORS: Actor[] = ["anonymous", "hostAdmin", "hostMember", "partnerAdmin", "partnerEditor", "partnerCommenter", "partnerViewer", "outsider", "removed"];
/** ok = 200; login = redirect to log-in; redirect = any other redirect; denied = 403 or 404; missing = 404. */
type Outcome = "ok" | "login" | "redirect" | "denied" | "missing" | "bad";
type Row = { path: (f: Fixture) => string; get: Partial<Record<Actor, Outcome>> & { rest: Outcome }; post?: { body: (f: Fixture) => Record<string, string>; expect: Partial<Record<Actor, Outcome | "skip">> & { rest: Outcome | "skip" } } };
interface Fixture {
  spaceId: string;
  documentId: string;
  boardId: string;
  cardId: string;
  hostSlug: string;
  hostId: string;
  partnerId: string;
}

const SECRET_SPACE = "Fortrolig plan Ballerup–Wuxi";
const SECRET_TENANT = "Værtsnetværket Hemmelig";
const SECRET_DOCUMENT = "Udkast til fortrolig aftale";
const SECRET_CARD = "Fortrolig opgave om jordrensning";

const spaceReaders = { hostAdmin: "ok", hostMember: "ok", partnerAdmin: "ok", partnerEditor: "ok", partnerCommenter: "ok", partnerViewer: "ok", anonymous: "login" } as const;
const hostAdminOnly = { hostAdmin: "ok", hostMember: "denied", anonymous: "login" } as const;
const editors = { hostAdmin: "ok", hostMember: "ok", partnerAdmin: "ok", partnerEditor: "ok", partnerCommenter: "denied", partnerViewer: "denied", anonymous: "login" } as const;
const skipEditors = { hostAdmin: "skip", hostMember: "skip", partnerAdmin: "skip", partnerEditor: "skip" } as const;

const MATRIX: Record<string, Row> = {
  "routes/_index": { path: () => "/", get: { rest: "ok" } },
  "routes/$": { path: () => "/no/such/page", get: { rest: "missing" } },
  "routes/login": { path: () => "/login", get: { anonymous: "ok", rest: "redirect" } },
  "routes/signup": { path: () => "/signup", get: { anonymous: "ok", rest: "redirect" } },
  "routes/logout": { path: () => "/logout", get: { rest: "redirect" } },
  "routes/locale": { path: () => "/locale", get: { rest: "redirect" } },
  "routes/account": { path: () => "/account", get: { anonymous: "login", rest: "ok" } },
  "routes/tenants.new": { path: () => "/tenants/new", get: { anonymous: "login", rest: "ok" } },
  "routes/switch-tenant": {
    path: () => "/switch-tenant",
    get: { rest: "redirect" },
    post: { body: (f) => ({ tenantId: f.hostId }), expect: { anonymous: "login", hostAdmin: "skip", hostMember: "skip", rest: "denied" } },
  },
  "routes/t.$slug": {
    path: (f) => `/t/${f.hostSlug}`,
    get: { hostAdmin: "ok", hostMember: "ok", anonymous: "login", rest: "denied" },
    post: { body: () => ({ intent: "invite", email: "x@example.org", role: "owner" }), expect: { anonymous: "login", hostAdmin: "skip", hostMember: "denied", rest: "denied" } },
  },
  "routes/t.$slug_.spaces.new": {
    path: (f) => `/t/${f.hostSlug}/spaces/new`,
    get: { ...hostAdminOnly, rest: "denied" },
    post: { body: () => ({ title: "Intruder", color: "blue", icon: "globe" }), expect: { anonymous: "login", hostAdmin: "skip", rest: "denied" } },
  },
  "routes/t.$slug_.audit": { path: (f) => `/t/${f.hostSlug}/audit`, get: { ...hostAdminOnly, rest: "denied" } },
  "routes/invitations.$token": {
    path: () => "/invitations/not-a-real-token",
    get: { rest: "missing" },
    post: { body: () => ({}), expect: { anonymous: "login", rest: "bad" } },
  },
  "routes/s.$spaceId": { path: (f) => `/s/${f.spaceId}`, get: { ...spaceReaders, rest: "denied" } },
  "routes/s.$spaceId_.settings": {
    path: (f) => `/s/${f.spaceId}/settings`,
    get: { ...hostAdminOnly, rest: "denied" },
    post: { body: () => ({ intent: "archive" }), expect: { anonymous: "login", hostAdmin: "skip", rest: "denied" } },
  },
  "routes/s.$spaceId_.audit": { path: (f) => `/s/${f.spaceId}/audit`, get: { ...hostAdminOnly, rest: "denied" } },
  "routes/s.$spaceId_.docs.new": {
    path: (f) => `/s/${f.spaceId}/docs/new`,
    get: { hostAdmin: "ok", hostMember: "ok", partnerAdmin: "ok", partnerEditor: "ok", partnerCommenter: "denied", partnerViewer: "denied", anonymous: "login", rest: "denied" },
    post: {
      body: () => ({ template: "blank", title: "Intruder", type: "note", language: "da" }),
      expect: { anonymous: "login", hostAdmin: "skip", hostMember: "skip", partnerAdmin: "skip", partnerEditor: "skip", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.docs.$docId": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}`,
    get: { ...spaceReaders, rest: "denied" },
    post: {
      body: () => ({ intent: "archive" }),
      expect: { anonymous: "login", hostAdmin: "skip", hostMember: "skip", partnerAdmin: "skip", partnerEditor: "skip", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.boards.new": {
    path: (f) => `/s/${f.spaceId}/boards/new`,
    get: { ...editors, rest: "denied" },
    post: { body: () => ({ intent: "createBoard", title: "Intruder" }), expect: { ...skipEditors, anonymous: "login", rest: "denied" } },
  },
  "routes/s.$spaceId_.boards.$boardId": {
    path: (f) => `/s/${f.spaceId}/boards/${f.boardId}`,
    get: { ...spaceReaders, rest: "denied" },
    post: { body: () => ({ intent: "createCard", title: "Intruder" }), expect: { ...skipEditors, anonymous: "login", rest: "denied" } },
  },
  "routes/s.$spaceId_.boards.$boardId_.cards.$cardId": {
    path: (f) => `/s/${f.spaceId}/boards/${f.boardId}/cards/${f.cardId}`,
    get: { ...spaceReaders, rest: "denied" },
    post: { body: () => ({ intent: "delete" }), expect: { ...skipEditors, anonymous: "login", rest: "denied" } },
  },
  "routes/s.$spaceId_.events": { path: (f) => `/s/${f.spaceId}/events`, get: { ...spaceReaders, rest: "denied" } },
  "routes/api.cards": {
    path: (f) => `/api/cards?ids=${f.cardId}`,
    // Everyone signed in gets an answer; strangers' answers carry no card (checked for every stranger).
    get: { anonymous: "login", rest: "ok" },
    post: {
      body: (f) => ({ intent: "createFromSelection", spaceId: f.spaceId, boardId: f.boardId, title: "Intruder" }),
      expect: { ...skipEditors, anonymous: "login", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.partners.$tenantId": {
    path: (f) => `/s/${f.spaceId}/partners/${f.partnerId}`,
    get: { partnerAdmin: "ok", anonymous: "login", rest: "denied" },
    post: { body: () => ({ intent: "leave" }), expect: { anonymous: "login", partnerAdmin: "skip", rest: "denied" } },
  },
};

describe("isolation matrix", () => {
  let app: RunningApp;
  let build: ServerBuild;
  const cookies: Partial<Record<Actor, string>> = {};
  const fixture = {} as Fixture;

  beforeAll(async () => {
    app = await startTestApp();
    build = await import(pathToFileURL(`${process.cwd()}/build/server/index.js`).href);
    const owner = app.db.owner;
    const sql = app.db.sql;
    const passwordHash = await hashPassword("isolation-test-password");
    for (const actor of ACTORS.filter((a) => a !== "anonymous")) {
      await insertUser(owner, { id: actor, email: `${actor.toLowerCase()}@example.org`, name: actor, passwordHash, locale: "da" });
    }
    const tenant = async (slug: string, name: string, ownerId: string) => {
      const t = await asUser(sql, ownerId, (tx) => createTenant(tx, { name, slug, kind: "network", country: "DK", ownerId }));
      if (!t.ok) throw new Error(t.error);
      return t.tenant.id;
    };
    fixture.hostSlug = "host-network";
    fixture.hostId = await tenant("host-network", SECRET_TENANT, "hostAdmin");
    fixture.partnerId = await tenant("partner-editor", "Partner editor", "partnerAdmin");
    const commenterTenant = await tenant("partner-commenter", "Partner commenter", "partnerCommenter");
    const viewerTenant = await tenant("partner-viewer", "Partner viewer", "partnerViewer");
    await tenant("outsider", "Outsider", "outsider");
    const removedTenant = await tenant("removed-partner", "Removed partner", "removed");
    await owner`insert into memberships (tenant_id, user_id, role) values (${fixture.hostId}, 'hostMember', 'member'), (${fixture.partnerId}, 'partnerEditor', 'member')`;
    const space = await asUser(sql, "hostAdmin", (tx) =>
      createSpace(tx, { hostTenantId: fixture.hostId, title: SECRET_SPACE, color: "blue", icon: "globe", private: false, actorId: "hostAdmin" }),
    );
    fixture.spaceId = space.id;
    const doc = await asUser(sql, "hostAdmin", (tx) =>
      createDocument(tx, { spaceId: space.id, type: "note", title: SECRET_DOCUMENT, language: "da", template: "blank", initialState: jsonToYUpdate(templateContent("blank", SECRET_DOCUMENT, "da")), actorId: "hostAdmin" }),
    );
    fixture.documentId = doc.id;
    const board = await asUser(sql, "hostAdmin", (tx) => createBoard(tx, { spaceId: space.id, title: "Tavle", columns: ["A", "B", "C"], actorId: "hostAdmin" }));
    fixture.boardId = board.id;
    const card = await asUser(sql, "hostAdmin", (tx) => createCard(tx, { boardId: board.id, title: SECRET_CARD, description: "", assignees: [], actorId: "hostAdmin" }));
    if (!card.ok) throw new Error(card.error);
    fixture.cardId = card.card.id;
    for (const [slug, role] of [["partner-editor", "editor"], ["partner-commenter", "commenter"], ["partner-viewer", "viewer"], ["removed-partner", "editor"]] as const) {
      await asUser(sql, "hostAdmin", (tx) => invitePartner(tx, { spaceId: space.id, tenantSlug: slug, role, actorId: "hostAdmin" }));
    }
    await owner`update space_partners set status = 'active'`;
    await asUser(sql, "hostAdmin", (tx) => endPartnership(tx, { spaceId: space.id, tenantId: removedTenant, actorId: "hostAdmin", by: "host" }));
    void commenterTenant;
    void viewerTenant;
    for (const actor of ACTORS.filter((a) => a !== "anonymous")) {
      const login = await app.auth.logIn({ email: `${actor.toLowerCase()}@example.org`, password: "isolation-test-password", address: `10.9.0.${ACTORS.indexOf(actor)}` });
      if (!login.ok) throw new Error(`log-in failed for ${actor}`);
      cookies[actor] = login.setCookie.split(";")[0];
    }
  });

  it("covers every route of the app", () => {
    const routes = Object.keys(build.routes).filter((id) => id !== "root");
    expect(routes.filter((id) => !(id in MATRIX)), "routes missing from the isolation matrix").toEqual([]);
  });

  const request = (path: string, actor: Actor, init: RequestInit = {}) =>
    fetch(`${app.url}${path}`, { redirect: "manual", ...init, headers: { ...(cookies[actor] ? { Cookie: cookies[actor] } : {}), Origin: app.url, ...(init.headers ?? {}) } });

  /** Users who may not even know the space exists: their answers must not name it or its host. */
  const STRANGERS: Actor[] = ["anonymous", "outsider", "removed"];

  function check(outcome: Outcome, res: Response, body: string, label: string, actor: Actor) {
    if (STRANGERS.includes(actor)) {
      expect(body, `${label} leaks the space title`).not.toContain(SECRET_SPACE);
      expect(body, `${label} leaks the host's name`).not.toContain(SECRET_TENANT);
      expect(body, `${label} leaks the document`).not.toContain(SECRET_DOCUMENT);
      expect(body, `${label} leaks the card`).not.toContain(SECRET_CARD);
    }
    const location = res.headers.get("location") ?? "";
    switch (outcome) {
      case "ok":
        return expect(res.status, label).toBe(200);
      case "login":
        expect(res.status, label).toBe(302);
        return expect(location, label).toMatch(/^\/login\?redirectTo=/);
      case "redirect":
        return expect([301, 302, 303], label).toContain(res.status);
      case "missing":
        return expect(res.status, label).toBe(404);
      case "bad":
        return expect(res.status, label).toBe(400);
      case "denied":
        return expect([403, 404], label).toContain(res.status);
    }
  }

  for (const [routeId, row] of Object.entries(MATRIX)) {
    it(`${routeId}: GET for every kind of user`, async () => {
      for (const actor of ACTORS) {
        const path = row.path(fixture);
        const res = await request(path, actor);
        // An event stream stays open: its status is the answer.
        const body = res.headers.get("content-type")?.includes("event-stream") ? (await res.body?.cancel(), "") : await res.text();
        check(row.get[actor] ?? row.get.rest, res, body, `GET ${path} as ${actor}`, actor);
      }
    });
    if (row.post) {
      const post = row.post;
      it(`${routeId}: POST by users who may not`, async () => {
        for (const actor of ACTORS) {
          const outcome = post.expect[actor] ?? post.expect.rest;
          if (outcome === "skip") continue;
          const path = row.path(fixture);
          const res = await request(path, actor, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(post.body(fixture)),
          });
          check(outcome, res, await res.text(), `POST ${path} as ${actor}`, actor);
        }
      });
    }
  }

  it("single-fetch data requests obey the same wall", async () => {
    for (const actor of ["outsider", "removed"] as const) {
      const res = await request(`/s/${fixture.spaceId}.data`, actor);
      const body = await res.text();
      expect(body).not.toContain(SECRET_SPACE);
      expect(body).not.toContain(SECRET_TENANT);
    }
    const own = await request(`/s/${fixture.spaceId}.data`, "partnerViewer");
    expect(await own.text()).toContain(SECRET_SPACE);
  });

  it("the /collab socket: refused before the upgrade for strangers, read-only for viewers and commenters", async () => {
    const expected: Record<Actor, number | "rw" | "ro"> = {
      anonymous: 401,
      hostAdmin: "rw",
      hostMember: "rw",
      partnerAdmin: "rw",
      partnerEditor: "rw",
      partnerCommenter: "ro",
      partnerViewer: "ro",
      outsider: 403,
      removed: 403,
    };
    // Strangers first: their refused upgrades must not load the document.
    const order = [...ACTORS].sort((a, b) => Number(typeof expected[b] === "number") - Number(typeof expected[a] === "number"));
    let strangersDone = false;
    for (const actor of order) {
      if (typeof expected[actor] !== "number" && !strangersDone) {
        strangersDone = true;
        expect(app.collab.stats(), "refused upgrades loaded nothing").toMatchObject({ documents: 0, loading: 0, connections: 0 });
      }
      const outcome = await new Promise<number | "open">((resolve) => {
        const ws = new WebSocket(`${app.url.replace("http", "ws")}/collab/${fixture.documentId}`, {
          headers: { Origin: app.url, ...(cookies[actor] ? { Cookie: cookies[actor] } : {}) },
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => {
          ws.close();
          resolve("open");
        });
        ws.on("error", () => {});
      });
      const want = expected[actor];
      if (typeof want === "number") {
        expect(outcome, actor).toBe(want);
      } else {
        expect(outcome, actor).toBe("open");
      }
    }
    // A socket from another site is refused too (cross-site WebSocket hijacking).
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${app.url.replace("http", "ws")}/collab/${fixture.documentId}`, { headers: { Origin: "https://evil.example", Cookie: cookies.hostAdmin! } });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => {});
    });
    expect(foreign).toBe(403);
  });

  it("nothing was changed by the refused requests", async () => {
    const [space] = await app.db.owner`select archived_at, title from spaces where id = ${fixture.spaceId}`;
    expect(space).toEqual({ archivedAt: null, title: SECRET_SPACE });
    const [spaces] = await app.db.owner`select count(*)::int as n from spaces`;
    expect(spaces.n).toBe(1);
    const documents = await app.db.owner`select title, archived_at from documents`;
    expect(documents).toEqual([{ title: SECRET_DOCUMENT, archivedAt: null }]);
    const cards = await app.db.owner`select title, deleted_at from cards`;
    expect(cards).toEqual([{ title: SECRET_CARD, deletedAt: null }]);
    const [boards] = await app.db.owner`select count(*)::int as n from boards`;
    expect(boards.n).toBe(1);
    const [partner] = await app.db.owner`select status from space_partners where tenant_id = ${fixture.partnerId}`;
    expect(partner.status).toBe("active");
    const [invites] = await app.db.owner`select count(*)::int as n from invitations`;
    expect(invites.n).toBe(0);
  });
});
