import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { refuseUpgrade, routeUpgrades, type UpgradeHandler } from "./upgrades";

/**
 * The one upgrade listener on a real http.Server, with raw sockets as clients: every upgrade gets an
 * answer and its socket is closed by the server, whatever the path, however long the handler takes.
 */
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(routes: Record<string, UpgradeHandler>, dev = false, extra?: (server: Server) => void): Promise<number> {
  const server = createServer((_req, res) => res.end("ok"));
  servers.push(server);
  extra?.(server);
  routeUpgrades(server, { routes, dev, deadlineMs: 300, log: pino({ level: "silent" }) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends an upgrade request and never closes its side: resolves with what the server answered once it closed the socket. */
function upgrade(port: number, path: string, protocol?: string): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ""}\r\n`,
      );
    });
    let answer = "";
    socket.on("data", (d) => (answer += d));
    socket.on("error", reject);
    socket.on("close", () => resolve({ answer: answer.split("\r\n")[0], ms: Date.now() - started }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after 3 s; got ${JSON.stringify(answer)}`));
    }, 3_000);
  });
}

describe("routeUpgrades", () => {
  it("refuses an upgrade to a path nobody serves with 404 and closes the socket", async () => {
    const port = await serve({ "/collab/": async (_req, socket) => refuseUpgrade(socket, 403) });
    expect((await upgrade(port, "/nothing-here")).answer).toBe("HTTP/1.1 404 Not Found");
    expect((await upgrade(port, "/")).answer).toBe("HTTP/1.1 404 Not Found");
    expect((await upgrade(port, "/collab/x")).answer).toBe("HTTP/1.1 403 Forbidden");
  });

  it("answers 503 and closes the socket when a handler has not answered by the deadline, and 500 when it fails", async () => {
    let late: AbortSignal | undefined;
    const port = await serve({
      "/stuck/": (_req, _socket, _head, signal) => {
        late = signal;
        return new Promise(() => {});
      },
      "/broken/": async () => {
        throw new Error("database went away");
      },
    });
    const stuck = await upgrade(port, "/stuck/1");
    expect(stuck.answer).toBe("HTTP/1.1 503 Service Unavailable");
    expect(stuck.ms).toBeGreaterThanOrEqual(290);
    // The handler is told, so it will not touch the socket when its check finally returns.
    expect(late?.aborted).toBe(true);
    expect((await upgrade(port, "/broken/1")).answer).toBe("HTTP/1.1 500 Internal Server Error");
  });

  it("in development leaves Vite's hot-reload socket to Vite, and only that", async () => {
    const vite = new WebSocketServer({ noServer: true });
    // What Vite's own listener does on the same server: its subprotocol on the base path.
    const viteListener = (server: Server) =>
      server.on("upgrade", (req: IncomingMessage, socket, head) => {
        if (req.headers["sec-websocket-protocol"] === "vite-hmr" && req.url?.split("?")[0] === "/") vite.handleUpgrade(req, socket, head, (ws) => ws.terminate());
      });
    const dev = await serve({}, true, viteListener);
    expect((await upgrade(dev, "/?token=abc", "vite-hmr")).answer).toBe("HTTP/1.1 101 Switching Protocols");
    expect((await upgrade(dev, "/elsewhere", "vite-hmr")).answer).toBe("HTTP/1.1 404 Not Found");
    expect((await upgrade(dev, "/", "something-else")).answer).toBe("HTTP/1.1 404 Not Found");
    // In production nothing is Vite's.
    const production = await serve({}, false);
    expect((await upgrade(production, "/", "vite-hmr")).answer).toBe("HTTP/1.1 404 Not Found");
  });
});
