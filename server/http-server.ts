import { createServer, type RequestListener, type Server } from "node:http";
import { LIMITS } from "@twinning/domain";

/** The HTTP server's timeouts (milliseconds). */
export interface HttpTimeouts {
  /** All request headers must arrive within this (slow-header attacks; a connection sending nothing too). */
  headersMs: number;
  /** The whole request, headers and body, within this. Responses are not limited: event streams stay open. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often the two above are checked (Node's default, 30 s, would let a slow request live 40 s). */
  checkEveryMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: LIMITS.httpHeadersTimeoutMs,
  requestMs: LIMITS.httpRequestTimeoutMs,
  keepAliveMs: LIMITS.httpKeepAliveTimeoutMs,
  checkEveryMs: 1_000,
};

/**
 * The app's HTTP server with its timeouts. They bound how long a request may take to *arrive*, not
 * how long its response lasts, so server-sent event streams (long responses) and upgraded sockets
 * (`/collab`, no longer HTTP once upgraded) are not cut by them.
 */
export function createHttpServer(listener: RequestListener, timeouts: HttpTimeouts = HTTP_TIMEOUTS): Server {
  const server = createServer(
    { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    listener,
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  return server;
}
