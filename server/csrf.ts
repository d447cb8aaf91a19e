import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { NextFunction, Request, Response } from "express";
import { isApiPath } from "./api-auth";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What counts as this site, for forms and for `/collab` sockets alike. */
export interface OriginRules {
  /** Public origins accepted besides the request's own (from PUBLIC_URL). */
  allowedOrigins: string[];
  /** Behind a reverse proxy the request's scheme is the first `X-Forwarded-Proto` (TRUST_PROXY=1). */
  trustProxy: boolean;
}

export type OriginVerdict = { ok: true } | { ok: false; source: string | null; own: string | null };

/**
 * The one origin rule of the server, asked by state-changing HTTP requests (cross-site request forgery)
 * and by `/collab` WebSocket upgrades (cross-site WebSocket hijacking). The source is the Origin header,
 * else the Referer's origin; it must be the request's own origin (scheme and Host) or a configured
 * public origin. A request naming no source is refused: browsers send Origin on every WebSocket
 * handshake and every cross-site POST, so only non-browser clients omit it, and they can say who they are.
 */
export function checkOrigin(req: IncomingMessage, rules: OriginRules): OriginVerdict {
  const source = originOf(header(req, "origin")) ?? originOf(header(req, "referer"));
  const own = originOf(`${requestProtocol(req, rules.trustProxy)}://${header(req, "host") ?? ""}`);
  if (source && (source === own || rules.allowedOrigins.includes(source))) return { ok: true };
  return { ok: false, source: source ?? null, own: own ?? null };
}

/**
 * Cross-site request forgery defence (OWASP: verify the origin with standard headers). Every request
 * that is not GET, HEAD or OPTIONS must pass `checkOrigin`, except the bearer-token API's. Nothing
 * changes state on GET.
 */
export function originCheck(rules: OriginRules, message: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // The API reads no cookies (server/api-auth.ts): a forged request from another site carries no
    // bearer token, so it acts for nobody. Integrations send no Origin and must not need one.
    if (isApiPath(req.path)) return next();
    const verdict = checkOrigin(req, rules);
    if (verdict.ok) return next();
    req.log?.warn({ origin: verdict.source, own: verdict.own }, "cross-origin request refused");
    res.status(403).type("text/plain").send(message(req));
  };
}

/** As Express's `req.protocol`: TLS on the socket, or the proxy's word when it is trusted. */
function requestProtocol(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? header(req, "x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  if (forwarded) return forwarded;
  return (req.socket as TLSSocket).encrypted ? "https" : "http";
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The serialised origin of a URL (lower-case, default port dropped), or undefined ("null", garbage). */
function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}
