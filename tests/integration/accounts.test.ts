import { beforeAll, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "@twinning/auth";
import type { Sql } from "@twinning/db";
import { freshDatabase } from "../helpers/db";

const cookieValue = (setCookie: string) => setCookie.split(";")[0];

describe("accounts and sessions", () => {
  let sql: Sql;
  let auth: Auth;

  beforeAll(async () => {
    ({ sql } = await freshDatabase());
    auth = createAuth(sql, { secure: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3_600_000, throttle: { perAccountAddress: 3, perAddress: 5 } });
  });

  it("signs up, keeps the session in PostgreSQL, and logs out", async () => {
    const signUp = await auth.signUp({ name: "Mette Holm", email: "Mette@Ballerup.dk", password: "vandtårn-ved-søen", locale: "da" });
    expect(signUp.ok).toBe(true);
    if (!signUp.ok) return;
    expect(signUp.setCookie).toMatch(/^twinning_session=\w+; .*HttpOnly/);
    expect(signUp.setCookie).toContain("SameSite=Lax");
    const validated = await auth.validate(cookieValue(signUp.setCookie));
    expect(validated.user).toMatchObject({ email: "mette@ballerup.dk", name: "Mette Holm", locale: "da" });
    const [stored] = await sql`select count(*)::int as n from sessions where user_id = ${signUp.userId}`;
    expect(stored.n).toBe(1);
    await auth.logOut(validated.sessionId);
    expect((await auth.validate(cookieValue(signUp.setCookie))).user).toBeNull();
  });

  it("sets a browser-session cookie (no Max-Age, no Expires), read even beside malformed cookies", async () => {
    const login = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.9" });
    if (!login.ok) throw new Error("log-in failed");
    expect(login.setCookie).not.toMatch(/max-age|expires/i);
    expect(login.setCookie).toMatch(/; Path=\/;|; Path=\/$/);
    const session = cookieValue(login.setCookie);
    // A malformed cookie of someone else's (or a broken language cookie) beside ours changes nothing.
    expect((await auth.validate(`twinning_lng=%E0%A4%A; ${session}; other=%%`)).user?.email).toBe("mette@ballerup.dk");
    expect((await auth.validate("twinning_session=%E0%A4%A")).user).toBeNull();
    expect((await auth.validate("twinning_session=../../etc")).user).toBeNull();
  });

  it("refuses a taken e-mail (in any case) and a common password", async () => {
    expect(await auth.signUp({ name: "X", email: "METTE@ballerup.dk", password: "another-long-one", locale: "da" })).toEqual({ ok: false, error: "emailTaken" });
    expect(await auth.signUp({ name: "Y", email: "y@egedal.dk", password: "password1", locale: "da" })).toEqual({ ok: false, error: "passwordCommon" });
    const [row] = await sql`select count(*)::int as n from users where email = 'y@egedal.dk'`;
    expect(row.n).toBe(0);
  });

  it("stores passwords as argon2id with 19 MiB, t=2, p=1", async () => {
    const [row] = await sql`select password_hash from users where email = 'mette@ballerup.dk'`;
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("gives every log-in a new session id (no fixation) and rejects wrong passwords", async () => {
    const first = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.1" });
    const second = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.1" });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(cookieValue(first.setCookie)).not.toBe(cookieValue(second.setCookie));
    expect(await auth.logIn({ email: "mette@ballerup.dk", password: "wrong-password", address: "10.0.0.1" })).toEqual({ ok: false, error: "invalidCredentials" });
    expect(await auth.logIn({ email: "nobody@nowhere.dk", password: "whatever-it-is", address: "10.0.0.1" })).toEqual({ ok: false, error: "invalidCredentials" });
  });

  it("ends a session after the idle timeout", async () => {
    const login = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.2" });
    if (!login.ok) throw new Error("log-in failed");
    const cookie = cookieValue(login.setCookie);
    const { sessionId } = await auth.validate(cookie);
    // Idle: the sliding expiry has passed.
    await sql`update sessions set expires_at = now() - interval '1 second' where id = ${sessionId}`;
    expect((await auth.validate(cookie)).user).toBeNull();
    expect((await sql`select 1 from sessions where id = ${sessionId}`).length).toBe(0);
  });

  it("ends a session after the absolute lifetime even while it is being used", async () => {
    const login = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.3" });
    if (!login.ok) throw new Error("log-in failed");
    const cookie = cookieValue(login.setCookie);
    const { sessionId } = await auth.validate(cookie);
    await sql`update sessions set created_at = now() - interval '11 hours' where id = ${sessionId}`;
    expect((await auth.validate(cookie)).user).not.toBeNull();
    await sql`update sessions set created_at = now() - interval '13 hours', expires_at = now() + interval '20 minutes' where id = ${sessionId}`;
    const ended = await auth.validate(cookie);
    expect(ended.user).toBeNull();
    expect(ended.setCookie).toMatch(/Max-Age=0/);
  });

  it("ends every session of the user when the password changes", async () => {
    const a = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.4" });
    const b = await auth.logIn({ email: "mette@ballerup.dk", password: "vandtårn-ved-søen", address: "10.0.0.4" });
    if (!a.ok || !b.ok) throw new Error("log-in failed");
    expect(await auth.changePassword({ userId: a.userId, currentPassword: "not-it-at-all", newPassword: "ny-adgangskode-2026", address: "10.0.0.4" })).toEqual({ ok: false, error: "wrongPassword" });
    const changed = await auth.changePassword({ userId: a.userId, currentPassword: "vandtårn-ved-søen", newPassword: "ny-adgangskode-2026", address: "10.0.0.4" });
    expect(changed.ok).toBe(true);
    expect((await auth.validate(cookieValue(a.setCookie))).user).toBeNull();
    expect((await auth.validate(cookieValue(b.setCookie))).user).toBeNull();
    if (changed.ok) expect((await auth.validate(cookieValue(changed.setCookie))).user?.email).toBe("mette@ballerup.dk");
    expect((await auth.logIn({ email: "mette@ballerup.dk", password: "ny-adgangskode-2026", address: "10.0.0.4" })).ok).toBe(true);
  });

  it("throttles log-in per account and address, even with the right password, and per address", async () => {
    await auth.signUp({ name: "Li Wei", email: "li@wuxi.cn", password: "taihu-lake-2016", locale: "zh-CN" });
    for (let i = 0; i < 3; i++) await auth.logIn({ email: "li@wuxi.cn", password: "bad", address: "10.1.0.1" });
    const blocked = await auth.logIn({ email: "li@wuxi.cn", password: "taihu-lake-2016", address: "10.1.0.1" });
    expect(blocked).toMatchObject({ ok: false, error: "throttled" });
    if (!blocked.ok && blocked.error === "throttled") expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    // The guesser cannot lock the owner out: from another address the right password works.
    expect((await auth.logIn({ email: "li@wuxi.cn", password: "taihu-lake-2016", address: "10.1.0.99" })).ok).toBe(true);
    // Another account is unaffected from a fresh address…
    expect((await auth.logIn({ email: "mette@ballerup.dk", password: "ny-adgangskode-2026", address: "10.2.0.1" })).ok).toBe(true);
    // …but one address guessing across many accounts is stopped too.
    for (let i = 0; i < 5; i++) await auth.logIn({ email: `guess${i}@example.dk`, password: "bad", address: "10.3.0.1" });
    expect(await auth.logIn({ email: "mette@ballerup.dk", password: "ny-adgangskode-2026", address: "10.3.0.1" })).toMatchObject({ error: "throttled" });
    // The counters live in PostgreSQL (shared by instances, kept across restarts).
    const [row] = await sql`select count(*)::int as n from rate_limits where key like 'login-%'`;
    expect(row.n).toBeGreaterThan(0);
  });
});
