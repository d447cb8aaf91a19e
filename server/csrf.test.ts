import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { checkOrigin, type OriginRules } from "./csrf";

const rules: OriginRules = { allowedOrigins: ["https://twinning.example.dk"], trustProxy: false };

function request(headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as IncomingMessage;
}

describe("checkOrigin", () => {
  const host = { host: "localhost:3000" };

  it("accepts this site's own origin, from Origin or else Referer, and configured public origins", () => {
    expect(checkOrigin(request({ ...host, origin: "http://localhost:3000" }), rules).ok).toBe(true);
    expect(checkOrigin(request({ ...host, referer: "http://localhost:3000/s/1?x=2" }), rules).ok).toBe(true);
    expect(checkOrigin(request({ ...host, origin: "https://twinning.example.dk" }), rules).ok).toBe(true);
    // Host names are compared as origins: case and default ports do not matter.
    expect(checkOrigin(request({ host: "LocalHost:80", origin: "http://localhost" }), rules).ok).toBe(true);
    expect(checkOrigin(request({ host: "localhost", origin: "https://localhost" }, true), rules).ok).toBe(true);
  });

  it("refuses other sites, opaque and missing origins, and this host over another scheme", () => {
    const refused = (headers: Record<string, string>, encrypted = false, r = rules) => checkOrigin(request(headers, encrypted), r);
    expect(refused({ ...host, origin: "https://evil.example" })).toEqual({ ok: false, source: "https://evil.example", own: "http://localhost:3000" });
    expect(refused({ ...host, origin: "null" }).ok).toBe(false);
    expect(refused({ ...host }).ok).toBe(false);
    expect(refused({ ...host, referer: "not a url" }).ok).toBe(false);
    // The Origin header wins over a same-site Referer.
    expect(refused({ ...host, origin: "https://evil.example", referer: "http://localhost:3000/" }).ok).toBe(false);
    expect(refused({ ...host, origin: "https://localhost:3000" }).ok).toBe(false);
    expect(refused({ ...host, origin: "http://localhost:3000" }, true).ok).toBe(false);
    expect(refused({ origin: "http://localhost:3000" }).ok).toBe(false);
    expect(refused({ host: "localhost:3000.evil.example", origin: "http://localhost:3000" }).ok).toBe(false);
  });

  it("believes X-Forwarded-Proto only behind a trusted proxy", () => {
    const proxied = request({ ...host, origin: "https://localhost:3000", "x-forwarded-proto": "https, http" });
    expect(checkOrigin(proxied, rules).ok).toBe(false);
    expect(checkOrigin(proxied, { ...rules, trustProxy: true }).ok).toBe(true);
  });
});
