import type { NextFunction, Request, Response } from "express";

/**
 * Refuses a URL PostgreSQL could never match: a NUL character (raw or `%00`) anywhere in the path or
 * query, or a path whose percent-encoding does not decode. PostgreSQL text cannot hold NUL, so such a
 * value reaching a query would fail it with a 500; no page of ours has a use for one. Answered 400
 * with a translated sentence, before any loader runs.
 */
export function refuseUnreadableUrls(message: (req: Request) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (readable(req.originalUrl)) return next();
    req.log?.warn({ url: req.originalUrl.slice(0, 200) }, "unreadable URL refused");
    res.status(400).type("text/plain").send(message(req));
  };
}

function readable(url: string): boolean {
  if (/%00|\0/i.test(url)) return false;
  const q = url.indexOf("?");
  try {
    decodeURIComponent(q < 0 ? url : url.slice(0, q));
    return true;
  } catch {
    return false;
  }
}
