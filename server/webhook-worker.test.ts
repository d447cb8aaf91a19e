import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "@twinning/auth";
import { isPublicAddress, send } from "./webhook-worker";

/**
 * One attempt (`send`) against a real receiver on loopback, and the address guard: literal internal
 * addresses and names that resolve to them are refused before anything is sent, unless allowed.
 */
let server: Server;
let port: number;
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ headers: req.headers, body });
      if (req.url === "/redirect") return res.writeHead(302, { Location: "/ok" }).end();
      if (req.url === "/big") return res.writeHead(200).end("x".repeat(10_000));
      if (req.url === "/nul") return res.writeHead(500).end("bad\u0000byte");
      if (req.url === "/slow") return; // never answers
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const delivery = (path: string, host = "127.0.0.1") => ({
  id: "d-1",
  payload: '{"type":"ping"}',
  url: `http://${host}:${port}${path}`,
  secret: newWebhookSecret(),
});
const allowed = { timeoutMs: 1_000, allowPrivate: true };
const guarded = { timeoutMs: 1_000, allowPrivate: false };

describe("the address guard", () => {
  it("tells public addresses from internal ones", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"]) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      "127.0.0.1",
      "127.1.2.3",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12:3456::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "not an address",
    ])
      expect(isPublicAddress(a), a).toBe(false);
  });

  it("refuses a literal loopback address, without connecting, and does not retry", async () => {
    const before = seen.length;
    const outcome = await send(delivery("/ok"), guarded);
    expect(outcome).toMatchObject({ ok: false, status: null, retry: false });
    expect(outcome.error).toMatch(/127\.0\.0\.1.*internal/);
    expect((await send(delivery("/ok", "[::1]"), guarded)).error).toMatch(/::1/);
    expect(seen.length).toBe(before);
  });

  it("refuses a name that resolves to loopback (checked on the address connected to)", async () => {
    const before = seen.length;
    const outcome = await send(delivery("/ok", "localhost"), guarded);
    expect(outcome).toMatchObject({ ok: false, status: null, retry: false });
    expect(outcome.error).toMatch(/Refused: .*(127\.0\.0\.1|::1)/);
    expect(seen.length).toBe(before);
  });
});

describe("one attempt", () => {
  it("posts the body with the headers, and a 2xx is delivered", async () => {
    const outcome = await send(delivery("/ok", "localhost"), allowed);
    expect(outcome).toEqual({ ok: true, status: 204, body: "", error: null, retry: true });
    const last = seen.at(-1)!;
    expect(last.body).toBe('{"type":"ping"}');
    expect(last.headers).toMatchObject({ "content-type": "application/json", "user-agent": "Twinning-Webhooks/1", "webhook-id": "d-1" });
    expect(last.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("does not follow a redirect; keeps the first 2 KB of a body; stores no NUL", async () => {
    expect(await send(delivery("/redirect"), allowed)).toMatchObject({ ok: false, status: 302, retry: true });
    const big = await send(delivery("/big"), allowed);
    expect(big).toMatchObject({ ok: true, status: 200 });
    expect(big.body).toHaveLength(2048);
    const nul = await send(delivery("/nul"), allowed);
    expect(nul).toMatchObject({ ok: false, status: 500, body: "bad\uFFFDbyte" });
  });

  it("a receiver that does not answer in time, and a closed port, are errors to retry", async () => {
    const started = Date.now();
    const slow = await send(delivery("/slow"), { timeoutMs: 300, allowPrivate: true });
    expect(slow).toMatchObject({ ok: false, status: null, retry: true, error: "No answer within 300 ms." });
    expect(Date.now() - started).toBeLessThan(1_000);
    const closed = await send({ ...delivery("/"), url: "http://127.0.0.1:1/" }, allowed);
    expect(closed).toMatchObject({ ok: false, status: null, retry: true });
    expect(closed.error).toMatch(/ECONNREFUSED/);
  });
});
