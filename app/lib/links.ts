/** Why a link address was refused, as an i18n key under `editor.linkErrors` (with values). */
export type LinkRefusal = { reason: "empty" } | { reason: "scheme"; scheme: string } | { reason: "malformed" } | { reason: "mailto" };

/**
 * Checks a link address typed into the link dialog. Allowed: web addresses (http, https), e-mail
 * (mailto) and paths of this site (`/s/…`, `#…`); an address without a scheme that looks like a host
 * ("www.ballerup.dk/…") becomes https. Everything else — `javascript:`, `data:`, other schemes, `//host`
 * (another site in disguise), backslashes, spaces or control characters — is refused with the reason.
 */
export function checkLink(input: string): { ok: true; href: string } | ({ ok: false } & LinkRefusal) {
  const value = input.trim();
  if (!value) return { ok: false, reason: "empty" };
  if (/[\u0000-\u001f\u007f\s\\]/.test(value)) return { ok: false, reason: "malformed" };
  if (value.startsWith("/") || value.startsWith("#")) {
    return value.startsWith("//") ? { ok: false, reason: "malformed" } : { ok: true, href: value };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (!scheme) {
    // "www.kk.dk" or "kk.dk/side": a host name with a dot and a known-looking ending.
    return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.[\p{L}]{2,}(:\d+)?([/?#].*)?$/u.test(value) ? checkLink(`https://${value}`) : { ok: false, reason: "malformed" };
  }
  if (scheme === "mailto") return /^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/i.test(value) ? { ok: true, href: value } : { ok: false, reason: "mailto" };
  if (scheme !== "http" && scheme !== "https") return { ok: false, reason: "scheme", scheme };
  try {
    const url = new URL(value);
    if (!url.hostname || !/^https?:\/\/[^/]/i.test(value)) return { ok: false, reason: "malformed" };
    return { ok: true, href: url.href };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}
