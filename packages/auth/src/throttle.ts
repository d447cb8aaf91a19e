import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "@twinning/db";

export interface ThrottleOptions {
  /** Failed log-ins allowed per account within `windowSeconds`. */
  perAccount?: number;
  /** Failed log-ins allowed per client address within `windowSeconds`. */
  perAddress?: number;
  windowSeconds?: number;
}

export interface LoginThrottle {
  /** Seconds until log-in may be tried again, or 0 when allowed. */
  retryAfter(email: string, address: string): Promise<number>;
  recordFailure(email: string, address: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

/**
 * Log-in throttling per account and per address, stored in PostgreSQL (rate_limits table) so it holds
 * across restarts and instances. rate-limiter-flexible speaks node-postgres' `query()`; a small bridge
 * hands its statements to postgres.js.
 */
export function createLoginThrottle(sql: Sql, options: ThrottleOptions = {}): LoginThrottle {
  const storeClient = {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const rows = await sql.unsafe(text, (values ?? []) as never[]);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
  const duration = options.windowSeconds ?? 15 * 60;
  const common = { storeClient, storeType: "pool", tableName: "rate_limits", tableCreated: true, duration };
  const account = new RateLimiterPostgres({ ...common, keyPrefix: "login-account", points: options.perAccount ?? 10 });
  const address = new RateLimiterPostgres({ ...common, keyPrefix: "login-address", points: options.perAddress ?? 50 });

  const secondsLeft = (res: RateLimiterRes | null, limit: number) =>
    res && res.consumedPoints >= limit ? Math.ceil(res.msBeforeNext / 1000) : 0;

  return {
    async retryAfter(email, addr) {
      const [a, b] = await Promise.all([account.get(email), address.get(addr)]);
      return Math.max(secondsLeft(a, account.points), secondsLeft(b, address.points));
    },
    async recordFailure(email, addr) {
      // consume() rejects with the RateLimiterRes once the limit is passed; the count is what matters.
      await Promise.allSettled([account.consume(email), address.consume(addr)]);
    },
    async recordSuccess(email) {
      await account.delete(email);
    },
  };
}
