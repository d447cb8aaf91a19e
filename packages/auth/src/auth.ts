import { PostgresJsAdapter } from "@lucia-auth/adapter-postgresql";
import { generateIdFromEntropySize, Lucia, TimeSpan, type Session, type User } from "lucia";
import type { Locale } from "@twinning/domain";
import { findUserByEmail, findUserById, insertUser, setPasswordHash, type Sql } from "@twinning/db";
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

export type SignUpResult = { ok: true; userId: string; setCookie: string } | { ok: false; error: "emailTaken" | "passwordCommon" };

export type Auth = ReturnType<typeof createAuth>;

const HOUR = 3_600_000;

export function createAuth(sql: Sql, options: AuthOptions) {
  const idle = options.idleTimeoutMs ?? 8 * HOUR;
  const absolute = options.absoluteTimeoutMs ?? 7 * 24 * HOUR;
  // The adapter reads snake_case rows; our pool maps columns to camelCase, so map them back here.
  const rawSql = {
    unsafe: async (query: string, args: unknown[]) =>
      (await sql.unsafe(query, args as never[])).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v])),
      ),
  };
  const lucia = new Lucia(new PostgresJsAdapter(rawSql as never, { user: "users", session: "sessions" }), {
    sessionExpiresIn: new TimeSpan(Math.max(1, Math.round(idle / 1000)), "s"),
    sessionCookie: {
      name: options.secure ? "__Host-twinning_session" : "twinning_session",
      // A browser-session cookie: closing the browser ends it; the server enforces both lifetimes.
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

  /** A fresh session id on every log-in (no fixation); returns its cookie. */
  async function startSession(userId: string): Promise<string> {
    const session = await lucia.createSession(userId, {});
    return lucia.createSessionCookie(session.id).serialize();
  }

  return {
    cookieName: lucia.sessionCookieName,

    async validate(cookieHeader: string | null): Promise<Validated> {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
      if (!sessionId) return { user: null, sessionId: null };
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session || !user) return { user: null, sessionId: null, setCookie: lucia.createBlankSessionCookie().serialize() };
      const createdAt = (session as Session & { createdAt: Date }).createdAt;
      if (Date.now() - createdAt.getTime() > absolute) {
        await lucia.invalidateSession(session.id);
        return { user: null, sessionId: null, setCookie: lucia.createBlankSessionCookie().serialize() };
      }
      // Lucia extends a session past half its idle time; the cookie itself carries no expiry.
      return { user: toUser(user), sessionId: session.id };
    },

    async signUp(input: { name: string; email: string; password: string; locale: Locale }): Promise<SignUpResult> {
      if (isCommonPassword(input.password)) return { ok: false, error: "passwordCommon" };
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
      const wait = await throttle.retryAfter(email, input.address);
      if (wait > 0) return { ok: false, error: "throttled", retryAfterSeconds: wait };
      const user = await findUserByEmail(sql, email);
      const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
      if (!user || !valid) {
        await throttle.recordFailure(email, input.address);
        return { ok: false, error: "invalidCredentials" };
      }
      await throttle.recordSuccess(email);
      return { ok: true, userId: user.id, setCookie: await startSession(user.id) };
    },

    /** Ends one session; returns the cookie that clears it in the browser. */
    async logOut(sessionId: string | null): Promise<string> {
      if (sessionId) await lucia.invalidateSession(sessionId);
      return lucia.createBlankSessionCookie().serialize();
    },

    /** Changes the password, ends every session of the user and starts a new one for this browser. */
    async changePassword(input: { userId: string; currentPassword: string; newPassword: string }) {
      const user = await findUserById(sql, input.userId);
      if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) return { ok: false as const, error: "wrongPassword" as const };
      if (isCommonPassword(input.newPassword)) return { ok: false as const, error: "passwordCommon" as const };
      await setPasswordHash(sql, user.id, await hashPassword(input.newPassword));
      await lucia.invalidateUserSessions(user.id);
      return { ok: true as const, setCookie: await startSession(user.id) };
    },

    /** Removes expired sessions (run periodically). */
    deleteExpiredSessions: () => lucia.deleteExpiredSessions(),
  };
}
