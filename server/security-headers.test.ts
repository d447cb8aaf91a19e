import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./security-headers";

describe("contentSecurityPolicy", () => {
  it("allows inline scripts only by nonce in production, and only in dev without one", () => {
    const production = contentSecurityPolicy({ nonce: "abc", host: "localhost:3000", dev: false });
    expect(production).toContain("script-src 'self' 'nonce-abc';");
    expect(production).not.toContain("unsafe-eval");
    expect(production).not.toMatch(/script-src[^;]*unsafe-inline/);
    const dev = contentSecurityPolicy({ nonce: "abc", host: "localhost:3000", dev: true });
    expect(dev).toContain("script-src 'self' 'unsafe-inline';");
  });

  it("puts only a well-formed Host into connect-src: a header cannot add directives", () => {
    expect(contentSecurityPolicy({ nonce: "n", host: "[::1]:3000", dev: false })).toContain("connect-src 'self' ws://[::1]:3000 wss://[::1]:3000;");
    const forged = contentSecurityPolicy({ nonce: "n", host: "evil.example; script-src *", dev: false });
    expect(forged).toContain("connect-src 'self';");
    expect(forged).not.toContain("evil.example");
    expect(contentSecurityPolicy({ nonce: "n", host: undefined, dev: false })).toContain("connect-src 'self';");
  });
});
