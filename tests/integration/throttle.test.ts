import { beforeAll, describe, expect, it } from "vitest";
import { createAuth, createLoginThrottle, THROTTLE_DEFAULTS, type Auth } from "@twinning/auth";
import type { Sql } from "@twinning/db";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";
import { freshDatabase } from "../helpers/db";

/**
 * Log-in throttling over real HTTP and real PostgreSQL: attempts are counted before the password is
 * checked (so a concurrent flood cannot all be checked), per account and address together, and a
 * flood from one address never keeps the account's owner out from another.
 */
describe("log-in throttling", () => {
  let app: RunningApp;
  const password = "egedal-rådhus-2016";

  // The server runs behind one proxy (TRUST_PROXY=1): X-Forwarded-For names the client's address.
  const logIn = (email: string, pw: string, address: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, "X-Forwarded-For": address, ...headers },
      body: new URLSearchParams({ email, password: pw }),
    });

  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: "1" });
    for (const [name, email] of [
      ["Anna Berg", "anna@egedal.dk"],
      ["Bo Lund", "bo@ballerup.dk"],
      ["Li Wei", "li@wuxi.cn"],
    ]) {
      await app.auth.signUp({ name, email, password, locale: "da" });
    }
  });

  it("checks only as many of 150 concurrent wrong passwords as the limit allows, then refuses the rest", async () => {
    const results = await Promise.all(Array.from({ length: 150 }, () => logIn("anna@egedal.dk", "wrong-guess-1", "203.0.113.7")));
    const statuses = results.map((r) => r.status);
    // 400 = the password was checked and was wrong; 429 = refused before any check.
    const checked = statuses.filter((s) => s === 400).length;
    const refused = statuses.filter((s) => s === 429).length;
    console.info(`150 concurrent wrong passwords: ${checked} checked, ${refused} refused`);
    expect(checked).toBe(THROTTLE_DEFAULTS.perAccountAddress);
    expect(refused).toBe(150 - THROTTLE_DEFAULTS.perAccountAddress);
    const refusal = results.find((r) => r.status === 429)!;
    expect(Number(refusal.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refusal.text()).toMatch(/For mange forsøg\. Prøv igen om \d+ (minutter|sekunder)\./);
    // Even the right password is refused from the flooding address…
    expect((await logIn("anna@egedal.dk", password, "203.0.113.7")).status).toBe(429);
    // …while the owner logs in from their own address at once.
    const owner = await logIn("anna@egedal.dk", password, "198.51.100.20");
    expect(owner.status).toBe(302);
    expect(owner.headers.get("set-cookie")).toMatch(/^twinning_session=/);
  });

  it("a flood from one address does not stop the user logging in from another, and the flood stays refused", async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 40 }, () => logIn("bo@ballerup.dk", "not-his-password", "203.0.113.8")));
      expect((await logIn("bo@ballerup.dk", password, `198.51.100.${30 + round}`)).status).toBe(302);
    }
    expect((await logIn("bo@ballerup.dk", password, "203.0.113.8")).status).toBe(429);
  });

  it("one address guessing across many accounts is refused after the per-address limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < THROTTLE_DEFAULTS.perAddress + 3; i++) statuses.push((await logIn(`guess${i}@example.dk`, "some-guess", "203.0.113.9")).status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(THROTTLE_DEFAULTS.perAddress);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    expect((await logIn("li@wuxi.cn", password, "203.0.113.9")).status).toBe(429);
    expect((await logIn("li@wuxi.cn", password, "198.51.100.40")).status).toBe(302);
  });

  it("says when to try again in the user's language", async () => {
    for (let i = 0; i < THROTTLE_DEFAULTS.perAccountAddress; i++) await logIn("li@wuxi.cn", "wrong", "203.0.113.10");
    const en = await logIn("li@wuxi.cn", "wrong", "203.0.113.10", { "Accept-Language": "en" });
    expect(en.status).toBe(429);
    const seconds = Number(en.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(60);
    expect(await en.text()).toContain(`Too many attempts. Try again in ${Math.ceil(seconds / 60)} minutes.`);
    const zh = await logIn("li@wuxi.cn", "wrong", "203.0.113.10", { "Accept-Language": "zh-CN" });
    expect(await zh.text()).toMatch(/尝试次数过多，请在 \d+ 分钟后重试。/);
  });

  it("a password change's current password is throttled too, with the message next to it", async () => {
    await app.auth.signUp({ name: "Eva Holm", email: "eva@egedal.dk", password, locale: "da" });
    const login = await logIn("eva@egedal.dk", password, "198.51.100.60");
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const change = (currentPassword: string) =>
      fetch(`${app.url}/account`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie, "X-Forwarded-For": "203.0.113.20" },
        body: new URLSearchParams({ currentPassword, newPassword: "et-helt-nyt-kodeord" }),
      });
    for (let i = 0; i < THROTTLE_DEFAULTS.perAccountAddress; i++) expect((await change("a-guess")).status).toBe(400);
    const refused = await change(password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/For mange forsøg\. Prøv igen om \d+ minutter\./);
  });

  it("keeps its counts in PostgreSQL under hashed keys (no e-mail or IP address stored)", async () => {
    const rows = await app.db.owner<{ key: string }[]>`select key from rate_limits where key like 'login-%'`;
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) expect(key).toMatch(/^login-[a-z-]+:[0-9a-f]{64}$/);
  });
});

describe("log-in throttling in the auth layer", () => {
  let auth: Auth;
  let sql: Sql;
  const options = { perAccountAddress: 4, perAddress: 50, slowAfter: 6, baseDelayMs: 20, maxDelayMs: 80 };
  const password = "taihu-lake-2016";

  beforeAll(async () => {
    ({ sql } = await freshDatabase());
    auth = createAuth(sql, { secure: false, throttle: options });
    await auth.signUp({ name: "Chen Jie", email: "chen@wuxi.cn", password, locale: "zh-CN" });
    await auth.signUp({ name: "Mette Holm", email: "mette@ballerup.dk", password, locale: "da" });
  });

  it("a success from another address does not wipe the failures counted for the account", async () => {
    for (let i = 0; i < 3; i++) expect(await auth.logIn({ email: "chen@wuxi.cn", password: "wrong", address: "10.9.0.1" })).toEqual({ ok: false, error: "invalidCredentials" });
    expect((await auth.logIn({ email: "chen@wuxi.cn", password, address: "10.9.0.2" })).ok).toBe(true);
    // The guessing address has one failure left, not a fresh allowance.
    expect(await auth.logIn({ email: "chen@wuxi.cn", password: "wrong", address: "10.9.0.1" })).toEqual({ ok: false, error: "invalidCredentials" });
    expect(await auth.logIn({ email: "chen@wuxi.cn", password, address: "10.9.0.1" })).toMatchObject({ ok: false, error: "throttled" });
  });

  it("failures from many addresses slow the account down but never lock its owner out", async () => {
    const throttle = createLoginThrottle(sql, options);
    for (let i = 0; i < 12; i++) {
      expect(await auth.logIn({ email: "mette@ballerup.dk", password: "wrong", address: `10.10.0.${i}` })).toEqual({ ok: false, error: "invalidCredentials" });
    }
    const slowed = await throttle.admit("mette@ballerup.dk", "10.10.1.1");
    expect(slowed).toMatchObject({ admitted: true });
    if (slowed.admitted) expect(slowed.delayMs).toBe(options.maxDelayMs);
    const started = Date.now();
    expect((await auth.logIn({ email: "mette@ballerup.dk", password, address: "10.10.1.2" })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(options.maxDelayMs);
    // The owner's success did not reset what the guessers did: the next attempt is still slowed.
    const still = await throttle.admit("mette@ballerup.dk", "10.10.1.3");
    expect(still.admitted && still.delayMs).toBe(options.maxDelayMs);
  });

  it("the current password of a password change is throttled like a log-in", async () => {
    await auth.signUp({ name: "Jens Lund", email: "jens@egedal.dk", password, locale: "da" });
    const session = await auth.logIn({ email: "jens@egedal.dk", password, address: "10.12.0.1" });
    if (!session.ok) throw new Error("log-in failed");
    const change = (currentPassword: string, address: string) => auth.changePassword({ userId: session.userId, currentPassword, newPassword: "et-helt-nyt-kodeord", address });
    for (let i = 0; i < options.perAccountAddress; i++) expect(await change("guess-it", "10.12.0.2")).toEqual({ ok: false, error: "wrongPassword" });
    expect(await change(password, "10.12.0.2")).toMatchObject({ ok: false, error: "throttled" });
    expect((await change(password, "10.12.0.3")).ok).toBe(true);
  });

  it("an account nobody attacks is not slowed", async () => {
    const throttle = createLoginThrottle(sql, options);
    const first = await throttle.admit("new-person@egedal.dk", "10.11.0.1");
    expect(first).toMatchObject({ admitted: true, delayMs: 0 });
  });
});
