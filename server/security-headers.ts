import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export interface SecurityHeaderOptions {
  /** `npm run dev`: Vite's dev server injects inline scripts and styles of its own. */
  dev: boolean;
  /** PUBLIC_URL is https: browsers are told to come back over HTTPS only. */
  hsts: boolean;
}

/** A host as a Host header may carry it (name or [IPv6], optional port): anything else is left out of the policy. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of one response. Scripts: this site's files and the inline scripts Remix
 * renders with this response's nonce — never other inline scripts. Styles: this site's stylesheets and
 * elements carrying the nonce (Tiptap injects one `<style>` with it); `style` attributes are allowed,
 * because React's `style=` props rendered on the server (dnd-kit's card transforms, avatar colours),
 * ProseMirror's and the document HTML's table widths are attributes, and an attribute cannot run code.
 * Connections: this site, and its own host over ws:/wss: for `/collab` (and Vite's hot reload in dev).
 * In development Vite's inline scripts and styles carry no nonce, so only there inline is allowed.
 */
export function contentSecurityPolicy({ nonce, host, dev }: { nonce: string; host: string | undefined; dev: boolean }): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  const directives = [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : `script-src 'self' 'nonce-${nonce}'`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    // The offline service worker (public/sw.js).
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/**
 * Security headers on every response — pages, `.data`, static files, `/healthz`, event streams, error
 * pages — set here and nowhere else. Each request gets a fresh nonce in `res.locals.cspNonce`, which the
 * load context hands to `app/entry.server.tsx` for Remix's inline scripts.
 */
export function securityHeaders(options: SecurityHeaderOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy({ nonce, host: req.get("host"), dev: options.dev }));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    // For browsers older than CSP's frame-ancestors.
    res.setHeader("X-Frame-Options", "DENY");
    if (options.hsts) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    next();
  };
}
