import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request a test receiver got, with whether its signature verified (by the `standardwebhooks` package). */
export interface Received {
  path: string;
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; spaceId: string; data: Record<string, any> } | null;
  verified: boolean;
  at: number;
}

/** How a path answers its `n`th request (1-based): a status and body, or `"hang"` (never answers). */
export type Answer = (n: number) => { status: number; body?: string } | "hang";

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** A path this receiver verifies with `secret` and answers with `answer` (default 200 "ok"). */
  route(path: string, secret: string, answer?: Answer): void;
  of(path: string): Received[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback (node:http), on `port` or a free one. */
export async function startReceiver(port = 0): Promise<Receiver> {
  const routes = new Map<string, { secret: string; answer: Answer; count: number }>();
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const route = routes.get(path);
      let verified = false;
      let json: Received["json"] = null;
      try {
        json = new Webhook(route?.secret ?? "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA").verify(body, req.headers as Record<string, string>) as Received["json"];
        verified = Boolean(route);
      } catch {
        verified = false;
      }
      received.push({ path, id: String(req.headers["webhook-id"]), headers: req.headers, body, json, verified, at: Date.now() });
      const answer = route ? route.answer(++route.count) : { status: 404, body: "no such hook" };
      if (answer === "hang") return;
      res.writeHead(answer.status, { "Content-Type": "text/plain" }).end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    route: (path, secret, answer = () => ({ status: 200, body: "ok" })) => void routes.set(path, { secret, answer, count: 0 }),
    of: (path) => received.filter((r) => r.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
