import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { OPERATIONS, Problem, type Operation } from "~/lib/api-operations";
import { WEBHOOK_BODIES, WEBHOOK_NAMES } from "~/lib/api-webhooks";

const PROBLEMS: Record<number, string> = {
  400: "The request is not valid (each field's problem in `errors`).",
  401: "No valid token: missing, unknown, revoked or expired.",
  403: "The token is read only, or its user may not do this.",
  404: "Not there, or not visible to the token's user (a malformed id too).",
  409: "Cannot be done now (e.g. an assignee who does not take part).",
  429: "Too many requests with this token (see Retry-After).",
};
const RATE_HEADERS = {
  "RateLimit-Limit": { description: "Requests allowed per window", schema: { type: "integer" as const } },
  "RateLimit-Remaining": { description: "Requests left in this window", schema: { type: "integer" as const } },
  "RateLimit-Reset": { description: "Seconds until the window ends", schema: { type: "integer" as const } },
};

let cached: object | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated from the schemas the routes validate with. */
export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A personal API token (twn_…) from account settings.",
  });
  for (const o of Object.values(OPERATIONS) as Operation[]) {
    const problems = Object.fromEntries(
      Object.entries(PROBLEMS)
        .filter(([status]) => (status === "400" ? o.body || o.query : status === "409" ? o.body : true))
        .map(([status, description]) => [status, { description, content: { "application/problem+json": { schema: Problem } } }])
    );
    registry.registerPath({
      operationId: o.operationId,
      method: o.method,
      path: `/api/v1${o.path}`,
      summary: o.summary,
      tags: [o.tag],
      security: [{ [bearer.name]: [] }],
      request: {
        ...(o.params ? { params: o.params } : {}),
        ...(o.query ? { query: o.query } : {}),
        ...(o.body ? { body: { required: true, content: { "application/json": { schema: o.body } } } } : {}),
      },
      responses: {
        [o.status]: {
          description: o.method === "get" ? "OK (with an ETag; If-None-Match answers 304)" : "Done",
          headers: RATE_HEADERS,
          content: { "application/json": { schema: o.response } },
        },
        ...(o.method === "get" ? { 304: { description: "Not modified since the ETag given in If-None-Match" } } : {}),
        ...problems,
      },
    });
  }
  for (const name of WEBHOOK_NAMES) {
    const { summary, body } = WEBHOOK_BODIES[name];
    registry.registerWebhook({
      method: "post",
      path: name,
      summary,
      tags: ["Webhooks"],
      request: {
        headers: z.object({
          "webhook-id": z.string().meta({ description: "The delivery's id: the same on every retry, so a receiver can skip one it has seen." }),
          "webhook-timestamp": z.string().meta({ description: "Unix seconds of this attempt; refuse old ones (e.g. over 5 minutes)." }),
          "webhook-signature": z.string().meta({ description: "`v1,` and base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the secret's bytes after `whsec_` (Standard Webhooks)." }),
        }),
        body: { required: true, content: { "application/json": { schema: body } } },
      },
      responses: { 200: { description: "Any 2xx within 10 s: delivered. Anything else is retried with backoff (10 s … 6 h, 8 attempts in all)." } },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Twinning API",
      version: "1.0.0",
      description:
        "Pull documents, cards and activities out of Twinning and push cards in. Every request acts as the user of its bearer token, with no more access than that user has, limited to the token's spaces. Errors are RFC 9457 problem details whose `detail` follows Accept-Language (da, en, zh-CN).",
    },
    servers: [{ url: "/" }],
    security: [{ [bearer.name]: [] }],
  });
  return cached;
}
