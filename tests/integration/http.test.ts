import { beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "@twinning/auth";
import type { RunningApp } from "../../server/app";
import { logInCookie, memoryLogger, startTestApp } from "../helpers/app";

const form = (base: string, body: Record<string, string>, extra: Record<string, string> = {}) => ({
  method: "POST",
  redirect: "manual" as const,
  headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, ...extra },
  body: new URLSearchParams(body),
});

describe("the HTTP server", () => {
  let app: RunningApp;
  let base: string;
  const { log, lines } = memoryLogger();

  beforeAll(async () => {
    app = await startTestApp({}, log);
    base = app.url;
    await app.auth.signUp({ name: "Anna Berg", email: "anna@egedal.dk", password: "egedal-rådhus-2016", locale: "en" });
  });

  it("answers /healthz after checking the database", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("serves the favicon and app icons, and names them in every page's head", async () => {
    const ico = await fetch(`${app.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    const bytes = new Uint8Array(await ico.arrayBuffer());
    // An ICO header (reserved 0, type 1) with two images.
    expect([...bytes.slice(0, 6)]).toEqual([0, 0, 1, 0, 2, 0]);
    const manifest = await (await fetch(`${app.url}/manifest.webmanifest`)).json();
    for (const icon of manifest.icons) expect((await fetch(`${app.url}${icon.src}`)).status, icon.src).toBe(200);
    const page = await (await fetch(`${app.url}/login`)).text();
    expect(page).toContain('<link rel="icon" href="/favicon.ico"');
    expect(page).toContain('<link rel="manifest" href="/manifest.webmanifest"');
  });

  it("names every page in its <title>, in the reader's language", async () => {
    const title = async (path: string, language: string) => (await (await fetch(`${app.url}${path}`, { headers: { "Accept-Language": language } })).text()).match(/<title>([^<]*)<\/title>/)?.[1];
    expect(await title("/login", "en")).toBe("Log in — Twinning");
    expect(await title("/login", "da")).toBe("Log ind — Twinning");
    expect(await title("/login", "zh-CN")).toMatch(/^[^A-Za-z]+ — Twinning$/);
    expect(await title("/no/such/page", "en")).toBe("Page not found — Twinning");
  });

  it("serves a translated 404 page for unknown URLs", async () => {
    const da = await fetch(`${base}/findes/ikke`);
    expect(da.status).toBe(404);
    expect(await da.text()).toContain("Siden blev ikke fundet");
    const zh = await fetch(`${base}/no/such/page`, { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    expect(zh.status).toBe(404);
    const html = await zh.text();
    expect(html).toContain("页面未找到");
    expect(html).toContain('lang="zh-CN"');
  });

  it("sends visitors of protected pages to log in, and back afterwards", async () => {
    const res = await fetch(`${base}/tenants/new`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Ftenants%2Fnew");
  });

  it("refuses state-changing requests from another origin or with no origin (CSRF)", async () => {
    const body = { email: "anna@egedal.dk", password: "egedal-rådhus-2016" };
    const foreign = await fetch(`${base}/login`, form(base, body, { Origin: "https://evil.example" }));
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("set-cookie")).toBeNull();
    const none = await fetch(`${base}/login`, { ...form(base, body), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(none.status).toBe(403);
    expect(await none.text()).toBe("Forespørgslen kom fra et andet websted og blev afvist.");
    const same = await fetch(`${base}/login`, form(base, body));
    expect(same.status).toBe(302);
  });

  it("changes nothing on GET: visiting /logout does not log out", async () => {
    const cookie = await logInCookie(base, "anna@egedal.dk", "egedal-rådhus-2016");
    await fetch(`${base}/logout`, { headers: { Cookie: cookie }, redirect: "manual" });
    const home = await fetch(`${base}/`, { headers: { Cookie: cookie } });
    expect(await home.text()).toContain("Welcome, Anna Berg");
    const out = await fetch(`${base}/logout`, { ...form(base, {}), headers: { Cookie: cookie, Origin: base } });
    expect(out.status).toBe(302);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await (await fetch(`${base}/`, { headers: { Cookie: cookie } })).text()).not.toContain("Anna Berg");
  });

  it("without JavaScript, an invalid form comes back with translated messages and the typed values", async () => {
    const res = await fetch(`${base}/signup`, form(base, { name: "Bo Lund", email: "not-an-email", password: "short" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Skriv en gyldig e-mailadresse");
    expect(html).toContain("Adgangskoden skal være på mindst 8 tegn.");
    expect(html).toContain('value="Bo Lund"');
    expect(html).toContain('value="not-an-email"');
    expect(html).toMatch(/aria-invalid="true"/);
  });

  it("tells a throttled user when to try again", async () => {
    for (let i = 0; i < 10; i++) await fetch(`${base}/login`, form(base, { email: "anna@egedal.dk", password: "wrong-guess" }));
    const res = await fetch(`${base}/login`, form(base, { email: "anna@egedal.dk", password: "egedal-rådhus-2016" }, { "Accept-Language": "en" }));
    expect(res.status).toBe(429);
    expect(await res.text()).toMatch(/Too many attempts. Try again in \d+ minutes./);
  });

  it("uses __Host- prefixed Secure cookies when served over HTTPS", () => {
    const secure = createAuth(app.db.sql, { secure: true });
    expect(secure.cookieName).toBe("__Host-twinning_session");
  });

  it("shows a translated 500 page with an id that is also in the log, never a stack trace", async () => {
    // A separate server whose database goes away under it.
    const memory = memoryLogger();
    const broken = await startTestApp({}, memory.log);
    await broken.auth.signUp({ name: "Chen Jie", email: "chen@wuxi.cn", password: "grand-canal-wuxi", locale: "zh-CN" });
    const cookie = await logInCookie(broken.url, "chen@wuxi.cn", "grand-canal-wuxi");
    await broken.db.sql.end();
    const res = await fetch(`${broken.url}/`, { headers: { Cookie: cookie, "Accept-Language": "zh-CN" } });
    expect(res.status).toBe(500);
    const html = await res.text();
    const id = /错误编号：([0-9a-f-]{36})/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).not.toMatch(/at \w+ \(|node_modules|Error:/);
    expect(memory.lines.some((l) => l.requestId === id && l.level === 50)).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });
});
