import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";

/** The headers every response carries, set in one place (server/security-headers.ts). */
describe("security headers", () => {
  let app: RunningApp;
  let page: Response;
  let html: string;

  beforeAll(async () => {
    app = await startTestApp();
    page = await fetch(`${app.url}/login`);
    html = await page.text();
  });

  /** The fixed headers, each exactly once (a second copy would read "nosniff, nosniff"). */
  function expectHeaders(res: Response, what: string) {
    expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
    expect(res.headers.get("referrer-policy"), what).toBe("same-origin");
    expect(res.headers.get("x-frame-options"), what).toBe("DENY");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'(;|$)/);
    expect(csp, what).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get("strict-transport-security"), `${what} over http without an https PUBLIC_URL`).toBeNull();
  }

  it("on pages, whose every inline script carries the response's nonce, fresh each time", async () => {
    expect(page.status).toBe(200);
    expectHeaders(page, "page");
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain(`connect-src 'self' ws://${new URL(app.url).host} wss://${new URL(app.url).host}`);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${app.url}/login`);
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("on .data requests, static files, /healthz, event streams and 404 pages", async () => {
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const responses: [string, string][] = [
      ["single fetch", "/login.data"],
      ["static asset", asset!],
      ["public file (service worker)", "/sw.js"],
      ["health check", "/healthz"],
      ["event stream route", "/s/00000000-0000-4000-8000-000000000000/events"],
      ["404 page", "/no/such/page"],
    ];
    for (const [what, path] of responses) {
      const res = await fetch(`${app.url}${path}`, { redirect: "manual" });
      if (what !== "404 page" && what !== "event stream route") expect(res.status, what).toBe(200);
      if (what === "404 page") expect(res.status).toBe(404);
      expectHeaders(res, what);
      await res.body?.cancel();
    }
  });

  it("with an https PUBLIC_URL: HSTS, also on the last-resort 500 page", async () => {
    const secure = await startTestApp({ PUBLIC_URL: "https://twinning.example.dk" });
    const res = await fetch(`${secure.url}/healthz`);
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    // The database goes away: the error page comes from server/error-page.ts, not from Remix.
    await secure.auth.signUp({ name: "Chen Jie", email: "chen@wuxi.cn", password: "grand-canal-wuxi", locale: "zh-CN" });
    const cookie = await logInCookie(secure.url, "chen@wuxi.cn", "grand-canal-wuxi");
    await secure.db.sql.end();
    const broken = await fetch(`${secure.url}/`, { headers: { Cookie: cookie } });
    expect(broken.status).toBe(500);
    expect(broken.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(broken.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
