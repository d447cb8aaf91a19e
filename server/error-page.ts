import type { ErrorRequestHandler } from "express";
import { negotiateLocale, createI18n } from "@twinning/i18n";
import type { Locale } from "@twinning/domain";

/**
 * The last resort for errors outside Remix's own boundaries (e.g. the database gone while the session
 * is read): logged with the request id, answered with a translated 500 page showing that id — never a
 * stack trace.
 */
export const errorPage: ErrorRequestHandler = (error, req, res, _next) => {
  const requestId = String(req.id ?? "");
  req.log?.error({ err: error, requestId }, "unexpected error");
  if (res.headersSent) return res.end();
  const locale: Locale = res.locals.twinning?.locale ?? negotiateLocale(req.get("accept-language"));
  const { t } = createI18n(locale);
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res
    .status(500)
    .type("html")
    .send(
      `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escape(t("errors.errorTitle"))} — Twinning</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330">` +
        `<main><h1>${escape(t("errors.errorTitle"))}</h1><p>${escape(t("errors.errorText"))}</p>` +
        `<p>${escape(t("errors.errorId", { id: requestId }))}</p><p><a href="/" style="color:#1f5f8b">${escape(t("errors.backHome"))}</a></p></main></body></html>`,
    );
};
