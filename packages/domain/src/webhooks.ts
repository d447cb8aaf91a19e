import { z } from "zod";
import { LIMITS } from "./limits";
import { withoutNul } from "./schemas";

/** What a space's webhooks can be told of (a `ping` is sent only when its admin asks for one). */
export const WEBHOOK_EVENTS = ["card.created", "card.moved", "card.updated", "document.signed", "activity.added"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A receiver's URL: http or https, with a host, no credentials in it. */
const webhookUrl = withoutNul(z.string({ error: "required" }).trim().min(1, { error: "required" }).max(LIMITS.webhookUrlLength, { error: "tooLong" })).refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && Boolean(url.hostname) && !url.username && !url.password;
    } catch {
      return false;
    }
  },
  { error: "webhookUrlInvalid" }
);

const webhookFields = {
  url: webhookUrl,
  description: withoutNul(z.string().trim().max(LIMITS.webhookDescriptionLength, { error: "tooLong" }))
    .optional()
    .default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS, { error: "chooseEvents" }), { error: "chooseEvents" }).min(1, { error: "chooseEvents" }),
};

/** A new webhook as the space's webhook page posts it: the URL, a note of what it is for, the events it wants. */
export const createWebhookSchema = z.object({ intent: z.literal("createWebhook"), ...webhookFields });
/** A webhook changed: the same fields, and whether it is paused. */
export const updateWebhookSchema = z.object({
  intent: z.literal("updateWebhook"),
  webhookId: z.uuid(),
  ...webhookFields,
  active: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});
