import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createBoard, createCard, createDocument, createSpace, createTenant, insertUser, invitePartner, endPartnership } from "@twinning/db";
import { jsonToYUpdate, templateContent } from "@twinning/editor";
import { EXPORT_FORMATS } from "@twinning/export/model";
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
  /** The document's Chinese translation. */
  translationId: string;
  boardId: string;
  cardId: string;
  hostSlug: string;
  hostId: string;
  partnerId: string;
  versionId: string;
  webhookId: string;
  deliveryId: string;
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
  // The space's "Partners and people" tab: whoever takes part (a malformed id is a 404, as for every space route).
  "routes/s.$spaceId_.people": { path: (f) => `/s/${f.spaceId}/people`, get: { ...spaceReaders, rest: "denied" } },
  "routes/s.$spaceId_.settings": {
    path: (f) => `/s/${f.spaceId}/settings`,
    get: { ...hostAdminOnly, rest: "denied" },
    post: { body: () => ({ intent: "archive" }), expect: { anonymous: "login", hostAdmin: "skip", rest: "denied" } },
  },
  "routes/s.$spaceId_.audit": { path: (f) => `/s/${f.spaceId}/audit`, get: { ...hostAdminOnly, rest: "denied" } },
  // Webhooks and their deliveries: the host's admins only (malformed and other spaces' ids: isolation-bodies).
  "routes/s.$spaceId_.webhooks": {
    path: (f) => `/s/${f.spaceId}/webhooks`,
    get: { ...hostAdminOnly, rest: "denied" },
    post: {
      body: () => ({ intent: "createWebhook", url: "https://intruder.example/hook", events: "card.created" }),
      expect: { anonymous: "login", hostAdmin: "skip", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.webhooks_.$webhookId": {
    path: (f) => `/s/${f.spaceId}/webhooks/${f.webhookId}`,
    get: { ...hostAdminOnly, rest: "denied" },
    post: { body: (f) => ({ intent: "redeliver", deliveryId: f.deliveryId }), expect: { anonymous: "login", hostAdmin: "skip", rest: "denied" } },
  },
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
  // Versions: seen by whoever sees the document; saved (and restored) by editors only.
  "routes/s.$spaceId_.docs.$docId_.history": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/history`,
    get: { ...spaceReaders, rest: "denied" },
    post: { body: () => ({ intent: "saveVersion", name: "Intruder" }), expect: { ...skipEditors, anonymous: "login", rest: "denied" } },
  },
  // Translations: listed for whoever sees the document; added by editors (a viewer, commenter or stranger adds none).
  "routes/s.$spaceId_.docs.$docId_.translations": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/translations`,
    get: { ...spaceReaders, rest: "denied" },
    post: { body: () => ({ intent: "addTranslation", language: "zh-CN" }), expect: { ...skipEditors, anonymous: "login", rest: "denied" } },
  },
  // A source and its translation side by side: whoever sees the document.
  "routes/s.$spaceId_.docs.$docId_.side-by-side": { path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/side-by-side`, get: { ...spaceReaders, rest: "denied" } },
  // Comments: read by whoever sees the document; started, answered and resolved by commenters and editors.
  "routes/s.$spaceId_.docs.$docId_.comments": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/comments`,
    get: { ...spaceReaders, rest: "denied" },
    post: {
      body: () => ({ intent: "startThread", quote: "Intruder", body: "Intruder" }),
      expect: { ...skipEditors, partnerCommenter: "skip", anonymous: "login", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.docs.$docId_.versions.$versionId": { path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/versions/${f.versionId}`, get: { ...spaceReaders, rest: "denied" } },
  "routes/s.$spaceId_.docs.$docId_.compare": { path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/compare?from=${f.versionId}&to=now`, get: { ...spaceReaders, rest: "denied" } },
  // Export: whoever reads the document (every format and version: see "export: formats × versions" below).
  "routes/s.$spaceId_.docs.$docId_.export": { path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/export?format=pdf&version=${f.versionId}`, get: { ...spaceReaders, rest: "denied" } },
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
  "routes/s.$spaceId_.boards.$boardId.cards.$cardId": {
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
  // Approval steps: each is refused here for everyone (amending a document that is not signed).
  "routes/s.$spaceId_.docs.$docId_.approval": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/approval`,
    get: { ...spaceReaders, rest: "denied" },
    post: { body: () => ({ intent: "amend" }), expect: { anonymous: "login", rest: "denied" } },
  },
  // The signing confirmation (without JavaScript): the host's admins only (here it says why it cannot be signed).
  "routes/s.$spaceId_.docs.$docId_.approval_.sign": {
    path: (f) => `/s/${f.spaceId}/docs/${f.documentId}/approval/sign?versionId=${f.versionId}`,
    get: { hostAdmin: "ok", anonymous: "login", rest: "denied" },
  },
  // The activity overview and its exports: whoever sees the space; activities are added by editors.
  "routes/s.$spaceId_.overview": {
    path: (f) => `/s/${f.spaceId}/overview?year=2014`,
    get: { ...spaceReaders, rest: "denied" },
    post: {
      body: () => ({ intent: "addActivity", kind: "meeting", title: "Intruder", start: "2014-03-16", area: "overall" }),
      expect: { ...skipEditors, anonymous: "login", rest: "denied" },
    },
  },
  "routes/s.$spaceId_.overview_.export": { path: (f) => `/s/${f.spaceId}/overview/export?year=2014&format=csv`, get: { ...spaceReaders, rest: "denied" } },
  // Everyone's own inbox; nobody else's notifications are in it (row-level security, and the body matrix).
  "routes/inbox": { path: () => "/inbox", get: { anonymous: "login", rest: "ok" } },
  // Everyone's own inbox count, live: it carries no space's events.
  "routes/inbox_.events": { path: () => "/inbox/events", get: { anonymous: "login", rest: "ok" } },
  // Search (the page and the results as you type): everyone signed in gets an answer; strangers' carry nothing of the space (see below).
  "routes/search": { path: (f) => `/search?q=Fortrolig&space=${f.spaceId}`, get: { anonymous: "login", rest: "ok" } },
  "routes/api.search": { path: () => "/api/search?q=fortrolig", get: { anonymous: "login", rest: "ok" } },
  // The integration API's description and reference page: public, they name no space (the API itself: API_MATRIX).
  "routes/api.v1.openapi[.]json": { path: () => "/api/v1/openapi.json", get: { rest: "ok" } },
  "routes/api-reference": { path: () => "/api-reference", get: { rest: "ok" } },
};

/**
 * The integration API (/api/v1): each route × every kind of user, with a read-and-write token that user
 * made in account settings (anonymous: none). Cookies are never read there. Outcomes: ok (2xx),
 * "denied" = 403 problem, "missing" = 404 problem, "login" = 401 problem. Every row is also asked
 * with malformed and foreign ids, which are 404 problems for everyone with a token.
 */
type ApiRow = { path: (f: Fixture) => string; expect: Partial<Record<Actor, Outcome | "skip">> & { rest: Outcome | "skip" }; method?: "POST" | "PATCH"; body?: Record<string, unknown> };
const apiReaders = { ...spaceReaders, anonymous: "login", outsider: "missing", removed: "missing" } as const;
const apiWriters = { ...skipEditors, partnerCommenter: "denied", partnerViewer: "denied", anonymous: "login", outsider: "missing", removed: "missing" } as const;
const space = (f: Fixture) => `/api/v1/spaces/${f.spaceId}`;
const card = (f: Fixture) => `${space(f)}/boards/${f.boardId}/cards/${f.cardId}`;
const API_MATRIX: Record<string, ApiRow[]> = {
  "routes/api.v1.spaces": [{ path: () => "/api/v1/spaces", expect: { anonymous: "login", rest: "ok" } }],
  "routes/api.v1.spaces_.$spaceId": [{ path: space, expect: { ...apiReaders, rest: "missing" } }],
  "routes/api.v1.spaces_.$spaceId_.documents": [
    { path: (f) => `${space(f)}/documents`, expect: { ...apiReaders, rest: "missing" } },
    {
      path: (f) => `${space(f)}/documents`,
      method: "POST",
      body: { title: "Intruder", language: "da", markdown: "# Intruder" },
      expect: { ...apiWriters, rest: "missing" },
    },
  ],
  "routes/api.v1.spaces_.$spaceId_.documents_.$documentId": [{ path: (f) => `${space(f)}/documents/${f.documentId}`, expect: { ...apiReaders, rest: "missing" } }],
  "routes/api.v1.spaces_.$spaceId_.documents_.$documentId_.content": [
    { path: (f) => `${space(f)}/documents/${f.documentId}/content?format=markdown`, expect: { ...apiReaders, rest: "missing" } },
    { path: (f) => `${space(f)}/documents/${f.documentId}/content?version=${f.versionId}`, expect: { ...apiReaders, rest: "missing" } },
  ],
  "routes/api.v1.spaces_.$spaceId_.documents_.$documentId_.versions": [{ path: (f) => `${space(f)}/documents/${f.documentId}/versions`, expect: { ...apiReaders, rest: "missing" } }],
  "routes/api.v1.spaces_.$spaceId_.boards": [{ path: (f) => `${space(f)}/boards`, expect: { ...apiReaders, rest: "missing" } }],
  "routes/api.v1.spaces_.$spaceId_.boards_.$boardId": [{ path: (f) => `${space(f)}/boards/${f.boardId}`, expect: { ...apiReaders, rest: "missing" } }],
  "routes/api.v1.spaces_.$spaceId_.boards_.$boardId_.cards": [
    { path: (f) => `${space(f)}/boards/${f.boardId}/cards`, expect: { ...apiReaders, rest: "missing" } },
    { path: (f) => `${space(f)}/boards/${f.boardId}/cards`, method: "POST", body: { title: "Intruder" }, expect: { ...apiWriters, rest: "missing" } },
  ],
  "routes/api.v1.spaces_.$spaceId_.boards_.$boardId_.cards_.$cardId": [
    { path: card, expect: { ...apiReaders, rest: "missing" } },
    { path: card, method: "PATCH", body: { title: "Intruder" }, expect: { ...apiWriters, rest: "missing" } },
  ],
  "routes/api.v1.spaces_.$spaceId_.boards_.$boardId_.cards_.$cardId_.move": [
    { path: (f) => `${card(f)}/move`, method: "POST", body: { columnId: "00000000-0000-4000-8000-000000000000" }, expect: { ...apiWriters, rest: "missing" } },
  ],
  "routes/api.v1.spaces_.$spaceId_.boards_.$boardId_.cards_.$cardId_.comments": [
    { path: (f) => `${card(f)}/comments`, expect: { ...apiReaders, rest: "missing" } },
    { path: (f) => `${card(f)}/comments`, method: "POST", body: { body: "Intruder" }, expect: { ...apiWriters, partnerCommenter: "skip", rest: "missing" } },
  ],
  "routes/api.v1.spaces_.$spaceId_.activities": [
    { path: (f) => `${space(f)}/activities?year=2014`, expect: { ...apiReaders, rest: "missing" } },
    {
      path: (f) => `${space(f)}/activities`,
      method: "POST",
      body: { kind: "meeting", title: "Intruder", start: "2014-03-16", area: "overall" },
      expect: { ...apiWriters, rest: "missing" },
    },
  ],
  // Everyone with a token gets an answer; strangers' carry nothing of the space (checked for every stranger).
  "routes/api.v1.search": [{ path: () => "/api/v1/search?q=Fortrolig", expect: { anonymous: "login", rest: "ok" } }],
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
      createDocument(tx, { spaceId: space.id, type: "note", title: SECRET_DOCUMENT, language: "da", template: "blank", initialState: jsonToYUpdate(templateContent("blank", "da")), actorId: "hostAdmin" }),
    );
    fixture.documentId = doc.id;
    // Its Chinese translation (for the side-by-side page).
    const [translation] = await owner`insert into documents (space_id, type, title, language) values (${space.id}, 'note', ${`${SECRET_DOCUMENT} (中文)`}, 'zh-CN') returning id`;
    await owner`insert into document_snapshots (space_id, document_id, state, last_seq) select space_id, ${translation.id}, state, 0 from document_snapshots where document_id = ${doc.id}`;
    await owner`insert into document_translations (document_id, source_id, space_id, created_by) values (${translation.id}, ${doc.id}, ${space.id}, 'hostAdmin')`;
    fixture.translationId = translation.id;
    const [version] = await owner`
      insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
      select ${doc.id}, ${space.id}, 'Fortrolig version', 'named', state, '{"type":"doc","content":[{"type":"paragraph"}]}', repeat('0', 64), 'hostAdmin'
      from document_snapshots where document_id = ${doc.id} returning id`;
    fixture.versionId = version.id;
    const board = await asUser(sql, "hostAdmin", (tx) => createBoard(tx, { spaceId: space.id, title: "Tavle", columns: ["A", "B", "C"], actorId: "hostAdmin" }));
    fixture.boardId = board.id;
    const card = await asUser(sql, "hostAdmin", (tx) => createCard(tx, { board, title: SECRET_CARD, description: "", assignees: [], actorId: "hostAdmin" }));
    if (!card.ok) throw new Error(card.error);
    fixture.cardId = card.card.id;
    for (const [slug, role] of [["partner-editor", "editor"], ["partner-commenter", "commenter"], ["partner-viewer", "viewer"], ["removed-partner", "editor"]] as const) {
      await asUser(sql, "hostAdmin", (tx) => invitePartner(tx, { spaceId: space.id, tenantSlug: slug, role, actorId: "hostAdmin" }));
    }
    await owner`update space_partners set status = 'active'`;
    await asUser(sql, "hostAdmin", (tx) => endPartnership(tx, { spaceId: space.id, tenantId: removedTenant, actorId: "hostAdmin", by: "host" }));
    const [webhook] = await owner`
      insert into webhooks (space_id, url, events, secret, created_by) values (${space.id}, 'https://example.org/hook', '{card.created}', ${`whsec_${"A".repeat(32)}`}, 'hostAdmin') returning id`;
    fixture.webhookId = webhook.id;
    const [delivery] = await owner`
      insert into webhook_deliveries (webhook_id, space_id, event, payload, state, attempts, response_status, delivered_at)
      values (${webhook.id}, ${space.id}, 'card.created', '{}', 'delivered', 1, 200, now()) returning id`;
    fixture.deliveryId = delivery.id;
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
    expect(routes.filter((id) => !(id in MATRIX) && !(id in API_MATRIX)), "routes missing from the isolation matrix").toEqual([]);
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

  it("export: every format × the current text, a version, an unknown and a malformed version id, and bilingual × every kind of user", async () => {
    const versions: [string, Partial<Record<Actor, Outcome>> & { rest: Outcome }][] = [
      ["", { ...spaceReaders, rest: "denied" }],
      [`&version=${fixture.versionId}`, { ...spaceReaders, rest: "denied" }],
      // Not a version of this document: a 404 for those who read it too.
      ["&version=00000000-0000-4000-8000-000000000000", { anonymous: "login", rest: "denied" }],
      ["&version=not-a-uuid", { anonymous: "login", rest: "denied" }],
    ];
    // Bilingual (DOCX and PDF): the translation beside its source, from either side, for whoever reads the
    // document; any id that is not its linked document (a version's, an unknown, a malformed one) is a 404.
    const bilingual = (format: string, from: string, other: string) => `/s/${fixture.spaceId}/docs/${from}/export?format=${format}&with=${other}`;
    for (const format of ["docx", "pdf"]) {
      for (const [path, expected] of [
        [bilingual(format, fixture.documentId, fixture.translationId), { ...spaceReaders, rest: "denied" }],
        [bilingual(format, fixture.translationId, fixture.documentId), { ...spaceReaders, rest: "denied" }],
        [bilingual(format, fixture.documentId, fixture.versionId), { anonymous: "login", rest: "denied" }],
        [bilingual(format, fixture.documentId, "00000000-0000-4000-8000-000000000000"), { anonymous: "login", rest: "denied" }],
        [bilingual(format, fixture.documentId, "not-a-uuid"), { anonymous: "login", rest: "denied" }],
      ] as [string, Partial<Record<Actor, Outcome>> & { rest: Outcome }][]) {
        for (const actor of ACTORS) {
          const res = await request(path, actor);
          const outcome = expected[actor] ?? expected.rest;
          check(outcome, res, await res.text(), `GET ${path} as ${actor}`, actor);
          if (outcome === "denied") expect(res.status, `${path} as ${actor}`).toBe(404);
        }
      }
    }
    for (const format of EXPORT_FORMATS) {
      for (const [version, expected] of versions) {
        for (const actor of ACTORS) {
          const path = `/s/${fixture.spaceId}/docs/${fixture.documentId}/export?format=${format}${version}`;
          const res = await request(path, actor);
          const body = await res.text();
          const outcome = expected[actor] ?? expected.rest;
          check(outcome, res, body, `GET ${path} as ${actor}`, actor);
          if (outcome === "denied") expect(res.status, `${path} as ${actor}`).toBe(404);
        }
      }
    }
  }, 120_000);

  it("search finds the space's title, document and card for those taking part, and nothing of it for strangers", async () => {
    const queries = ["Fortrolig", "fortrolig opgave", "jordrensning", "Udkast aftale", "Ballerup Wuxi"];
    for (const actor of ACTORS.filter((a) => a !== "anonymous")) {
      for (const q of queries) {
        for (const path of [`/api/search?q=${encodeURIComponent(q)}`, `/search?q=${encodeURIComponent(q)}`, `/search?q=${encodeURIComponent(q)}&space=${fixture.spaceId}&kind=card`]) {
          const res = await request(path, actor);
          const body = await res.text();
          expect(res.status, `${path} as ${actor}`).toBe(200);
          if (STRANGERS.includes(actor)) {
            for (const secret of [SECRET_SPACE, SECRET_DOCUMENT, SECRET_CARD, fixture.spaceId, fixture.documentId, fixture.cardId]) {
              if (path.includes(secret)) continue;
              expect(body, `${path} as ${actor}`).not.toContain(secret);
            }
          }
        }
      }
      const suggest = (await (await request("/api/search?q=fortrolig", actor)).json()) as { hits: { title: string; href: string }[] };
      const titles = suggest.hits.map((h) => h.title);
      if (STRANGERS.includes(actor)) expect(suggest.hits, actor).toEqual([]);
      else expect(titles, actor).toEqual(expect.arrayContaining([SECRET_SPACE, SECRET_DOCUMENT, SECRET_CARD]));
    }
  });

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

  it("the API (/api/v1): every route × every kind of user with their own token, and malformed and foreign ids", async () => {
    const tokens: Partial<Record<Actor, string>> = {};
    for (const actor of ACTORS.filter((a) => a !== "anonymous")) {
      const res = await request("/account", actor, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "createToken", name: "Isolation", scope: "write", reach: "all" }),
      });
      tokens[actor] = /value="(twn_[A-Za-z0-9_-]+)"/.exec(await res.text())?.[1];
      expect(tokens[actor], actor).toBeTruthy();
    }
    const STATUS: Partial<Record<Outcome, number>> = { login: 401, denied: 403, missing: 404 };
    const call = (row: ApiRow, path: string, actor: Actor) =>
      fetch(`${app.url}${path}`, {
        method: row.method ?? "GET",
        headers: { ...(tokens[actor] ? { Authorization: `Bearer ${tokens[actor]}` } : {}), ...(row.body ? { "Content-Type": "application/json" } : {}) },
        body: row.body ? JSON.stringify(row.body) : undefined,
      });
    const foreignIds = [fixture.spaceId, fixture.documentId, fixture.boardId, fixture.cardId, fixture.versionId];
    for (const rows of Object.values(API_MATRIX)) {
      for (const row of rows) {
        const path = row.path(fixture);
        for (const actor of ACTORS) {
          const outcome = row.expect[actor] ?? row.expect.rest;
          if (outcome === "skip") continue;
          const res = await call(row, path, actor);
          const body = await res.text();
          const label = `${row.method ?? "GET"} ${path} as ${actor}`;
          if (STRANGERS.includes(actor)) for (const secret of [SECRET_SPACE, SECRET_TENANT, SECRET_DOCUMENT, SECRET_CARD]) expect(body, `${label} leaks`).not.toContain(secret);
          if (outcome === "ok") expect(res.status, label).toBeLessThan(300);
          else {
            expect(res.status, label).toBe(STATUS[outcome]);
            expect(res.headers.get("content-type"), label).toMatch(/^application\/problem\+json/);
          }
        }
        // Each id of the path, malformed, unknown or of another kind, is a 404 problem (the outsider's token naming the host's ids: above).
        if (!foreignIds.some((id) => path.includes(id))) continue;
        for (const id of foreignIds.filter((id) => path.includes(id))) {
          // Malformed, unknown, and an id of another kind of resource (a board's id where a card's belongs).
          const otherKind = id === fixture.boardId ? fixture.cardId : fixture.boardId;
          for (const [actor, bad] of [["hostAdmin", "not-a-uuid'; --"], ["hostAdmin", "00000000-0000-4000-8000-000000000000"], ["partnerAdmin", otherKind]] as const) {
            const res = await call(row, path.replace(id, bad), actor);
            expect(res.status, `${path.replace(id, bad)} as ${actor}`).toBe(404);
            expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          }
        }
      }
    }
    // A signed-in browser's cookie is no key to the API.
    const res = await request(`/api/v1/spaces/${fixture.spaceId}`, "hostAdmin");
    expect(res.status).toBe(401);
  });

  it("nothing was changed by the refused requests", async () => {
    const [space] = await app.db.owner`select archived_at, title from spaces where id = ${fixture.spaceId}`;
    expect(space).toEqual({ archivedAt: null, title: SECRET_SPACE });
    const [spaces] = await app.db.owner`select count(*)::int as n from spaces`;
    expect(spaces.n).toBe(1);
    const documents = await app.db.owner`select title, archived_at from documents order by title`;
    expect(documents).toEqual([
      { title: SECRET_DOCUMENT, archivedAt: null },
      { title: `${SECRET_DOCUMENT} (中文)`, archivedAt: null },
    ]);
    const cards = await app.db.owner`select title, deleted_at from cards`;
    expect(cards).toEqual([{ title: SECRET_CARD, deletedAt: null }]);
    const [boards] = await app.db.owner`select count(*)::int as n from boards`;
    expect(boards.n).toBe(1);
    const [partner] = await app.db.owner`select status from space_partners where tenant_id = ${fixture.partnerId}`;
    expect(partner.status).toBe("active");
    const versions = await app.db.owner`select name from document_versions`;
    expect(versions).toEqual([{ name: "Fortrolig version" }]);
    const [invites] = await app.db.owner`select count(*)::int as n from invitations`;
    expect(invites.n).toBe(0);
    const webhooks = await app.db.owner`select url from webhooks`;
    expect(webhooks).toEqual([{ url: "https://example.org/hook" }]);
    const deliveries = await app.db.owner`select state from webhook_deliveries`;
    expect(deliveries).toEqual([{ state: "delivered" }]);
  });
});
