import { createContext, useContext, useMemo, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import type { Locale } from "@twinning/domain";
import { createI18n, formatDate, formatDateTime, formatInZones, formatInZonesText, formatNumber, UTC_CLOCK, type Clock } from "@twinning/i18n";

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

const ClockContext = createContext<Clock>(UTC_CLOCK);

/** The language, and the reader's clock (their zone and the open space's other zones; from the root loader). */
export function I18nProvider({ locale, clock, children }: { locale: Locale; clock: Clock; children: ReactNode }) {
  const i18n = useMemo(() => instanceFor(locale), [locale]);
  return (
    <I18nextProvider i18n={i18n}>
      <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>
    </I18nextProvider>
  );
}

/** The translate function plus date, time and number formatting for the current language and the reader's time zone. */
export function useT() {
  const { t, i18n } = useTranslation();
  const clock = useContext(ClockContext);
  const locale = i18n.language as Locale;
  return {
    t,
    locale,
    clock,
    /** A day ("2026-12-31") as it is, or an instant's day in the reader's zone. */
    date: (value: Date | string, style?: "medium" | "long") => formatDate(locale, value, clock.zone, style),
    /** An instant's day and time in the reader's zone. */
    dateTime: (value: Date | string, style?: "medium" | "long") => formatDateTime(locale, value, clock.zone, style),
    /** An instant in the reader's zone and beside it in the space's other zones (see ~/components/Time). */
    inZones: (value: Date | string, style?: "medium" | "long") => formatInZones(locale, value, clock, style),
    /** The same as one line of text, for inside a sentence: "2. dec. 2026, 09.00 Danmark · 16.00 Kina". */
    zoned: (value: Date | string, style?: "medium" | "long") => formatInZonesText(locale, value, clock, style),
    number: (value: number) => formatNumber(locale, value),
  };
}
