import { createInstance, type i18n as I18n } from "i18next";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "@twinning/domain";
import da from "./da";
import en from "./en";
import zhCN from "./zh-CN";

export type { Resource } from "./en";
export * from "./format";

/** All strings of all languages; small enough to ship whole, so no loading step is needed. */
export const resources = {
  da: { translation: da },
  en: { translation: en },
  "zh-CN": { translation: zhCN },
} as const;

/** A ready i18next instance for one language (one per request on the server, one in the browser). */
export function createI18n(locale: Locale): I18n {
  const instance = createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/**
 * The best supported language for an Accept-Language header (quality-ordered); any `zh` variant
 * maps to Simplified Chinese. Falls back to Danish.
 */
export function negotiateLocale(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if (base === "zh") return "zh-CN";
    const match = LOCALES.find((l) => l.toLowerCase() === tag || l.toLowerCase() === base);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/**
 * The key of an area label as someone typed it in any language ("Jord", "Soil", "土壤" → "soil"), so a
 * board's areas are stored as keys and shown in each reader's language; a label of one's own stays as typed.
 */
export function areaKey(label: string): string {
  const wanted = label.trim().toLocaleLowerCase();
  for (const resource of Object.values(resources)) {
    for (const [key, text] of Object.entries(resource.translation.areas as Record<string, string>)) {
      if (key === wanted || text.toLocaleLowerCase() === wanted) return key;
    }
  }
  return label.trim();
}
