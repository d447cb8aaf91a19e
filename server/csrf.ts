import type { NextFunction, Request, Response } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery defence (OWASP: verify the origin with standard headers). A state-changing
 * request must name this site in Origin (or, lacking it, Referer). Nothing changes state on GET.
 */
export function originCheck(allowedOrigins: string[], message: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const source = req.get("origin") ?? originOf(req.get("referer"));
    const own = `${req.protocol}://${req.get("host")}`;
    if (source && (source === own || allowedOrigins.includes(source))) return next();
    req.log?.warn({ origin: source ?? null, own }, "cross-origin request refused");
    res.status(403).type("text/plain").send(message(req));
  };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
