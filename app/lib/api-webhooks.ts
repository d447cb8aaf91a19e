import { z } from "zod";
import { WEBHOOK_EVENTS, type WebhookEvent } from "@twinning/domain";
import { Activity, Card, DocumentMeta } from "~/lib/api-operations";

/**
 * What each webhook event's body holds, in the OpenAPI document's `webhooks` (app/lib/api-spec.ts):
 * the envelope packages/db/src/webhooks.ts writes (`webhookBody`) around the API's own shapes
 * (packages/db/src/public-shapes.ts), so an integration reads a card from a webhook as from the API.
 */

const id = z.string().meta({ format: "uuid" });

const envelope = <T extends z.ZodType>(type: WebhookEvent | "ping", data: T) =>
  z.object({
    type: z.literal(type),
    timestamp: z.string().meta({ format: "date-time", description: "When the event happened (the delivery's own time is in webhook-timestamp)." }),
    spaceId: id,
    data,
  });

export const WEBHOOK_BODIES: Record<WebhookEvent | "ping", { summary: string; body: z.ZodType }> = {
  "card.created": { summary: "A card was created (on a page or through the API).", body: envelope("card.created", z.object({ card: Card })) },
  "card.updated": {
    summary: "A card's fields changed; `changed` names them.",
    body: envelope("card.updated", z.object({ card: Card, changed: z.array(z.string()) })),
  },
  "card.moved": {
    summary: "A card was moved to another place in its column or to another column.",
    body: envelope("card.moved", z.object({ card: Card, fromColumnId: id })),
  },
  "document.signed": {
    summary: "A document was signed: its frozen version and hash, the signer, the parties that approved it.",
    body: envelope(
      "document.signed",
      z.object({
        document: DocumentMeta,
        signature: z.object({
          versionId: id,
          versionName: z.string().nullable(),
          contentHash: z.string().meta({ description: "SHA-256 of the signed text, as the export's signature page shows it." }),
          signedByName: z.string().nullable(),
          signedAt: z.string().meta({ format: "date-time" }).nullable(),
          translations: z
            .array(z.object({ documentId: id, language: z.enum(["da", "en", "zh-CN"]), contentHash: z.string() }))
            .meta({ description: "The translations signed with it: each one's document, language and the SHA-256 of its signed text." }),
        }),
        parties: z.array(id).meta({ description: "Tenant ids of the parties that approved the signed version." }),
      }),
    ),
  },
  "activity.added": { summary: "An activity was added to the space's overview.", body: envelope("activity.added", z.object({ activity: Activity })) },
  ping: { summary: "Sent when an admin asks for a test event.", body: envelope("ping", z.object({ webhookId: id })) },
};

/** Every event a webhook can subscribe to, then ping. */
export const WEBHOOK_NAMES = [...WEBHOOK_EVENTS, "ping"] as const;
