import { createCookie } from "@remix-run/node";
import { isLocale, type Locale } from "@twinning/domain";

/** The language chosen by a visitor who is not signed in: read and written only through this. */
export interface LocaleCookie {
  /** The language in the Cookie header, or null when there is none or it is not one of ours (garbage is ignored). */
  read(cookieHeader: string | null): Promise<Locale | null>;
  /** A Set-Cookie header value remembering `locale` for a year. */
  serialize(locale: Locale): Promise<string>;
}

export function createLocaleCookie(secure: boolean): LocaleCookie {
  const cookie = createCookie("twinning_lng", { path: "/", sameSite: "lax", httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
  return {
    async read(cookieHeader) {
      try {
        const value: unknown = await cookie.parse(cookieHeader);
        return isLocale(value) ? value : null;
      } catch {
        return null;
      }
    },
    serialize: (locale) => cookie.serialize(locale),
  };
}
