import { createHash, randomBytes } from "node:crypto";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { rateLimitStore } from "./throttle";

/** Every token starts so: secret scanners and people can tell a Twinning token when they see one. */
export const API_TOKEN_PREFIX = "twn_";

/** A new token: the secret (shown once), its hash (stored) and a prefix to recognise it by. */
export function newApiToken(): { secret: string; hash: string; prefix: string } {
  // 32 random bytes: guessing is hopeless, so one SHA-256 (not a slow password hash) is enough to store it.
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { secret, hash: hashApiToken(secret), prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6) };
}

export function hashApiToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The token of an `Authorization: Bearer …` header, or null when there is none or it is not one of ours. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match && match[1].startsWith(API_TOKEN_PREFIX) && match[1].length <= 100 ? match[1] : null;
}

/** What the `RateLimit-*` headers (IETF draft) say about a token's window after a request. */
export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface ApiRateLimiter {
  take(tokenId: string): Promise<RateLimitState>;
}

/** Requests per token per minute, counted atomically in PostgreSQL (rate_limits), so it holds over instances. */
export function createApiRateLimiter(system: Sql, options: { perMinute?: number } = {}): ApiRateLimiter {
  const points = options.perMinute ?? LIMITS.apiRequestsPerWindow;
  const limiter = new RateLimiterPostgres({ ...rateLimitStore(system), keyPrefix: "api-token", points, duration: 60 });
  const state = (res: RateLimiterRes, allowed: boolean): RateLimitState => ({
    allowed,
    limit: points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });
  return {
    take: (tokenId) =>
      limiter.consume(tokenId).then(
        (res) => state(res, true),
        (err: unknown) => {
          if (err instanceof RateLimiterRes) return state(err, false);
          throw err;
        }
      ),
  };
}
