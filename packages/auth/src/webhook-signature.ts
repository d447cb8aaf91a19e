import { createHmac, randomBytes } from "node:crypto";

/**
 * Webhook signatures as the Standard Webhooks specification has them (standardwebhooks.com), so a
 * receiver can check ours with any of its libraries: the secret is `whsec_` and base64 of random
 * bytes; each attempt sends `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * — `v1,` and base64 of HMAC-SHA256 over `id.timestamp.body` keyed with the decoded secret.
 */

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A new webhook secret (24 random bytes), shown to the admin once. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString("base64");
}

/** The headers that sign one attempt of a delivery. */
export function webhookSignatureHeaders(secret: string, input: { id: string; body: string; at?: Date }): Record<string, string> {
  const timestamp = String(Math.floor((input.at ?? new Date()).getTime() / 1000));
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), "base64");
  const signature = createHmac("sha256", key).update(`${input.id}.${timestamp}.${input.body}`).digest("base64");
  return { "webhook-id": input.id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}
