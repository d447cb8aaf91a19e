import type { MetaArgs } from "@remix-run/node";
import { createI18n } from "@twinning/i18n";
import { LOCALES, type Locale } from "@twinning/domain";

const translators = new Map<Locale, ReturnType<typeof createI18n>>();

/**
 * A page's `<title>` in the reader's language: a translation key (with values) and " — Twinning".
 * The language is the root loader's (the user's setting, cookie or Accept-Language).
 */
export function pageTitle(args: Pick<MetaArgs, "matches">, key: string, values: Record<string, string> = {}) {
  const root = args.matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const locale = (LOCALES as readonly string[]).includes(root?.locale ?? "") ? (root!.locale as Locale) : "da";
  let i18n = translators.get(locale);
  if (!i18n) translators.set(locale, (i18n = createI18n(locale)));
  return [{ title: `${String(i18n.t(key, values))} — Twinning` }];
}
