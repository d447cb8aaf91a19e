import type { Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { createHttpServer, HTTP_TIMEOUTS } from "./http-server";

/**
 * The HTTP server's timeouts, shortened, on a real server: a request that arrives too slowly (or a
 * connection that sends nothing) is answered 408 and closed; an event stream and an upgraded socket
 * outlive every timeout.
 */
const timeouts = { headersMs: 300, requestMs: 600, keepAliveMs: 200, checkEveryMs: 50 };
let server: Server;
let port: number;

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function start() {
  server = createHttpServer((req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      const tick = setInterval(() => res.write(": tick\n\n"), 100);
      res.on("close", () => clearInterval(tick));
      return;
    }
    req.resume();
    req.on("end", () => res.end("ok"));
  }, timeouts);
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.on("message", (m) => ws.send(m))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
}

/** A raw connection: writes `first`, then `drip` every 100 ms; resolves with the first answer line and when the server closed it. */
function slowClient(first: string, drip?: string): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1", () => first && socket.write(first));
    const timer = drip ? setInterval(() => socket.writable && socket.write(drip), 100) : undefined;
    let answer = "";
    socket.on("data", (d) => (answer += d));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer: answer.split("\r\n")[0], ms: Date.now() - started });
    });
  });
}

describe("the HTTP server's timeouts", () => {
  it("are Twinning's limits by default", () => {
    expect(HTTP_TIMEOUTS).toMatchObject({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });
  });

  it("answer 408 and close a connection whose headers or body arrive too slowly, or that sends nothing", async () => {
    await start();
    const [headers, body, silent] = await Promise.all([
      slowClient("GET / HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n"),
      slowClient("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", "a"),
      slowClient(""),
    ]);
    expect(headers.answer).toBe("HTTP/1.1 408 Request Timeout");
    expect(headers.ms).toBeLessThan(timeouts.headersMs + 500);
    expect(body.answer).toBe("HTTP/1.1 408 Request Timeout");
    expect(body.ms).toBeLessThan(timeouts.requestMs + 500);
    expect(silent.answer).toBe("HTTP/1.1 408 Request Timeout");
  });

  it("close an idle keep-alive connection after the keep-alive timeout", async () => {
    const idle = await slowClient("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(idle.answer).toBe("HTTP/1.1 200 OK");
    // Node adds a second to the keep-alive timeout before it closes the socket.
    expect(idle.ms).toBeLessThan(timeouts.keepAliveMs + 2_000);
  });

  it("do not cut an event stream or an upgraded socket, however long they last", async () => {
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket`);
    await new Promise((resolve) => ws.once("open", resolve));
    let echoes = 0;
    ws.on("message", () => echoes++);
    // Well past the request timeout: both still deliver.
    const until = Date.now() + timeouts.requestMs * 2;
    let chunks = 0;
    while (Date.now() < until) {
      const { done } = await reader.read();
      expect(done).toBe(false);
      chunks++;
      ws.send("ping");
    }
    expect(chunks).toBeGreaterThan(5);
    await expect.poll(() => echoes).toBeGreaterThan(5);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    controller.abort();
  });
});
