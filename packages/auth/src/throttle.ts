import { createHash } from "node:crypto";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "@twinning/db";

export interface ThrottleOptions {
  /** Failed log-ins allowed for one account from one address within `windowSeconds`: then refused. */
  perAccountAddress?: number;
  /** Failed log-ins allowed from one address (any accounts) within `windowSeconds`: then refused. */
  perAddress?: number;
  /** Failed log-ins of one account (any addresses) after which each further attempt is slowed, never refused. */
  slowAfter?: number;
  /** The delay of the first slowed attempt; it doubles with each further failure, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  windowSeconds?: number;
}

export type Admission =
  | { admitted: false; retryAfterSeconds: number }
  | {
      admitted: true;
      /** How long to wait before checking the password (the account is under attack from many addresses). */
      delayMs: number;
      /** The password was right: gives back the points this attempt took; leaves other addresses' failures counted. */
      succeeded(): Promise<void>;
    };

export interface LoginThrottle {
  /**
   * Counts a log-in attempt before its password is checked, atomically in PostgreSQL, so concurrent
   * attempts all count. Refused when this address has failed too often for this account, or at all.
   */
  admit(email: string, address: string): Promise<Admission>;
}

export const THROTTLE_DEFAULTS = {
  perAccountAddress: 10,
  perAddress: 50,
  slowAfter: 20,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  windowSeconds: 15 * 60,
} as const satisfies Required<ThrottleOptions>;

/**
 * rate-limiter-flexible's RateLimiterPostgres options for our `rate_limits` table (migration 00001) on
 * the system path. The library speaks node-postgres' `query()`; this bridge hands its statements to
 * postgres.js, so no second driver is needed.
 */
export function rateLimitStore(sql: Sql) {
  const storeClient = {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const rows = await sql.unsafe(text, (values ?? []) as never[]);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
  return { storeClient, storeType: "pool", tableName: "rate_limits", tableCreated: true } as const;
}

/**
 * Log-in throttling as OWASP's authentication cheat sheet describes it, stored in PostgreSQL
 * (rate_limits table) so it holds across restarts and instances:
 * - per account *and* address: the lock-out. Someone guessing one account from one address is refused
 *   after a few failures, but cannot lock the account's owner out, who logs in from another address.
 * - per address: one address guessing across many accounts is refused too.
 * - per account: failures from many addresses only slow every attempt down (a growing delay), so a
 *   distributed guesser gains little and the owner still gets in.
 * Every attempt takes its points before the slow password hash, in one `insert … on conflict` each, so
 * 150 concurrent guesses cannot all pass a check made before any of them was counted. A success gives
 * back only its own points: it does not wipe what other addresses did to the account.
 *
 * Keys are hashed: the table holds no e-mail addresses or IP addresses, and an e-mail of
 * 254 characters still fits its key column.
 */
export function createLoginThrottle(sql: Sql, options: ThrottleOptions = {}): LoginThrottle {
  const o = { ...THROTTLE_DEFAULTS, ...options };
  const common = { ...rateLimitStore(sql), duration: o.windowSeconds };
  const pair = new RateLimiterPostgres({ ...common, keyPrefix: "login-account-address", points: o.perAccountAddress });
  const address = new RateLimiterPostgres({ ...common, keyPrefix: "login-address", points: o.perAddress });
  // Counts only; never refuses (its limit is the slow-down threshold, read from consumedPoints).
  const account = new RateLimiterPostgres({ ...common, keyPrefix: "login-account", points: Number.MAX_SAFE_INTEGER });

  const key = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("hex");

  /** consume() rejects with a RateLimiterRes past the limit, and with an Error when the store fails. */
  const consume = (limiter: RateLimiterPostgres, k: string): Promise<{ ok: boolean; res: RateLimiterRes }> =>
    limiter.consume(k).then(
      (res) => ({ ok: true, res }),
      (err: unknown) => {
        if (err instanceof RateLimiterRes) return { ok: false, res: err };
        throw err;
      },
    );

  return {
    async admit(email, addr) {
      const admittedAt = Date.now();
      const pairKey = key(email, addr);
      const addressKey = key(addr);
      const refused = (res: RateLimiterRes) => ({ admitted: false as const, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });
      // In turn: an attempt the pair limit refuses does not also use up the address's allowance.
      const byPair = await consume(pair, pairKey);
      if (!byPair.ok) return refused(byPair.res);
      const byAddress = await consume(address, addressKey);
      if (!byAddress.ok) return refused(byAddress.res);
      const accountKey = key(email);
      const byAccount = await account.consume(accountKey);
      const failures = byAccount.consumedPoints - 1;
      const over = failures - o.slowAfter;
      const delayMs = over < 0 ? 0 : Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(over, 30));
      return {
        admitted: true,
        delayMs,
        async succeeded() {
          // This address proved it knows the password: its failures for the account are forgotten.
          // A point is given back only inside the window that took it (a reward after the window
          // ended would start the next one below zero).
          const giveBack = (limiter: RateLimiterPostgres, k: string, taken: RateLimiterRes) =>
            Date.now() < admittedAt + taken.msBeforeNext ? limiter.reward(k, 1) : null;
          await Promise.all([pair.delete(pairKey), giveBack(address, addressKey, byAddress.res), giveBack(account, accountKey, byAccount)]);
        },
      };
    },
  };
}
