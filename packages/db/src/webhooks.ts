import { LIMITS, type WebhookEvent } from "@twinning/domain";
import { recordAudit } from "./audit";
import type { Queryable } from "./client";

/**
 * Webhooks of a space and their deliveries (migration 00018). Events are queued in the transaction of
 * the change they tell of (`queueWebhookEvent`, called by the commands themselves), so each is sent
 * exactly when its change commits; the worker (server/webhook-worker.ts) claims due deliveries on the
 * system path and records each attempt here.
 */

export const WEBHOOK_CHANNEL = "twinning_webhooks";

export interface Webhook {
  id: string;
  spaceId: string;
  url: string;
  description: string;
  events: WebhookEvent[];
  active: boolean;
  createdAt: Date;
  createdByName: string | null;
}

export type DeliveryState = "pending" | "delivered" | "failed";

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: WebhookEvent | "ping";
  payload: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  responseBody: string | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** The body every delivery carries: the event, when it happened, its space and its subject (the API's shapes). */
export function webhookBody(event: WebhookEvent | "ping", spaceId: string, data: unknown): string {
  return JSON.stringify({ type: event, timestamp: new Date().toISOString(), spaceId, data });
}

/**
 * Queues `event` for every active webhook of the space that wants it (nothing when there is none).
 * Inside the caller's transaction: rolled back with it, delivered only once it commits.
 */
export async function queueWebhookEvent(tx: Queryable, spaceId: string, event: WebhookEvent, data: unknown): Promise<number> {
  const [{ queued }] = await tx<{ queued: number }[]>`select app_enqueue_webhook(${spaceId}, ${event}, ${webhookBody(event, spaceId, data)}) as queued`;
  return queued;
}

/** A ping to one webhook of the authorised space, so its admin can see the receiver answer. */
export async function pingWebhook(tx: Queryable, input: { space: { id: string }; webhookId: string }): Promise<boolean> {
  const body = webhookBody("ping", input.space.id, { webhookId: input.webhookId });
  const [{ queued }] = await tx<{ queued: number }[]>`
    select app_enqueue_webhook(${input.space.id}, 'ping', ${body}, ${input.webhookId}::uuid) as queued`;
  return queued > 0;
}

export async function findWebhook(sql: Queryable, spaceId: string, webhookId: string): Promise<Webhook | undefined> {
  const [row] = await sql<Webhook[]>`
    select w.id, w.space_id, w.url, w.description, w.events, w.active, w.created_at, u.name as created_by_name
    from webhooks w left join users u on u.id = w.created_by
    where w.id = ${webhookId} and w.space_id = ${spaceId}`;
  return row;
}

export async function createWebhook(
  tx: Queryable,
  input: { space: { id: string }; url: string; description: string; events: WebhookEvent[]; secret: string; actorId: string }
): Promise<{ id: string }> {
  const [row] = await tx<{ id: string }[]>`
    insert into webhooks (space_id, url, description, events, secret, created_by)
    values (${input.space.id}, ${input.url}, ${input.description}, ${input.events}, ${input.secret}, ${input.actorId})
    returning id`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "webhook.added", details: { url: input.url } });
  return row;
}

/** Changes a webhook of the authorised space (its secret stays); false when it is not one of the space's. */
export async function updateWebhook(
  tx: Queryable,
  input: { space: { id: string }; webhookId: string; url: string; description: string; events: WebhookEvent[]; active: boolean; actorId: string }
): Promise<boolean> {
  const rows = await tx`
    update webhooks set url = ${input.url}, description = ${input.description}, events = ${input.events}, active = ${input.active}
    where id = ${input.webhookId} and space_id = ${input.space.id} returning id`;
  if (!rows.length) return false;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "webhook.changed", details: { url: input.url } });
  if (input.active) await wakeWorkers(tx);
  return true;
}

/** Removes a webhook of the authorised space with its deliveries; false when it is not one of the space's. */
export async function deleteWebhook(tx: Queryable, input: { space: { id: string }; webhookId: string; actorId: string }): Promise<boolean> {
  const rows = await tx<{ url: string }[]>`delete from webhooks where id = ${input.webhookId} and space_id = ${input.space.id} returning url`;
  if (!rows.length) return false;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: "webhook.removed", details: { url: rows[0].url } });
  return true;
}

/** A webhook's latest deliveries, newest first. */
export async function deliveriesOf(sql: Queryable, input: { spaceId: string; webhookId: string; limit?: number }): Promise<WebhookDelivery[]> {
  return sql<WebhookDelivery[]>`
    select id, webhook_id, event, payload, state, attempts, next_attempt_at, last_attempt_at, response_status, response_body, last_error, created_at, delivered_at
    from webhook_deliveries where webhook_id = ${input.webhookId} and space_id = ${input.spaceId}
    order by created_at desc limit ${input.limit ?? 50}`;
}

/** Sends a delivery of the authorised space's webhook again, now (the same body and id); false when it is not there. */
export async function redeliver(tx: Queryable, input: { space: { id: string }; webhookId: string; deliveryId: string }): Promise<boolean> {
  const rows = await tx`
    update webhook_deliveries set state = 'pending', next_attempt_at = now(), locked_until = null
    where id = ${input.deliveryId} and webhook_id = ${input.webhookId} and space_id = ${input.space.id} and state <> 'pending'
    returning id`;
  if (rows.length) await wakeWorkers(tx);
  return rows.length > 0;
}

/** Wakes the delivery workers on commit (deliveries became due: redelivered, or their webhook resumed). */
async function wakeWorkers(tx: Queryable): Promise<void> {
  await tx`select pg_notify(${WEBHOOK_CHANNEL}, '')`;
}

/** A delivery claimed by a worker, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  event: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due deliveries of active webhooks for `holdSeconds` (system path): others skip
 * them meanwhile, and a worker that dies holding them only delays them. Counts the attempt. A paused
 * webhook's deliveries wait, and are sent once it is resumed.
 */
export async function claimDeliveries(system: Queryable, input: { limit: number; holdSeconds: number }): Promise<ClaimedDelivery[]> {
  return system<ClaimedDelivery[]>`
    with due as (
      select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where d.state = 'pending' and w.active and d.next_attempt_at <= now() and (d.locked_until is null or d.locked_until < now())
      order by d.next_attempt_at limit ${input.limit}
      for update of d skip locked
    )
    update webhook_deliveries d
    set locked_until = now() + make_interval(secs => ${input.holdSeconds}), attempts = d.attempts + 1, last_attempt_at = now()
    from due, webhooks w
    where d.id = due.id and w.id = d.webhook_id
    returning d.id, d.event, d.payload, d.attempts, w.url, w.secret`;
}

/**
 * Records an attempt's outcome (system path): delivered; or, if it may be tried again, pending until
 * `retryInMs` from now; else failed.
 */
export async function recordAttempt(
  system: Queryable,
  input: { id: string; ok: boolean; status: number | null; body: string | null; error: string | null; retryInMs: number | null }
): Promise<void> {
  const state: DeliveryState = input.ok ? "delivered" : input.retryInMs === null ? "failed" : "pending";
  await system`
    update webhook_deliveries set
      state = ${state}, locked_until = null, response_status = ${input.status},
      response_body = ${input.body === null ? null : input.body.slice(0, 2048)}, last_error = ${input.error === null ? null : input.error.slice(0, 500)},
      next_attempt_at = now() + make_interval(secs => ${(input.retryInMs ?? 0) / 1000}),
      delivered_at = ${input.ok ? system`now()` : null}
    where id = ${input.id}`;
}

/** When the next delivery is due (system path), or null when nothing waits (a paused webhook's wait until it is resumed). */
export async function nextDeliveryDue(system: Queryable): Promise<Date | null> {
  const [row] = await system<{ at: Date | null }[]>`
    select min(greatest(d.next_attempt_at, coalesce(d.locked_until, d.next_attempt_at))) as at
    from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.state = 'pending' and w.active`;
  return row?.at ?? null;
}

export interface WebhookWithLast extends Webhook {
  lastState: DeliveryState | null;
  lastEvent: string | null;
  lastAt: Date | null;
  lastStatus: number | null;
}

/** The space's webhooks, oldest first, each with its latest delivery (none: nulls). */
export async function webhooksWithLastDelivery(sql: Queryable, spaceId: string): Promise<WebhookWithLast[]> {
  return sql<WebhookWithLast[]>`
    select w.id, w.space_id, w.url, w.description, w.events, w.active, w.created_at, u.name as created_by_name,
      d.state as last_state, d.event as last_event, d.created_at as last_at, d.response_status as last_status
    from webhooks w
    left join users u on u.id = w.created_by
    left join lateral (
      select state, event, created_at, response_status from webhook_deliveries
      where webhook_id = w.id and space_id = w.space_id order by created_at desc limit 1
    ) d on true
    where w.space_id = ${spaceId} order by w.created_at, w.id`;
}

export type AddWebhookResult = { ok: true; id: string } | { ok: false; error: "webhookLimit" };

/**
 * Adds a webhook unless the space already has `LIMITS.webhooksPerSpace`. Concurrent adds to one space
 * wait for each other (a transaction-scoped advisory lock), so two at once cannot pass the limit.
 */
export async function addWebhookWithinLimit(
  tx: Queryable,
  input: { space: { id: string }; url: string; description: string; events: WebhookEvent[]; secret: string; actorId: string },
): Promise<AddWebhookResult> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`webhooks:${input.space.id}`}, 0))`;
  const [{ count }] = await tx<{ count: number }[]>`select count(*)::int as count from webhooks where space_id = ${input.space.id}`;
  if (count >= LIMITS.webhooksPerSpace) return { ok: false, error: "webhookLimit" };
  const { id } = await createWebhook(tx, input);
  return { ok: true, id };
}

/** Pauses or resumes a webhook of the authorised space (resumed: what waited is sent); false when it is not one of the space's. */
export async function setWebhookActive(tx: Queryable, input: { space: { id: string }; webhookId: string; active: boolean; actorId: string }): Promise<boolean> {
  const rows = await tx<{ url: string }[]>`update webhooks set active = ${input.active} where id = ${input.webhookId} and space_id = ${input.space.id} returning url`;
  if (!rows.length) return false;
  await recordAudit(tx, { actorId: input.actorId, spaceId: input.space.id, action: input.active ? "webhook.resumed" : "webhook.paused", details: { url: rows[0].url } });
  if (input.active) await wakeWorkers(tx);
  return true;
}
