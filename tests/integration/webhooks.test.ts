import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newApiToken, newWebhookSecret } from "@twinning/auth";
import { createApiToken } from "@twinning/db/api-tokens";
import {
  asUser,
  createBoard,
  createCard,
  createSpace,
  createTenant,
  createWebhook,
  deleteWebhook,
  insertUser,
  pingWebhook,
  redeliver,
  setWebhookActive,
} from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { WebhookEvent } from "@twinning/domain";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn, startTestApp } from "../helpers/app";
import { formPoster, signThroughApproval, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { startReceiver, type Answer, type Receiver } from "../helpers/webhook-receiver";

/**
 * Webhooks (issue 14) end to end: the real server and PostgreSQL, a receiver on loopback that checks
 * every delivery's signature with the `standardwebhooks` package. Each event is caused over HTTP (the
 * API with a token; signing through the approval pages) and arrives with its type and data; nothing is
 * queued for a space without webhooks, an event not subscribed, or a change rolled back; a receiver's
 * 500s and silences are retried on the schedule (shortened here) until delivered or failed; a
 * redelivery sends the same id; and with the guard on (a second app), a loopback address is refused.
 */
const RETRY_DELAYS = [200, 400];
const TIMEOUT_MS = 500;
const ALL_EVENTS: WebhookEvent[] = ["card.created", "card.moved", "card.updated", "document.signed", "activity.added"];

describe("webhooks", () => {
  let app: RunningApp;
  let receiver: Receiver;
  let token: string;
  let hostId: string;
  let spaceId: string;
  let boardId: string;
  let columns: string[];
  const cookie: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);
  let hooks = 0;

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, {
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1",
      WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS.join(","),
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    receiver = await startReceiver();
    for (const slug of ["bycirklen", "ballerup-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    [{ id: hostId }] = await app.db.owner<{ id: string }[]>`select id from users where email = ${demoEmail("bycirklen")}`;
    [{ spaceId, boardId }] = await app.db.owner<{ spaceId: string; boardId: string }[]>`
      select s.id as space_id, b.id as board_id from spaces s join boards b on b.space_id = s.id
      where s.title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019' order by b.created_at limit 1`;
    columns = (await app.db.owner<{ id: string }[]>`select id from board_columns where board_id = ${boardId} order by position`).map((c) => c.id);
    const made = newApiToken();
    await asUser(app.db.sql, hostId, (tx) =>
      createApiToken(tx, { userId: hostId, name: "Webhook test", tokenHash: made.hash, prefix: made.prefix, scope: "write", spaceIds: null, expiresAt: null }),
    );
    token = made.secret;
  });
  afterAll(() => receiver?.close());

  const api = async (method: string, path: string, json: unknown) => {
    const res = await fetch(`${app.url}/api/v1/spaces/${spaceId}${path}`, {
      method,
      body: JSON.stringify(json),
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body as Record<string, any>;
  };
  const newCard = (title: string) => api("POST", `/boards/${boardId}/cards`, { title, columnId: columns[0] });

  /** A webhook of the space, as its host admin adds it, answered by the receiver at a path of its own. */
  async function hook(events: WebhookEvent[] = ALL_EVENTS, answer?: Answer, target?: { app: RunningApp; spaceId: string; userId: string }) {
    const path = `/hook-${++hooks}`;
    const secret = newWebhookSecret();
    const on = target ?? { app, spaceId, userId: hostId };
    const { id } = await asUser(on.app.db.sql, on.userId, (tx) =>
      createWebhook(tx, { space: { id: on.spaceId }, url: `${receiver.url}${path}`, description: path, events, secret, actorId: on.userId }),
    );
    receiver.route(path, secret, answer);
    return {
      id,
      path,
      got: () => receiver.of(path),
      deliveries: () =>
        on.app.db.owner<
          { id: string; event: string; state: string; attempts: number; responseStatus: number | null; responseBody: string | null; lastError: string | null }[]
        >`
          select id, event, state, attempts, response_status, response_body, last_error from webhook_deliveries where webhook_id = ${id} order by created_at`,
      remove: () => asUser(on.app.db.sql, on.userId, (tx) => deleteWebhook(tx, { space: { id: on.spaceId }, webhookId: id, actorId: on.userId })),
    };
  }
  const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 10 });

  it("each event arrives, signed, with its type and data", async () => {
    const h = await hook();
    const started = Date.now();
    const created = await newCard("Webhook-kort");
    const answeredAt = Date.now();
    await poll(() => h.got().length).toBe(1);
    const latency = h.got()[0].at - answeredAt;
    await api("PATCH", `/boards/${boardId}/cards/${created.id}`, { title: "Webhook-kort (ændret)" });
    await api("POST", `/boards/${boardId}/cards/${created.id}/move`, { columnId: columns[1] });
    const activity = await api("POST", "/activities", {
      kind: "meeting",
      title: "Møde om webhooks",
      start: "2014-05",
      area: "overall",
      organisations: "ballerup-kommune",
    });
    const [doc] = await app.db.owner<{ id: string }[]>`select id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    const versionId = await signThroughApproval({
      post,
      owner: app.db.owner,
      docPath: `/s/${spaceId}/docs/${doc.id}`,
      host: "bycirklen",
      parties: [{ tenantId: ballerup.id, admin: "ballerup-kommune" }],
    });
    await poll(() => h.got().length).toBe(5);
    const got = h.got();
    expect(got.every((r) => r.verified)).toBe(true);
    expect(got.map((r) => r.json!.type)).toEqual(["card.created", "card.updated", "card.moved", "activity.added", "document.signed"]);
    for (const r of got) {
      expect(r.json!.spaceId).toBe(spaceId);
      expect(Date.parse(r.json!.timestamp)).toBeGreaterThanOrEqual(started - 1000);
      expect(r.headers).toMatchObject({ "content-type": "application/json", "user-agent": "Twinning-Webhooks/1" });
    }
    const [c, u, m, a, s] = got.map((r) => r.json!.data);
    expect(c.card).toEqual(created);
    expect(u).toMatchObject({ card: { id: created.id, title: "Webhook-kort (ændret)" }, changed: expect.arrayContaining(["title"]) });
    expect(m).toMatchObject({ card: { id: created.id, columnId: columns[1] }, fromColumnId: columns[0] });
    expect(a.activity).toEqual(activity);
    expect(s).toMatchObject({ document: { id: doc.id, status: "signed" }, signature: { versionId }, parties: [ballerup.id] });
    // The deliveries' ids are the webhook-id headers; each was delivered at the first attempt.
    const rows = await h.deliveries();
    expect(rows.map((d) => d.id)).toEqual(got.map((r) => r.id));
    expect(rows.every((d) => d.state === "delivered" && d.attempts === 1 && d.responseStatus === 200 && d.responseBody === "ok")).toBe(true);
    console.log(`webhooks: card.created arrived ${latency} ms after the API answered`);
    await h.remove();
  });

  it("queues nothing for a space without webhooks, an event not subscribed, or a change rolled back", async () => {
    const activitiesOnly = await hook(["activity.added"]);
    const count = async () => (await app.db.owner<{ n: number }[]>`select count(*)::int as n from webhook_deliveries`)[0].n;
    const before = await count();
    // Not subscribed: a card event for a webhook that wants activities only.
    await newCard("Ingen webhook vil have mig");
    // A space of the same host without webhooks.
    const [{ tenantId }] = await app.db.owner<{ tenantId: string }[]>`select host_tenant_id as tenant_id from spaces where id = ${spaceId}`;
    const other = await asUser(app.db.sql, hostId, async (tx) => {
      const space = await createSpace(tx, { hostTenantId: tenantId, title: "Uden webhooks", color: "green", icon: "globe", private: false, actorId: hostId });
      return createBoard(tx, { spaceId: space.id, title: "Tavle", columns: ["A", "B", "C"], actorId: hostId });
    });
    const res = await fetch(`${app.url}/api/v1/spaces/${other.spaceId}/boards/${other.id}/cards`, {
      method: "POST",
      body: JSON.stringify({ title: "Et andet rum" }),
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    // Rolled back: a card made (and its event queued) in a transaction that then fails.
    const all = await hook(["card.created"]);
    const [board] = await app.db.owner<{ id: string; spaceId: string }[]>`select id, space_id from boards where id = ${boardId}`;
    await expect(
      asUser(app.db.sql, hostId, async (tx) => {
        const made = await createCard(tx, { board, title: "Rullet tilbage", description: "", assignees: [], actorId: hostId });
        expect(made.ok).toBe(true);
        const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where webhook_id = ${all.id}`;
        expect(n).toBe(1);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await count()).toBe(before);
    // The receiver saw none of it: a card made after it all arrives, and alone.
    await newCard("Vagtpost");
    await poll(() => all.got().length).toBe(1);
    expect(all.got()[0].json!.data.card.title).toBe("Vagtpost");
    expect(activitiesOnly.got()).toEqual([]);
    await activitiesOnly.remove();
    await all.remove();
  });

  it("a receiver answering 500 twice, then 200: three attempts of one id, delivered, its answer stored", async () => {
    const h = await hook(["card.created"], (n) => (n < 3 ? { status: 500, body: `down ${n}` } : { status: 200, body: "thanks 谢谢" }));
    await newCard("Prøv igen");
    await poll(async () => (await h.deliveries())[0]?.state).toBe("delivered");
    const got = h.got();
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(got.every((r) => r.verified)).toBe(true);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    const [d] = await h.deliveries();
    expect(d).toMatchObject({ id: got[0].id, attempts: 3, responseStatus: 200, responseBody: "thanks 谢谢", lastError: null });
    const gaps = [got[1].at - got[0].at, got[2].at - got[1].at];
    // The schedule's waits, with up to 10 % jitter (and the time to notice).
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_DELAYS[0]);
    expect(gaps[1]).toBeGreaterThanOrEqual(RETRY_DELAYS[1]);
    console.log(`webhooks: retries after 500 came ${gaps.join(" ms and ")} ms apart (schedule ${RETRY_DELAYS.join(", ")} ms)`);
    await h.remove();
  });

  it("a receiver that never answers in time: the error recorded, retried, failed after the last retry; redelivered with the same id", async () => {
    let hang = true;
    const h = await hook(["card.created"], () => (hang ? "hang" : { status: 202, body: "late but fine" }));
    await newCard("Ingen svarer");
    await poll(async () => (await h.deliveries())[0]?.attempts ?? 0).toBeGreaterThanOrEqual(2);
    const [retrying] = await h.deliveries();
    expect(retrying.state === "pending" || retrying.state === "failed").toBe(true);
    expect(retrying.lastError).toBe(`No answer within ${TIMEOUT_MS} ms.`);
    await poll(async () => (await h.deliveries())[0]?.state).toBe("failed");
    const [failed] = await h.deliveries();
    expect(failed).toMatchObject({ attempts: RETRY_DELAYS.length + 1, responseStatus: null, lastError: `No answer within ${TIMEOUT_MS} ms.` });
    expect(h.got()).toHaveLength(RETRY_DELAYS.length + 1);
    // The admin asks for it again: the same id and body, now answered.
    hang = false;
    expect(await asUser(app.db.sql, hostId, (tx) => redeliver(tx, { space: { id: spaceId }, webhookId: h.id, deliveryId: failed.id }))).toBe(true);
    await poll(async () => (await h.deliveries())[0]?.state).toBe("delivered");
    const got = h.got();
    expect(got).toHaveLength(RETRY_DELAYS.length + 2);
    expect(got.at(-1)!.id).toBe(failed.id);
    expect(got.at(-1)!.body).toBe(got[0].body);
    expect(got.at(-1)!.verified).toBe(true);
    expect((await h.deliveries())[0]).toMatchObject({ responseStatus: 202, responseBody: "late but fine", lastError: null });
    await h.remove();
  });

  it("a receiver that always fails: failed after the last retry, with its last answer", async () => {
    const h = await hook(["card.created"], () => ({ status: 503, body: "maintenance" }));
    await newCard("Altid nede");
    await poll(async () => (await h.deliveries())[0]?.state).toBe("failed");
    expect((await h.deliveries())[0]).toMatchObject({ attempts: RETRY_DELAYS.length + 1, responseStatus: 503, responseBody: "maintenance" });
    // Nothing more is sent after it failed.
    const sent = h.got().length;
    await new Promise((r) => setTimeout(r, RETRY_DELAYS.at(-1)! * 2));
    expect(h.got().length).toBe(sent);
    await h.remove();
  });

  it("a paused webhook's queued delivery waits, and is sent once it is resumed", async () => {
    const paused = await hook(["card.created"]);
    const other = await hook(["card.created"]);
    const [board] = await app.db.owner<{ id: string; spaceId: string }[]>`select id, space_id from boards where id = ${boardId}`;
    // Queued while active, paused before the transaction commits: the worker first sees it paused.
    await asUser(app.db.sql, hostId, async (tx) => {
      expect((await createCard(tx, { board, title: "Sat på pause", description: "", assignees: [], actorId: hostId })).ok).toBe(true);
      expect(await setWebhookActive(tx, { space: { id: spaceId }, webhookId: paused.id, active: false, actorId: hostId })).toBe(true);
    });
    // The same card's delivery to the active webhook arrives: the worker claimed past the paused one.
    await poll(() => other.got().length).toBe(1);
    expect(await paused.deliveries()).toMatchObject([{ state: "pending", attempts: 0 }]);
    expect(paused.got()).toEqual([]);
    await asUser(app.db.sql, hostId, (tx) => setWebhookActive(tx, { space: { id: spaceId }, webhookId: paused.id, active: true, actorId: hostId }));
    await poll(async () => (await paused.deliveries())[0]?.state).toBe("delivered");
    expect(paused.got().map((r) => r.json!.data.card.title)).toEqual(["Sat på pause"]);
    await paused.remove();
    await other.remove();
  });

  it("adding, changing, pausing, resuming and removing a webhook on its page are in the space's audit log", async () => {
    const page = `/s/${spaceId}/webhooks`;
    const url = `${receiver.url}/audited`;
    const added = await post("bycirklen", page, { intent: "createWebhook", url, description: "Revideret", events: ["card.created"] });
    expect(added.status).toBe(200);
    const [{ id }] = await app.db.owner<{ id: string }[]>`select id from webhooks where url = ${url}`;
    const steps: [Record<string, string | string[]>, number][] = [
      [{ intent: "updateWebhook", webhookId: id, url, description: "Revideret igen", events: ["card.moved"], active: "on" }, 302],
      [{ intent: "setWebhookActive", webhookId: id, to: "paused" }, 302],
      [{ intent: "setWebhookActive", webhookId: id, to: "active" }, 302],
      [{ intent: "deleteWebhook", webhookId: id }, 302],
    ];
    for (const [body, status] of steps) expect((await post("bycirklen", page, body)).status, String(body.intent)).toBe(status);
    const events = await app.db.owner<{ action: string; actorId: string; url: string }[]>`
      select action, actor_id, details->>'url' as url from audit_events where space_id = ${spaceId} and action like 'webhook.%' and details->>'url' = ${url} order by id`;
    expect(events).toEqual(
      ["webhook.added", "webhook.changed", "webhook.paused", "webhook.resumed", "webhook.removed"].map((action) => ({ action, actorId: hostId, url })),
    );
    const log = await (await fetch(`${app.url}/s/${spaceId}/audit`, { headers: { Cookie: cookie.bycirklen } })).text();
    expect(log).toContain(`Fjernede webhooken til ${url}`);
    expect(log).toContain(`Satte webhooken til ${url} på pause`);
  });

  it("with the guard on (the default), a loopback address is refused and not retried", async () => {
    const guarded = await startTestApp({ WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS.join(",") });
    const { sql, owner } = guarded.db;
    await insertUser(owner, { id: "guard-host", email: "guard-host@example.org", name: "Guard host", passwordHash: "x", locale: "da" });
    const tenant = await asUser(sql, "guard-host", (tx) =>
      createTenant(tx, { name: "Guard", slug: "guard", kind: "municipality", country: "DK", ownerId: "guard-host" }),
    );
    if (!tenant.ok) throw new Error(tenant.error);
    const space = await asUser(sql, "guard-host", (tx) =>
      createSpace(tx, { hostTenantId: tenant.tenant.id, title: "Guarded", color: "blue", icon: "globe", private: false, actorId: "guard-host" }),
    );
    const h = await hook(["card.created"], undefined, { app: guarded, spaceId: space.id, userId: "guard-host" });
    expect(await asUser(sql, "guard-host", (tx) => pingWebhook(tx, { space: { id: space.id }, webhookId: h.id }))).toBe(true);
    await poll(async () => (await h.deliveries())[0]?.state).toBe("failed");
    const [d] = await h.deliveries();
    expect(d).toMatchObject({ event: "ping", attempts: 1, responseStatus: null });
    expect(d.lastError).toMatch(/^Refused: 127\.0\.0\.1 is a private, loopback or otherwise internal address\.$/);
    expect(h.got()).toEqual([]);
  });
});
