import type { TFunction } from "i18next";
import type { Locale, OverviewItem } from "@twinning/domain";
import { intlTag } from "@twinning/i18n";

/**
 * How the activity overview names things, alike on the page and in its exports (CSV, DOCX, PDF):
 * months, an item's dates, areas and organisations in the reader's language.
 */

/** A month's name (1–12), e.g. "januar", "January", "一月". */
export function monthName(locale: Locale, month: number, style: "long" | "short" = "long"): string {
  return new Intl.DateTimeFormat(intlTag(locale), { month: style, timeZone: "UTC" }).format(new Date(Date.UTC(2000, month - 1, 1)));
}

function one(locale: Locale, date: string, precision: "day" | "month", withYear: boolean): string {
  const d = new Date(`${date}T00:00:00Z`);
  const options: Intl.DateTimeFormatOptions = precision === "month" ? { month: "long", timeZone: "UTC" } : { day: "numeric", month: "short", timeZone: "UTC" };
  if (withYear) options.year = "numeric";
  return new Intl.DateTimeFormat(intlTag(locale), options).format(d);
}

/** When an item is: "16. feb.", "16. feb. – 20. feb.", "juni – juli" (the year only where it changes). */
export function itemWhen(locale: Locale, item: Pick<OverviewItem, "start" | "startPrecision" | "end" | "endPrecision">): string {
  const from = one(locale, item.start, item.startPrecision, false);
  if (!item.end || !item.endPrecision) return from;
  const otherYear = item.end.slice(0, 4) !== item.start.slice(0, 4);
  return `${from} – ${one(locale, item.end, item.endPrecision, otherYear)}`;
}

/** An area key in the reader's language ("" is no area); a label of the space's own stays as it is. */
export function areaLabel(t: TFunction, area: string): string {
  return area ? String(t(`areas.${area}`, { defaultValue: area })) : String(t("overview.noArea"));
}

/** An organisation's name, in Chinese where it has one and the reader reads Chinese. */
export function organisationName(locale: Locale, org: { name: string; nameZh: string | null }): string {
  return locale === "zh-CN" && org.nameZh ? org.nameZh : org.name;
}
