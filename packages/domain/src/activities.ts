import { z } from "zod";
import { LIMITS } from "./limits";
import { withoutNul } from "./schemas";
import { ACTIVITY_KINDS, type ActivityKind } from "./vocabulary";

/**
 * Activities and the yearly activity overview: months down, the space's areas across, each cell
 * listing its dated items (activities, and cards with a date), with totals per month, area and kind —
 * the table the partners publish as an appendix to their evaluation report. Pure: the route, the
 * exports and the tests build the same overview from the same items.
 */

export type DatePrecision = "day" | "month";

/** A date as a person gave it: a day ("2014-03-16") or only a month ("2014-03"). */
export interface ActivityDate {
  /** The stored day: the day itself, or the month's first day (a start) or last day (an end). */
  date: string;
  precision: DatePrecision;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, "0");

/** Reads "YYYY-MM-DD" or "YYYY-MM" (a real day, years 1900–2199); null when it is neither. */
export function parseActivityDate(value: string, edge: "start" | "end" = "start"): ActivityDate | null {
  const text = value.trim();
  const day = DAY.exec(text);
  const month = day ? null : MONTH.exec(text);
  const [y, m] = [Number((day ?? month)?.[1]), Number((day ?? month)?.[2])];
  if (!(day || month) || y < 1900 || y > 2199 || m < 1 || m > 12) return null;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (day) {
    const d = Number(day[3]);
    return d >= 1 && d <= last ? { date: text, precision: "day" } : null;
  }
  return { date: `${y}-${pad(m)}-${pad(edge === "start" ? 1 : last)}`, precision: "month" };
}

/** A stored date as it is typed in the form again ("2014-03" for a month-only date). */
export function activityDateInput(date: string, precision: DatePrecision): string {
  return precision === "month" ? date.slice(0, 7) : date;
}

const required = (max: number) =>
  withoutNul(
    z
      .string({ error: "required" })
      .trim()
      .min(1, { error: "required" })
      .max(max, { error: `tooLongMax|${JSON.stringify({ max })}` })
  );

const dateField = withoutNul(z.string({ error: "activityDateRequired" }).trim().min(1, { error: "activityDateRequired", abort: true })).refine(
  (v) => parseActivityDate(v) !== null,
  {
    error: "activityDateInvalid",
  }
);

/**
 * The activity form: kind, title, start (a day or a month), optional end, area (one of the space's,
 * checked by the command), the organisations involved (short names, separated by commas or spaces;
 * each must be a tenant, checked by the command) and a note.
 */
export const activitySchema = z
  .object({
    kind: z.enum(ACTIVITY_KINDS, { error: "activityKindUnknown" }),
    title: required(LIMITS.activityTitleLength),
    start: dateField,
    end: dateField.optional().or(z.literal("").transform(() => undefined)),
    area: withoutNul(z.string({ error: "required" }).trim().min(1, { error: "required" }).max(40, { error: "areaUnknown" })),
    organisations: withoutNul(z.string().max(2000, { error: "tooLong" }))
      .optional()
      .default(""),
    note: withoutNul(
      z
        .string()
        .trim()
        .max(LIMITS.activityNoteLength, { error: `tooLongMax|${JSON.stringify({ max: LIMITS.activityNoteLength })}` })
    )
      .optional()
      .default(""),
  })
  .refine((a) => !a.end || (parseActivityDate(a.end, "end")?.date ?? "") >= (parseActivityDate(a.start, "start")?.date ?? ""), {
    error: "endBeforeStart",
    path: ["end"],
  });
export type ActivityInput = z.output<typeof activitySchema>;

/** The short names an organisations field names, each once, in order. */
export function organisationSlugs(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[\s,;]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    ),
  ];
}

/** The overview's query: a year (else the current one), and optional filters by tenant and kind. Unknown values are ignored. */
export const OVERVIEW_KINDS = [...ACTIVITY_KINDS, "card"] as const;
export type OverviewKind = (typeof OVERVIEW_KINDS)[number];
export const overviewQuerySchema = z.object({
  year: z.coerce.number().int().min(1900).max(2199).optional().catch(undefined),
  tenant: z.uuid().optional().catch(undefined),
  kind: z.enum(OVERVIEW_KINDS).optional().catch(undefined),
});
export const OVERVIEW_EXPORT_FORMATS = ["csv", "docx", "pdf"] as const;
export type OverviewExportFormat = (typeof OVERVIEW_EXPORT_FORMATS)[number];

/** One dated item of a space: an activity, or a card with a date (placed by its due date, else its start). */
export interface OverviewItem {
  id: string;
  kind: OverviewKind;
  title: string;
  start: string;
  startPrecision: DatePrecision;
  end: string | null;
  endPrecision: DatePrecision | null;
  /** An area key; "" for a card without one. */
  area: string;
  organisations: { id: string; slug: string; name: string; nameZh: string | null }[];
  note: string | null;
  /** A card's board (its page is /s/<space>/boards/<board>/cards/<id>). */
  boardId?: string;
}

export interface OverviewMonth {
  /** 1–12. */
  month: number;
  cells: Record<string, OverviewItem[]>;
  total: number;
}

export interface Overview {
  year: number;
  /** The columns: the space's areas, then any other area the year's items carry, then "" (no area) when one has none. */
  areas: string[];
  months: OverviewMonth[];
  areaTotals: Record<string, number>;
  kindTotals: Record<OverviewKind, number>;
  total: number;
  /** The chart's numbers: activities (not cards) per month (index 0 = January) and area. */
  chart: Record<string, number[]>;
}

/** The month (1–12) an item is listed under: that of its start. */
export const monthOf = (item: Pick<OverviewItem, "start">) => Number(item.start.slice(5, 7));

/** The overview of one year from the space's items (those of other years are left out). */
export function buildOverview(year: number, spaceAreas: readonly string[], items: readonly OverviewItem[]): Overview {
  const own = items.filter((i) => Number(i.start.slice(0, 4)) === year).sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
  const areas = [...spaceAreas];
  for (const item of own) if (item.area && !areas.includes(item.area)) areas.push(item.area);
  if (own.some((i) => !i.area)) areas.push("");
  const months: OverviewMonth[] = Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    cells: Object.fromEntries(areas.map((a) => [a, [] as OverviewItem[]])),
    total: 0,
  }));
  const areaTotals: Record<string, number> = Object.fromEntries(areas.map((a) => [a, 0]));
  const kindTotals = Object.fromEntries(OVERVIEW_KINDS.map((k) => [k, 0])) as Record<OverviewKind, number>;
  const chart: Record<string, number[]> = Object.fromEntries(areas.map((a) => [a, Array(12).fill(0) as number[]]));
  for (const item of own) {
    const month = months[monthOf(item) - 1];
    month.cells[item.area].push(item);
    month.total++;
    areaTotals[item.area]++;
    kindTotals[item.kind]++;
    if (item.kind !== "card") chart[item.area][monthOf(item) - 1]++;
  }
  return { year, areas, months, areaTotals, kindTotals, total: own.length, chart };
}

/** Whether an item passes the overview's filters (a tenant it involves — a card's lead —, a kind). */
export function matchesFilter(item: OverviewItem, filter: { tenant?: string; kind?: OverviewKind }): boolean {
  if (filter.kind && item.kind !== filter.kind) return false;
  if (filter.tenant && !item.organisations.some((o) => o.id === filter.tenant)) return false;
  return true;
}

export type { ActivityKind };
