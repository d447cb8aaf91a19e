import { beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { RunningApp } from "../../server/app";
import { startTestApp } from "../helpers/app";

/** The one origin rule (server/csrf.ts `checkOrigin`), as forms and /collab upgrades meet it. */
describe("one origin rule for forms and /collab sockets", () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  /** The status the server answers a /collab upgrade with (101 when it opens). */
  function upgrade(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${app.url.replace("http", "ws")}/collab/00000000-0000-4000-8000-000000000000`, { headers });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => (ws.close(), resolve(101)));
      ws.on("error", () => {});
    });
  }

  it("a socket naming no origin, another site, or this host over another scheme is refused before anything else", async () => {
    expect(await upgrade({})).toBe(403);
    expect(await upgrade({ Origin: "https://evil.example" })).toBe(403);
    expect(await upgrade({ Origin: app.url.replace("http:", "https:") })).toBe(403);
    // This site's own origin passes the origin rule; then the missing session answers.
    expect(await upgrade({ Origin: app.url })).toBe(401);
  });

  it("a form names its site by Origin or, lacking it, by Referer", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ email: "nobody@example.org", password: "not-the-password" }),
      });
    expect((await post({ Referer: `${app.url}/login` })).status).not.toBe(403);
    expect((await post({ Referer: "https://evil.example/login" })).status).toBe(403);
    expect((await post({ Origin: "null" })).status).toBe(403);
    expect((await post({ Origin: app.url.replace("http:", "https:") })).status).toBe(403);
  });
});
