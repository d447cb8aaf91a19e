import { createContext, useContext, useMemo, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import type { Locale } from "@twinning/domain";
import { createI18n, formatDate, formatNumber } from "@twinning/i18n";

/**
 * Facts the server knows before any loader runs (request id, language), rendered into the page so the
 * error boundaries can show them even when the root loader failed.
 */
export interface RequestInfo {
  requestId: string;
  locale: Locale;
  /** The Content-Security-Policy nonce, on the server only (see app/lib/csp.ts for the browser). */
  nonce?: string;
}

export const RequestInfoContext = createContext<RequestInfo>({ requestId: "", locale: "da" });
export const useRequestInfo = () => useContext(RequestInfoContext);

const instances = new Map<Locale, ReturnType<typeof createI18n>>();
function instanceFor(locale: Locale) {
  let instance = instances.get(locale);
  if (!instance) instances.set(locale, (instance = createI18n(locale)));
  return instance;
}

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const i18n = useMemo(() => instanceFor(locale), [locale]);
  return <I18nextProvider i18n={i18n}>{children}</I18nextProvider>;
}

/** The translate function plus date and number formatting for the current language. */
export function useT() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return {
    t,
    locale,
    date: (value: Date | string) => formatDate(locale, value),
    number: (value: number) => formatNumber(locale, value),
  };
}
