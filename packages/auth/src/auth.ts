import { PostgresJsAdapter } from "@lucia-auth/adapter-postgresql";
import { Cookie, generateIdFromEntropySize, Lucia, TimeSpan, type DatabaseSession, type DatabaseUser, type Session, type User } from "lucia";
import type { Locale } from "@twinning/domain";
import { announceAccess, endSession, findUserByEmail, findUserById, insertUser, retryLostConnection, setPasswordHash, type Sql } from "@twinning/db";
import { decoyPasswordHash, hashPassword, isCommonPassword, verifyPassword } from "./password";
import { createLoginThrottle, type LoginThrottle, type ThrottleOptions } from "./throttle";

/**
 * Accounts and sessions. Lucia 3 is no longer developed, so nothing outside this module imports it:
 * replacing it means rewriting this file only.
 */

export interface AuthOptions {
  /** Secure cookies with the `__Host-` prefix (production over HTTPS). */
  secure: boolean;
  /** A session unused this long ends (sliding). */
  idleTimeoutMs?: number;
  /** A session ends this long after log-in however much it is used. */
  absoluteTimeoutMs?: number;
  throttle?: ThrottleOptions;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  currentTenantId: string | null;
}

export interface Validated {
  user: SessionUser | null;
  sessionId: string | null;
  /** A Set-Cookie header to send (refreshed or cleared cookie), when needed. */
  setCookie?: string;
}

export type LogInResult =
  | { ok: true; userId: string; setCookie: string }
  | { ok: false; error: "invalidCredentials" }
  | { ok: false; error: "throttled"; retryAfterSeconds: number };

export type ChangePasswordResult =
  | { ok: true; setCookie: string }
  | { ok: false; error: "wrongPassword" | "passwordCommon" }
  | { ok: false; error: "throttled"; retryAfterSeconds: number };

export type SignUpResult = { ok: true; userId: string; setCookie: string } | { ok: false; error: "emailTaken" | "passwordCommon" };

export type Auth = ReturnType<typeof createAuth>;

const HOUR = 3_600_000;

/**
 * Lucia's adapter reads a session and its user with two queries (the whole user row, password hash
 * included); every request and socket upgrade validates a session, so this reads both in one, and
 * of the user only what `getUserAttributes` keeps.
 */
class SessionWithUserAdapter extends PostgresJsAdapter {
  constructor(private readonly rows: { unsafe: (query: string, args: unknown[]) => Promise<Record<string, unknown>[]> }, tables: { user: string; session: string }) {
    super(rows as never, tables);
  }

  override async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    // A read: asked again when its connection was ended under it (the first request after a database restart).
    const [row] = await retryLostConnection(
      () =>
        this.rows.unsafe(
          `select s.user_id, s.expires_at, s.created_at, u.email, u.name, u.locale, u.current_tenant_id
           from sessions s join users u on u.id = s.user_id where s.id = $1`,
          [sessionId],
        ),
      () => true,
    );
    if (!row) return [null, null];
    const { user_id: userId, expires_at: expiresAt, created_at, ...user } = row as { user_id: string; expires_at: Date; created_at: Date };
    return [
      { id: sessionId, userId, expiresAt, attributes: { created_at } },
      { id: userId, attributes: user },
    ];
  }
}

export function createAuth(sql: Sql, options: AuthOptions) {
  const idle = options.idleTimeoutMs ?? 8 * HOUR;
  const absolute = options.absoluteTimeoutMs ?? 7 * 24 * HOUR;
  // The adapter reads snake_case rows; our pool maps columns to camelCase, so map them back here.
  const rawSql = {
    unsafe: async (query: string, args: unknown[]) =>
      (await sql.unsafe(query, args as never[])).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]))
      ),
  };
  const lucia = new Lucia(new SessionWithUserAdapter(rawSql as never, { user: "users", session: "sessions" }), {
    sessionExpiresIn: new TimeSpan(Math.max(1, Math.round(idle / 1000)), "s"),
    sessionCookie: {
      name: options.secure ? "__Host-twinning_session" : "twinning_session",
      // Lucia turns `expires: false` into a 400-day Max-Age; startSession() drops it (see there).
      expires: false,
      attributes: { secure: options.secure, sameSite: "lax" },
    },
    getSessionAttributes: (attributes) => ({ createdAt: new Date((attributes as { created_at: Date }).created_at) }),
    getUserAttributes: (a) => {
      const row = a as unknown as { email: string; name: string; locale: Locale; current_tenant_id: string | null };
      return { email: row.email, name: row.name, locale: row.locale, currentTenantId: row.current_tenant_id };
    },
  });
  const throttle: LoginThrottle = createLoginThrottle(sql, options.throttle);

  const toUser = (user: User): SessionUser => {
    const attrs = user as unknown as SessionUser;
    return { id: user.id, email: attrs.email, name: attrs.name, locale: attrs.locale, currentTenantId: attrs.currentTenantId };
  };

  /**
   * A fresh session id on every log-in (no fixation); returns its cookie. A browser-session cookie
   * (no Max-Age, no Expires): closing the browser ends it, and the server enforces the idle and
   * absolute lifetimes.
   */
  async function startSession(userId: string): Promise<string> {
    const session = await lucia.createSession(userId, {});
    const cookie = lucia.createSessionCookie(session.id);
    return new Cookie(cookie.name, cookie.value, { ...cookie.attributes, maxAge: undefined }).serialize();
  }

  /**
   * The session id from a Cookie header. Lucia's own reader decodes every cookie of the header and
   * throws on one malformed value (a 500 for any page); this one looks only at ours, and only at ids
   * of the shape Lucia makes.
   */
  function readSessionId(cookieHeader: string): string | null {
    for (const part of cookieHeader.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim() !== lucia.sessionCookieName) continue;
      const value = part.slice(eq + 1).trim();
      return /^[a-z0-9]{1,128}$/.test(value) ? value : null;
    }
    return null;
  }

  return {
    cookieName: lucia.sessionCookieName,

    async validate(cookieHeader: string | null): Promise<Validated> {
      const sessionId = readSessionId(cookieHeader ?? "");
      if (!sessionId) return { user: null, sessionId: null };
      const { session, user } = await lucia.validateSession(sessionId);
      // A cookie naming no session is left alone: it opens nothing, and blanking it here would race a
      // response that has just set a new one (a password changed in another tab of this browser).
      if (!session || !user) return { user: null, sessionId: null };
      const createdAt = (session as Session & { createdAt: Date }).createdAt;
      if (Date.now() - createdAt.getTime() > absolute) {
        // This session ends here, now: its cookie is cleared (no other answer can have replaced it yet).
        await endSession(sql, session.id);
        return { user: null, sessionId: null, setCookie: lucia.createBlankSessionCookie().serialize() };
      }
      // Lucia extends a session past half its idle time; the cookie itself carries no expiry.
      return { user: toUser(user), sessionId: session.id };
    },

    async signUp(input: { name: string; email: string; password: string; locale: Locale }): Promise<SignUpResult> {
      if (await isCommonPassword(input.password)) return { ok: false, error: "passwordCommon" };
      const user = await insertUser(sql, {
        id: generateIdFromEntropySize(10),
        email: input.email,
        name: input.name,
        locale: input.locale,
        passwordHash: await hashPassword(input.password),
      });
      if (!user) return { ok: false, error: "emailTaken" };
      return { ok: true, userId: user.id, setCookie: await startSession(user.id) };
    },

    async logIn(input: { email: string; password: string; address: string }): Promise<LogInResult> {
      const email = input.email.toLowerCase();
      // Counted before the password is checked, so concurrent guesses count (see throttle.ts).
      const attempt = await throttle.admit(email, input.address);
      if (!attempt.admitted) return { ok: false, error: "throttled", retryAfterSeconds: attempt.retryAfterSeconds };
      if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
      const user = await findUserByEmail(sql, email);
      const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
      if (!user || !valid) return { ok: false, error: "invalidCredentials" };
      await attempt.succeeded();
      return { ok: true, userId: user.id, setCookie: await startSession(user.id) };
    },

    /** Ends one session; returns the cookie that clears it in the browser. */
    async logOut(sessionId: string | null): Promise<string> {
      // Deleted and announced in one statement: its open sockets and streams close (access watcher).
      if (sessionId) await endSession(sql, sessionId);
      return lucia.createBlankSessionCookie().serialize();
    },

    /**
     * Changes the password, ends every session of the user and starts a new one for this browser. The
     * current password is throttled like a log-in (same counters), so a stolen session cannot guess it.
     */
    async changePassword(input: { userId: string; currentPassword: string; newPassword: string; address: string }): Promise<ChangePasswordResult> {
      const user = await findUserById(sql, input.userId);
      if (!user) return { ok: false, error: "wrongPassword" };
      const attempt = await throttle.admit(user.email, input.address);
      if (!attempt.admitted) return { ok: false, error: "throttled", retryAfterSeconds: attempt.retryAfterSeconds };
      if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) return { ok: false, error: "wrongPassword" };
      await attempt.succeeded();
      if (await isCommonPassword(input.newPassword)) return { ok: false, error: "passwordCommon" };
      await setPasswordHash(sql, user.id, await hashPassword(input.newPassword));
      await lucia.invalidateUserSessions(user.id);
      await announceAccess(sql, { userId: user.id, sessions: true });
      return { ok: true, setCookie: await startSession(user.id) };
    },

    /** Removes expired sessions (run periodically). */
    deleteExpiredSessions: () => lucia.deleteExpiredSessions(),
  };
}
