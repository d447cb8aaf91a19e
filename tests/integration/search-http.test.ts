import { beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "@twinning/db";
import { hashPassword } from "@twinning/auth";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";

/**
 * The search routes over HTTP with input that could break something: NUL bytes, a query far past the
 * limit, malformed percent-encoding, unknown filters, tsquery and LIKE syntax — never a 500.
 */
describe("search over HTTP with bad input", () => {
  let app: RunningApp;
  let cookie: string;

  beforeAll(async () => {
    app = await startTestApp();
    await insertUser(app.db.owner, { id: "searcher", email: "searcher@example.org", name: "Searcher", passwordHash: await hashPassword("search-test-password"), locale: "da" });
    cookie = await logInCookie(app.url, "searcher@example.org", "search-test-password");
  });

  const get = (path: string) => fetch(`${app.url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });

  it("answers every odd query without a server error", async () => {
    const queries = [
      "%00",
      "a%00b",
      "%ED%A0%80",
      "%F0%9F",
      "%25_%5C",
      encodeURIComponent("'\"&|!:*()<->"),
      encodeURIComponent("skole:* & !wuxi"),
      encodeURIComponent("无".repeat(1_000)),
      "x".repeat(6_000),
      "%20%20%20",
    ];
    for (const q of queries) {
      for (const path of [`/search?q=${q}`, `/api/search?q=${q}`, `/search?q=${q}&kind=bogus&space=not-a-uuid&tenant=x&from=2020-13-45&to=yesterday`]) {
        const res = await get(path);
        await res.text();
        expect([200, 400], `${path.slice(0, 60)}: ${res.status}`).toContain(res.status);
      }
    }
  });

  it("says when only the first characters were searched, and answers JSON as you type", async () => {
    const page = await (await get(`/search?q=${"skole ".repeat(50)}`)).text();
    expect(page).toContain("Kun de første 100 tegn søges.");
    expect((await (await get("/search?q=skole")).text()).match(/<title>([^<]*)<\/title>/)?.[1]).toBe("Resultater for “skole” — Twinning");
    const res = await get("/api/search?q=skole");
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ hits: [] });
  });

  it("sends those not signed in to log in", async () => {
    const res = await fetch(`${app.url}/api/search?q=x`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});
