import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { insertUser, type Sql } from "@twinning/db";
import { hashPassword } from "@twinning/auth";
import { ID_KINDS, refFields, ROUTE_ACTIONS, type IdKind, type RouteWithActions } from "@twinning/domain";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import * as Y from "yjs";
import { versionContent } from "@twinning/editor/versions";

/** The content of the worlds' documents (an empty Yjs state), as a version stores it. */
const empty = versionContent(new Y.Doc());

/**
 * The tenant wall against ids in form bodies. For every action of every route (`ROUTE_ACTIONS`, the
 * schemas the routes parse their bodies with), every id-bearing field is sent — in a body that is
 * otherwise valid and posted to the attacker's own route — with an id of the same kind from a space
 * where the attacker is only a viewer, from one they were merely invited to, from one they cannot
 * see at all, and with a value that is no id at all. Each must be refused (404/403, or a form message for people who do not take part) and
 * leave every table as it was. The same body with the attacker's own ids succeeds, so the refusal is
 * the id's doing. A new field or intent is attacked without a new test.
 */

/** Where each route with actions is posted, in the attacker's own world. */
const PATHS: Record<RouteWithActions, (w: OwnWorld) => string> = {
  "routes/s.$spaceId_.boards.$boardId": (w) => `/s/${w.space}/boards/${w.board}`,
  "routes/s.$spaceId_.boards.$boardId.cards.$cardId": (w) => `/s/${w.space}/boards/${w.board}/cards/${w.card}`,
  "routes/s.$spaceId_.docs.$docId": (w) => `/s/${w.space}/docs/${w.document}`,
  "routes/s.$spaceId_.settings": (w) => `/s/${w.space}/settings`,
  "routes/s.$spaceId_.partners.$tenantId": (w) => `/s/${w.space}/partners/${w.partnerTenant}`,
  "routes/t.$slug": (w) => `/t/${w.slug}`,
  "routes/switch-tenant": () => "/switch-tenant",
  "routes/api.cards": () => "/api/cards",
  "routes/s.$spaceId_.docs.$docId_.approval": (w) => `/s/${w.space}/docs/${w.document}/approval`,
  "routes/s.$spaceId_.docs.$docId_.history": (w) => `/s/${w.space}/docs/${w.document}/history`,
  "routes/s.$spaceId_.docs.$docId_.translations": (w) => `/s/${w.space}/docs/${w.document}/translations`,
  "routes/inbox": () => "/inbox",
  "routes/s.$spaceId_.docs.$docId_.comments": (w) => `/s/${w.space}/docs/${w.document}/comments`,
  "routes/s.$spaceId_.overview": (w) => `/s/${w.space}/overview`,
  "routes/s.$spaceId_.webhooks": (w) => `/s/${w.space}/webhooks`,
  "routes/s.$spaceId_.webhooks_.$webhookId": (w) => `/s/${w.space}/webhooks/${w.webhook}`,
};

/** Routes whose actions take no id in their body (checked against the build, so a new one is not forgotten). */
const NO_IDS_IN_BODY = [
  "routes/login",
  "routes/signup",
  "routes/logout",
  "routes/locale",
  // Its one id, a token to revoke, is looked up among the user's own tokens only (api.test.ts tries another user's).
  "routes/account",
  "routes/tenants.new",
  "routes/invitations.$token",
  "routes/t.$slug_.spaces.new",
  "routes/s.$spaceId_.docs.new",
  "routes/s.$spaceId_.boards.new",
];

/** Ids of one kind in a world, by IdKind. */
type Ids = Record<IdKind, string>;

interface OwnWorld extends Ids {
  slug: string;
  partnerTenant: string;
  document: string;
  secondColumn: string;
  secondCard: string;
  invitedSpace: string;
}

/** Own ids that a given field needs instead of its kind's default (a second column to move cards to, …). */
const OWN_OVERRIDES: Partial<Record<string, (w: OwnWorld) => string>> = {
  "removeColumn.moveTo": (w) => w.secondColumn,
  "move.afterId": (w) => w.secondCard,
  "acceptSpace.spaceId": (w) => w.invitedSpace,
  "declineSpace.spaceId": (w) => w.invitedSpace,
  "removePartner.tenantId": (w) => w.partnerTenant,
  "switch.tenantId": (w) => w.partnerTenant,
  "acceptNetworkMember.tenantId": (w) => w.partnerTenant,
  "declineNetworkMember.tenantId": (w) => w.partnerTenant,
  "createCard.leadTenantId": (w) => w.partnerTenant,
  "update.leadTenantId": (w) => w.partnerTenant,
  // The round of the attacker's document asks (and was approved by) the partner tenant they own.
  "requestApproval.tenantIds": (w) => w.partnerTenant,
  "approve.tenantId": (w) => w.partnerTenant,
  "requestChanges.tenantId": (w) => w.partnerTenant,
};

/** Foreign sources that are, for one field, the attacker's own business (their tenant *is* invited there). */
const NOT_FOREIGN: Partial<Record<string, string[]>> = {
  "acceptSpace.spaceId": ["invited"],
  "declineSpace.spaceId": ["invited"],
};

/** Valid values for required fields that a plain word cannot fill (a date, one of the space's areas), per route. */
const FIELD_SAMPLES: Partial<Record<RouteWithActions, Record<string, string>>> = {
  "routes/s.$spaceId_.overview": { start: "2014-03-16", area: "overall" },
  "routes/s.$spaceId_.webhooks": { url: "https://example.org/twinning-hook", events: "card.created", active: "on" },
};

/** A valid value for a required field that names no resource. */
function sample(schema: z.ZodType): string | undefined {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "optional":
    case "default":
      return undefined;
    case "literal":
      return String((def.values as unknown[])[0]);
    case "enum":
      return String(Object.values(def.entries as Record<string, string>)[0]);
    case "pipe":
      return sample(def.in as z.ZodType);
    case "union":
      return sample((def.options as z.ZodType[])[0]);
    case "string":
      return "Prøve";
    default:
      throw new Error(`no sample for a ${def.type} field`);
  }
}

/** Fields that choose people or tenants from those taking part (a stale or forged one is a form message). */
const PEOPLE_FIELDS = new Set(["assignees", "leadTenantId", "userIds", "tenantIds"]);

const NOT_CHECKSUMMED = new Set(["sessions", "rate_limits", "migrations"]);

async function checksum(sql: Sql): Promise<string> {
  const tables = await sql<{ name: string }[]>`select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`;
  const parts: string[] = [];
  for (const { name } of tables) {
    if (NOT_CHECKSUMMED.has(name)) continue;
    const [row] = await sql.unsafe(`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${name} t`);
    parts.push(`${name}:${row.sum}`);
  }
  return parts.join(",");
}

describe("isolation matrix: ids in bodies", () => {
  let app: RunningApp;
  let build: ServerBuild;
  let cookie: string;
  let owner: Sql;
  let counter = 0;
  const foreign: Record<"viewer" | "invited" | "invisible" | "malformed", Ids> = {} as never;

  /** A world hosted by a tenant of `hostUser`: space, document, board with two columns and two cards, checklist item, invitation. */
  async function world(hostUser: string, name: string) {
    const [tenant] = await owner`insert into tenants (name, slug, kind, country) values (${name}, ${name}, 'network', 'DK') returning id`;
    await owner`insert into memberships (tenant_id, user_id, role) values (${tenant.id}, ${hostUser}, 'owner')`;
    const [space] = await owner`insert into spaces (host_tenant_id, title, color, icon) values (${tenant.id}, ${`${name} space`}, 'blue', 'globe') returning id`;
    const [document] = await owner`insert into documents (space_id, type, title, language) values (${space.id}, 'note', 'Doc', 'da') returning id`;
    await owner`insert into document_snapshots (space_id, document_id, state, last_seq) values (${space.id}, ${document.id}, '\\x0000'::bytea, 0)`;
    const [board] = await owner`insert into boards (space_id, title) values (${space.id}, 'Board') returning id`;
    const [column] = await owner`insert into board_columns (space_id, board_id, title, position) values (${space.id}, ${board.id}, 'A', 'a0') returning id`;
    const [secondColumn] = await owner`insert into board_columns (space_id, board_id, title, position) values (${space.id}, ${board.id}, 'B', 'a1') returning id`;
    const [card] = await owner`insert into cards (space_id, board_id, column_id, position, title) values (${space.id}, ${board.id}, ${column.id}, 'a0', 'Card') returning id`;
    const [secondCard] = await owner`insert into cards (space_id, board_id, column_id, position, title) values (${space.id}, ${board.id}, ${column.id}, 'a1', 'Card 2') returning id`;
    const [item] = await owner`insert into card_checklist (space_id, card_id, text, position) values (${space.id}, ${card.id}, 'Item', 1) returning id`;
    // A named version of the document, and a notification for the host user about it.
    const [version] = await owner`
      insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by)
      values (${document.id}, ${space.id}, 'Version', 'named', ${Buffer.from(empty.state)}, ${owner.json(empty.content as never)}, ${empty.contentHash}, ${hostUser}) returning id`;
    const [notification] = await owner`
      insert into notifications (user_id, kind, space_id, document_id, actor_id) values (${hostUser}, 'signed', ${space.id}, ${document.id}, ${hostUser}) returning id`;
    const [thread] = await owner`
      insert into comment_threads (document_id, space_id, quote, created_by) values (${document.id}, ${space.id}, 'Tekst', ${hostUser}) returning id`;
    await owner`insert into document_comments (thread_id, space_id, author_id, body) values (${thread.id}, ${space.id}, ${hostUser}, 'En kommentar')`;
    const [activity] = await owner`
      insert into activities (space_id, kind, title, starts_on, area, created_by) values (${space.id}, 'meeting', 'Møde', '2014-03-16', 'overall', ${hostUser}) returning id`;
    // A webhook with one delivered event (redelivered by the attacker's own id only).
    const [webhook] = await owner`
      insert into webhooks (space_id, url, events, secret, created_by) values (${space.id}, 'https://example.org/hook', '{card.created}', ${`whsec_${"A".repeat(32)}`}, ${hostUser}) returning id`;
    const [delivery] = await owner`
      insert into webhook_deliveries (webhook_id, space_id, event, payload, state, attempts, response_status, delivered_at)
      values (${webhook.id}, ${space.id}, 'card.created', '{}', 'delivered', 1, 200, now()) returning id`;
    const [invitation] = await owner`
      insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
      values (${tenant.id}, ${`someone-${name}@example.org`}, 'member', ${`hash-${name}`}, ${hostUser}, now() + interval '7 days') returning id`;
    return {
      tenant: tenant.id as string,
      slug: name,
      space: space.id as string,
      document: document.id as string,
      board: board.id as string,
      column: column.id as string,
      secondColumn: secondColumn.id as string,
      card: card.id as string,
      secondCard: secondCard.id as string,
      checklistItem: item.id as string,
      invitation: invitation.id as string,
      version: version.id as string,
      notification: notification.id as string,
      thread: thread.id as string,
      activity: activity.id as string,
      webhook: webhook.id as string,
      delivery: delivery.id as string,
    };
  }

  const partner = (space: string, tenant: string, role: string, status: string) =>
    owner`insert into space_partners (space_id, tenant_id, role, status, invited_by, expires_at) values (${space}, ${tenant}, ${role}, ${status}, 'victim', now() + interval '7 days')`;

  /** The attacker's own world: host of a space with a partner tenant they also own and a colleague in both. */
  async function ownWorld(): Promise<OwnWorld> {
    const name = `attacker-${++counter}`;
    const w = await world("attacker", name);
    const [partnerTenant] = await owner`insert into tenants (name, slug, kind, country) values (${`${name} partner`}, ${`${name}-p`}, 'municipality', 'DK') returning id`;
    await owner`insert into memberships (tenant_id, user_id, role) values (${partnerTenant.id}, 'attacker', 'owner'), (${partnerTenant.id}, 'colleague', 'member'), (${w.tenant}, 'colleague', 'member')`;
    await partner(w.space, partnerTenant.id, "editor", "active");
    // The document's version is under review, asking the partner tenant, which has approved it.
    const [round] = await owner`
      insert into approval_rounds (document_id, space_id, version_id, content_hash, requested_by) values (${w.document}, ${w.space}, ${w.version}, ${empty.contentHash}, 'attacker') returning id`;
    await owner`
      insert into approval_parties (round_id, space_id, tenant_id, decision, content_hash, decided_by, decided_at)
      values (${round.id}, ${w.space}, ${partnerTenant.id}, 'approved', ${empty.contentHash}, 'attacker', now())`;
    await owner`update documents set status = 'approved' where id = ${w.document}`;
    // The partner tenant asks to be listed in the attacker's network (for accepting and declining members).
    await owner`insert into network_membership_requests (network_id, member_id, requested_by) values (${w.tenant}, ${partnerTenant.id}, 'attacker')`;
    // A space of someone else's that invited the attacker's tenant (for accepting and declining).
    const friend = await world("victim", `${name}-friend`);
    await partner(friend.space, w.tenant, "editor", "invited");
    // The attacker's tenant is a viewer in the victim's space and invited to another; the third it cannot see.
    await partner(foreign.viewer.space, w.tenant, "viewer", "active");
    await partner(foreign.invited.space, w.tenant, "editor", "invited");
    return { ...w, user: "colleague", partnerTenant: partnerTenant.id, invitedSpace: friend.space };
  }

  beforeAll(async () => {
    app = await startTestApp();
    owner = app.db.owner;
    build = await import(pathToFileURL(`${process.cwd()}/build/server/index.js`).href);
    const passwordHash = await hashPassword("body-matrix-password");
    for (const id of ["attacker", "colleague", "victim", "stranger"]) {
      await insertUser(owner, { id, email: `${id}@example.org`, name: id, passwordHash, locale: "da" });
    }
    for (const [source, hostUser] of [["viewer", "victim"], ["invited", "victim"], ["invisible", "stranger"]] as const) {
      const w = await world(hostUser, `victim-${source}`);
      foreign[source] = { ...w, user: hostUser };
    }
    // Not an id at all (PostgreSQL would fail on it as a uuid): a 404 too, never a 500.
    foreign.malformed = Object.fromEntries(ID_KINDS.map((kind) => [kind, "not-an-id'; --"])) as Ids;
    const login = await app.auth.logIn({ email: "attacker@example.org", password: "body-matrix-password", address: "10.9.1.1" });
    if (!login.ok) throw new Error("log-in failed");
    cookie = login.setCookie.split(";")[0];
  });

  it("knows every route that takes a form action: with its schemas, or listed as taking no ids", () => {
    const withActions = Object.entries(build.routes)
      .filter(([, route]) => route.module.action)
      .map(([id]) => id);
    // The integration API takes JSON, not forms: its body ids (columnId, afterId, assignees, leadTenantId) are attacked in api.test.ts.
    const unknown = withActions.filter((id) => !(id in ROUTE_ACTIONS) && !NO_IDS_IN_BODY.includes(id) && !id.startsWith("routes/api.v1."));
    expect(unknown, "routes with actions that are neither in ROUTE_ACTIONS nor listed here").toEqual([]);
  });

  // A successful ping or redelivery queues a delivery, which the server's webhook worker would go on
  // updating (an attempt, a retry) during the next test's checksums: only the tests' own queue goes.
  afterEach(async () => {
    await owner`delete from webhook_deliveries where state = 'pending'`;
  });

  const post = (path: string, body: Record<string, string | string[]>) => {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) form.append(k, one);
    return fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", body: form, headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" } });
  };

  const cases = Object.entries(ROUTE_ACTIONS).flatMap(([route, intents]) =>
    Object.entries(intents as Record<string, z.ZodObject>)
      .map(([intent, schema]) => ({ route: route as RouteWithActions, intent, schema, fields: refFields(schema) }))
      .filter((c) => c.fields.length > 0),
  );
  const tally = { cases: 0, refused: { 400: 0, 403: 0, 404: 0 } as Record<number, number> };

  for (const { route, intent, schema, fields } of cases) {
    it(`${route} ${intent}: ${fields.map((f) => f.field).join(", ")} with foreign ids refused, nothing changed`, async () => {
      const own = await ownWorld();
      const body: Record<string, string | string[]> = {};
      for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const ref = fields.find((f) => f.field === field);
        const value = ref ? (OWN_OVERRIDES[`${intent}.${field}`]?.(own) ?? own[ref.kind]) : (FIELD_SAMPLES[route]?.[field] ?? sample(fieldSchema));
        if (value !== undefined) body[field] = ref?.list ? [value] : value;
      }
      const path = PATHS[route](own);
      for (const ref of fields) {
        for (const [source, ids] of Object.entries(foreign)) {
          if (NOT_FOREIGN[`${intent}.${ref.field}`]?.includes(source)) continue;
          const attack = { ...body, [ref.field]: ref.list ? [...[body[ref.field] ?? []].flat(), ids[ref.kind]] : ids[ref.kind] };
          const before = await checksum(owner);
          const res = await post(path, attack);
          const label = `${intent} with ${ref.field} from the ${source} space → ${res.status}`;
          // People who do not take part in the space are a form message that keeps what was typed (the
          // form offered only those who do); every other foreign id is not found, or not allowed.
          const allowed = PEOPLE_FIELDS.has(ref.field) ? [400, 403, 404] : [403, 404];
          expect(allowed, label).toContain(res.status);
          await res.text();
          expect(await checksum(owner), `${label}: the database changed`).toBe(before);
          tally.cases++;
          tally.refused[res.status] = (tally.refused[res.status] ?? 0) + 1;
        }
      }
      // The same body with the attacker's own ids is accepted: the refusals were the foreign ids' doing.
      const res = await post(path, body);
      expect([200, 204, 302, 303], `${intent} with own ids → ${res.status}: ${(await res.text()).slice(0, 200)}`).toContain(res.status);
    });
  }

  it("a webhook's deliveries page names a webhook of its own space only: another space's or a malformed id is a 404", async () => {
    const own = await ownWorld();
    for (const webhook of [foreign.viewer.webhook, foreign.invited.webhook, foreign.invisible.webhook, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const res = await fetch(`${app.url}/s/${own.space}/webhooks/${encodeURIComponent(webhook)}`, { headers: { Cookie: cookie }, redirect: "manual" });
      expect(res.status, webhook).toBe(404);
      await res.text();
    }
    const mine = await fetch(`${app.url}/s/${own.space}/webhooks/${own.webhook}`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(mine.status).toBe(200);
    await mine.text();
  });

  it("prints the figures", () => {
    console.log(`[isolation bodies] ${cases.length} intents with id fields, ${tally.cases} attacks, all refused (${JSON.stringify(tally.refused)}), nothing changed`);
    expect(tally.cases).toBeGreaterThan(0);
  });
});
