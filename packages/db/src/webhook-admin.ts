import { LIMITS, type WebhookEvent } from "@twinning/domain";
import type { Queryable } from "./client";
import { createWebhook, type DeliveryState, type Webhook } from "./webhooks";

/**
 * What the webhook pages of a space's host admins need beyond the data layer (./webhooks.ts): the
 * list with each webhook's latest delivery, a new webhook within the space's limit, pause and resume.
 * Everything runs in the admin's transaction, so row-level security has the last word.
 */

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

/** Pauses or resumes a webhook of the authorised space; false when it is not one of the space's. */
export async function setWebhookActive(tx: Queryable, input: { space: { id: string }; webhookId: string; active: boolean }): Promise<boolean> {
  const rows = await tx`update webhooks set active = ${input.active} where id = ${input.webhookId} and space_id = ${input.space.id} returning id`;
  return rows.length > 0;
}
