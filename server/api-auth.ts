import type { Request } from "express";
import { bearerToken, createApiRateLimiter, hashApiToken, type RateLimitState } from "@twinning/auth";
import type { SessionUser } from "@twinning/auth";
import type { Database } from "@twinning/db";
import { useApiToken, type ApiTokenOwner } from "@twinning/db/api-tokens";
import { LOCALES, type Locale } from "@twinning/domain";
import { negotiateLocale } from "@twinning/i18n";

/** Where the integration API lives: its requests carry bearer tokens and never a session. */
export const API_PATH = "/api/v1/";

export function isApiPath(path: string): boolean {
  return path.toLowerCase().startsWith(API_PATH);
}

/** Who an API request acts for: its token (null: none, unknown, revoked or expired) and the token's rate window. */
export interface ApiRequest {
  token: ApiTokenOwner["token"] | null;
  rate: RateLimitState | null;
}

/**
 * An `/api/v1` request's identity, resolved once before Remix as sessions are for pages: the bearer
 * token's user, or nobody. Cookies are never read here, so a page cannot make the browser act through
 * the API (and the origin check does not apply: server/csrf.ts). Each valid request takes a point of
 * its token's rate window; the problem answers (401, 429) are the API's own (app/lib/api.server.ts).
 */
export function createApiAuth(db: Database, options: { perMinute: number }) {
  const limiter = createApiRateLimiter(db.system, { perMinute: options.perMinute });
  return async function resolve(req: Request): Promise<{ user: SessionUser | null; sessionId: null; locale: Locale; api: ApiRequest }> {
    const locale = negotiateLocale(req.get("accept-language"));
    const secret = bearerToken(req.get("authorization"));
    const found = secret ? await useApiToken(db.system, hashApiToken(secret)) : undefined;
    if (!found) return { user: null, sessionId: null, locale, api: { token: null, rate: null } };
    const userLocale = (LOCALES as readonly string[]).includes(found.user.locale) ? (found.user.locale as Locale) : locale;
    const user: SessionUser = { ...found.user, locale: userLocale };
    return { user, sessionId: null, locale, api: { token: found.token, rate: await limiter.take(found.token.id) } };
  };
}
