import { createHash } from "node:crypto";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { SessionUser } from "@twinning/auth";
import type { Page, PageRequest, TransactionSql } from "@twinning/db";
import { isUuid, type ActionOf, type SpaceAction } from "@twinning/domain";
import { createI18n } from "@twinning/i18n";
import type { TFunction } from "i18next";
import type { z } from "zod";
import { authorizeBoard, authorizeCard, authorizeDocument, authorizeSpace } from "~/lib/access.server";
import type { Operation } from "~/lib/api-operations";

/**
 * The one module of the integration API's rules: a request acts as its bearer token's user (resolved
 * by server/api-auth.ts; cookies are never read on /api/v1) through the same `authorize()` helpers as
 * every page; a read token cannot write; a token limited to some spaces finds no others; every answer
 * carries the token's RateLimit-* headers; every refusal is an RFC 9457 problem in the language of
 * Accept-Language; GET answers carry an ETag and honour If-None-Match.
 */

export const PROBLEM_TYPE = "https://twinning.test/problems/";

/** A refusal with its status and a translated `detail` (key in `apiProblems`). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    readonly values: Record<string, string | number> = {},
    readonly errors?: { field: string; detail: string }[]
  ) {
    super(key);
  }
}

type Infer<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface ApiCall<O extends Operation> {
  user: SessionUser;
  /** The token's scope and spaces (null: every space its user may open). */
  token: { scope: "read" | "write"; spaceIds: string[] | null };
  tx: TransactionSql;
  t: TFunction;
  params: Infer<O["params"]>;
  query: Infer<O["query"]>;
  body: Infer<O["body"]>;
  /** The space, authorised for `action` and reachable by the token (else a 404, as for a space one cannot see). */
  space(action: SpaceAction): ReturnType<typeof authorizeSpace>;
  document(action: ActionOf<"document">): ReturnType<typeof authorizeDocument>;
  board(action: ActionOf<"board">): ReturnType<typeof authorizeBoard>;
  card(action: ActionOf<"card">): ReturnType<typeof authorizeCard>;
}

type Args = LoaderFunctionArgs | ActionFunctionArgs;

/** A loader or action answering one operation: checks, validation, the handler in one transaction as the token's user, then JSON. */
export function apiRoute<O extends Operation>(operation: O, handler: (call: ApiCall<O>) => Promise<unknown>) {
  return async ({ request, context, params }: Args): Promise<Response> => {
    const { t } = createI18n(context.locale);
    const headers = rateHeaders(context);
    try {
      if (request.method.toLowerCase() !== operation.method && !(request.method === "HEAD" && operation.method === "get")) {
        return problem(t, new ApiProblem(405, "notFound"), headers, { Allow: operation.method.toUpperCase() });
      }
      const token = context.api?.token;
      if (!token || !context.user) throw new ApiProblem(401, "unauthorized");
      const rate = context.api!.rate!;
      if (!rate.allowed) throw new ApiProblem(429, "rateLimited", { seconds: rate.resetSeconds });
      if (operation.method !== "get" && token.scope !== "write") throw new ApiProblem(403, "readOnlyToken");
      const user = context.user;
      // A malformed id is a 404, as an unknown one: ids are checked by the authorise helpers.
      const parsedParams = operation.params ? operation.params.safeParse(params) : { success: true as const, data: {} };
      if (!parsedParams.success) throw new ApiProblem(404, "notFound");
      const url = new URL(request.url);
      const query = validate(t, operation.query, Object.fromEntries(url.searchParams));
      const body = operation.body ? validate(t, operation.body, await readJson(request)) : {};
      const p = parsedParams.data as Record<string, string>;
      const reachable = (spaceId: string | undefined) => {
        if (token.spaceIds && !token.spaceIds.includes(spaceId ?? "")) throw new ApiProblem(404, "notFound");
      };
      const result = await context.tx((tx) =>
        handler({
          user,
          token,
          tx,
          t,
          params: p as never,
          query: query as never,
          body: body as never,
          space: (action) => (reachable(p.spaceId), authorizeSpace(tx, user, p.spaceId, action)),
          document: (action) => (reachable(p.spaceId), authorizeDocument(tx, user, p.spaceId, p.documentId, action)),
          board: (action) => (reachable(p.spaceId), authorizeBoard(tx, user, p.spaceId, p.boardId, action)),
          card: (action) => (reachable(p.spaceId), authorizeCard(tx, user, p, action)),
        })
      );
      return json(request, operation.status, result, headers);
    } catch (error) {
      if (error instanceof ApiProblem) return problem(t, error, headers);
      // The authorise helpers throw the policy's 404 and 403 as Responses.
      if (error instanceof Response && (error.status === 404 || error.status === 403))
        return problem(t, new ApiProblem(error.status, error.status === 404 ? "notFound" : "forbidden"), headers);
      context.log.error({ err: error, operation: operation.operationId }, "API request failed");
      return problem(t, new ApiProblem(500, "error", { id: context.requestId }), headers);
    }
  };
}

/** What each part of a keyset cursor holds (packages/db/src/keyset.ts): an instant as the database wrote it, a position, an id. */
type CursorPart = "instant" | "text" | "uuid";
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const PART_OK: Record<CursorPart, (value: string) => boolean> = {
  // Exactly the form the database writes, and a real day and time (JavaScript reads it back the same).
  instant: (v) => INSTANT.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 23) === v.slice(0, 23),
  text: (v) => v.length > 0 && v.length <= 100,
  uuid: isUuid,
};

/** The page a keyset-paged list should read: after the cursor's key (400 for a cursor of another shape), and how many. */
export function pageRequest(query: { limit?: number; cursor?: string }, shape: CursorPart[], pageSize: number): PageRequest {
  const limit = query.limit ?? pageSize;
  if (!query.cursor) return { after: null, limit };
  let after: unknown;
  try {
    after = JSON.parse(Buffer.from(query.cursor, "base64url").toString());
  } catch {
    throw new ApiProblem(400, "badCursor");
  }
  const ok = Array.isArray(after) && after.length === shape.length && shape.every((part, i) => typeof after[i] === "string" && PART_OK[part](after[i]));
  if (!ok) throw new ApiProblem(400, "badCursor");
  return { after: after as string[], limit };
}

/** A keyset page as the API answers it: the items, and the cursor of the next page. */
export function keysetAnswer<T, U>(page: Page<T>, shape: (item: T) => U) {
  return { items: page.items.map(shape), nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString("base64url") : null };
}

/** The items after `cursor` in a short list loaded whole (a user's spaces, a space's boards, a card's comments), a page of them, and the cursor of the next page (an item's key, opaque to clients). */
export function paginate<T>(items: T[], keyOf: (item: T) => string, query: { limit?: number; cursor?: string }, pageSize: number) {
  let start = 0;
  if (query.cursor) {
    const key = Buffer.from(query.cursor, "base64url").toString();
    const at = items.findIndex((item) => keyOf(item) === key);
    if (at < 0) throw new ApiProblem(400, "badCursor");
    start = at + 1;
  }
  const limit = query.limit ?? pageSize;
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: page, nextCursor: more && page.length ? Buffer.from(keyOf(page[page.length - 1])).toString("base64url") : null };
}

function validate(t: TFunction, schema: z.ZodType | undefined, input: unknown): unknown {
  if (!schema) return {};
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "body", detail: translateIssue(t, issue.message) }));
  throw new ApiProblem(400, "invalid", { fields: errors.map((e) => `${e.field}: ${e.detail}`).join("; ") }, errors);
}

/** The domain's schemas say what is wrong as keys of `errors` (as the forms show them); zod's own messages stay as they are. */
function translateIssue(t: TFunction, message: string): string {
  const [key, values] = message.split("|");
  const known = String(t(`errors.${key}`, { ...(values ? JSON.parse(values) : {}), defaultValue: "" }));
  return known || message;
}

/** The body as JSON (at most 256 KB); anything else is a 400. */
async function readJson(request: Request): Promise<unknown> {
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(request.headers.get("content-type") ?? "")) throw new ApiProblem(400, "badJson");
  const text = await request.text();
  if (text.length > 256 * 1024) throw new ApiProblem(400, "badJson");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiProblem(400, "badJson");
  }
}

function rateHeaders(context: AppLoadContext): Record<string, string> {
  const rate = context.api?.rate;
  if (!rate) return {};
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(rate.limit),
    "RateLimit-Remaining": String(rate.remaining),
    "RateLimit-Reset": String(rate.resetSeconds),
    "RateLimit-Policy": `${rate.limit};w=60`,
  };
  if (!rate.allowed) headers["Retry-After"] = String(rate.resetSeconds);
  return headers;
}

/** JSON with a weak ETag of its bytes; a GET whose If-None-Match names it gets a 304 without a body. */
function json(request: Request, status: number, value: unknown, headers: Record<string, string>): Response {
  const body = JSON.stringify(value);
  const all: Record<string, string> = {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "private, no-cache",
    Vary: "Authorization, Accept-Language",
  };
  if (request.method === "GET" || request.method === "HEAD") {
    const etag = `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    all.ETag = etag;
    const wanted = request.headers.get("if-none-match");
    if (wanted && wanted.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) return new Response(null, { status: 304, headers: all });
  }
  return new Response(body, { status, headers: all });
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

function problem(t: TFunction, p: ApiProblem, headers: Record<string, string>, extra: Record<string, string> = {}): Response {
  const body = {
    type: `${PROBLEM_TYPE}${p.key}`,
    title: TITLES[p.status] ?? "Error",
    status: p.status,
    detail: String(t(`apiProblems.${p.key}`, p.values)),
    ...(p.errors ? { errors: p.errors } : {}),
  };
  const all: Record<string, string> = { ...headers, ...extra, "Content-Type": "application/problem+json; charset=utf-8", "Cache-Control": "no-store" };
  if (p.status === 401) all["WWW-Authenticate"] = 'Bearer realm="twinning"';
  return new Response(JSON.stringify(body), { status: p.status, headers: all });
}

/** Translates a card command's refusal into a problem: a column or card of another board is not there (404); people not taking part are a 409. */
export function cardProblem(t: TFunction, error: string): ApiProblem {
  if (error === "columnGone" || error === "cardNotFound") return new ApiProblem(404, "notFound");
  return new ApiProblem(409, "conflict", { reason: String(t(`errors.${error}`)) });
}
