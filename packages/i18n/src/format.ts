import type { Country, Locale } from "@twinning/domain";

/**
 * Dates, times and numbers for a reader (issue 15). A date-only value ("2026-12-31", a due day) is the
 * same day everywhere and never shifted by a zone. An instant (a signature, a comment) is shown in the
 * reader's time zone — always named, so the server and the browser render the same — and, where the
 * space has partners in other zones, beside their local time: "2. dec. 2026 09.00 Danmark · 16.00 Kina".
 */

/** BCP 47 tag used for Intl formatting of dates and numbers. */
export function intlTag(locale: Locale): string {
  return locale === "da" ? "da-DK" : locale === "en" ? "en-GB" : "zh-CN";
}

/** Where a reader reads times: their tenant's zone and country, and the other zones of the space they are in. */
export interface Clock {
  zone: string;
  country: Country | null;
  /** The space's other parties' zones (not the reader's), each with a country to name it by. */
  others: { zone: string; country: Country }[];
}

export const UTC_CLOCK: Clock = { zone: "UTC", country: null, others: [] };

/** The zone of a reader who has no tenant (signed out, or before joining one): by their language. */
export const defaultZone = (locale: Locale) => (locale === "zh-CN" ? "Asia/Shanghai" : "Europe/Copenhagen");

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day, or an instant's day in `zone`. */
export function formatDate(locale: Locale, value: Date | string, zone: string, style: "medium" | "long" = "medium"): string {
  if (typeof value === "string" && DAY.test(value)) {
    return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: style, timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
  }
  return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: style, timeZone: zone }).format(new Date(value));
}

/** An instant's day and time in `zone`. */
export function formatDateTime(locale: Locale, value: Date | string, zone: string, style: "medium" | "long" = "medium"): string {
  return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: style, timeStyle: "short", timeZone: zone }).format(new Date(value));
}

/** The name of a zone for a reader: its country's name in their language ("Danmark", "China", "中国"), else the zone's city. */
export function zoneLabel(locale: Locale, zone: string, country: Country | null): string {
  if (country) {
    const name = new Intl.DisplayNames([intlTag(locale)], { type: "region" }).of(country);
    if (name) return name;
  }
  return zone.split("/").pop()!.replace(/_/g, " ");
}

export interface ZonedTime {
  zone: string;
  label: string;
  text: string;
}

/**
 * An instant in the reader's zone (day and time), then in each other zone of the space: its time, with
 * its day too where that is another day than the reader's. Zones that show the same wall time as the
 * reader's at that instant are left out.
 */
export function formatInZones(locale: Locale, value: Date | string, clock: Clock, style: "medium" | "long" = "medium"): ZonedTime[] {
  const at = new Date(value);
  const tag = intlTag(locale);
  const dayIn = (zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  const timeIn = (zone: string) => new Intl.DateTimeFormat(tag, { timeStyle: "short", timeZone: zone }).format(at);
  const own: ZonedTime = { zone: clock.zone, label: zoneLabel(locale, clock.zone, clock.country), text: formatDateTime(locale, at, clock.zone, style) };
  const seen = new Set([`${dayIn(clock.zone)} ${timeIn(clock.zone)}`]);
  const others: ZonedTime[] = [];
  for (const other of clock.others) {
    const key = `${dayIn(other.zone)} ${timeIn(other.zone)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sameDay = dayIn(other.zone) === dayIn(clock.zone);
    const text = sameDay
      ? timeIn(other.zone)
      : new Intl.DateTimeFormat(tag, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: other.zone }).format(at);
    others.push({ zone: other.zone, label: zoneLabel(locale, other.zone, other.country), text });
  }
  return [own, ...others];
}

/** The same as one line of text (for exports and messages): "2. dec. 2026 09.00 Danmark · 16.00 Kina". */
export function formatInZonesText(locale: Locale, value: Date | string, clock: Clock, style: "medium" | "long" = "medium"): string {
  const parts = formatInZones(locale, value, clock, style);
  if (parts.length === 1) return parts[0].text;
  return parts.map((p) => `${p.text} ${p.label}`).join(" · ");
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlTag(locale)).format(value);
}
