import type { SessionUser } from "@twinning/auth";
import { activityAreasOf, latestActivityYear, overviewItems, overviewYears, type Queryable } from "@twinning/db";
import { buildOverview, matchesFilter, overviewQuerySchema, type Locale, type Overview, type OverviewItem, type OverviewKind } from "@twinning/domain";
import type { DocJSON } from "@twinning/editor";
import { createI18n } from "@twinning/i18n";
import { authorize, authorizeSpace } from "~/lib/access.server";
import { areaLabel, itemWhen, monthName, organisationName } from "~/lib/overview";

/**
 * The activity overview of one year, as the page and its exports read it: the space authorised
 * (`activity.view`), the year's items of the space (activities and dated cards) filtered by tenant
 * and kind, and the overview built from them.
 */
export async function loadOverview(tx: Queryable, user: SessionUser, spaceId: string | undefined, url: URL) {
  const access = await authorizeSpace(tx, user, spaceId, "space.view");
  authorize(access.actor, "activity.view", { type: "activity", space: access.facts, activity: null });
  const query = overviewQuerySchema.parse(Object.fromEntries(url.searchParams));
  const [years, areas, latest] = await Promise.all([
    overviewYears(tx, access.space.id),
    activityAreasOf(tx, access.space.id),
    latestActivityYear(tx, access.space.id),
  ]);
  // Without a year: the current one when it has items, else the latest year with activities (a plan's
  // cards may be due years ahead), else the latest with any item.
  const thisYear = new Date().getUTCFullYear();
  const year = query.year ?? (years.includes(thisYear) || !years.length ? thisYear : latest ?? years[0]);
  const all = await overviewItems(tx, access.space.id, year);
  // The tenant filter offers the organisations of the year's items.
  const tenants = new Map<string, OverviewItem["organisations"][number]>();
  for (const item of all) for (const org of item.organisations) tenants.set(org.id, org);
  const filter = { tenant: query.tenant && tenants.has(query.tenant) ? query.tenant : undefined, kind: query.kind };
  const overview = buildOverview(
    year,
    areas,
    all.filter((item) => matchesFilter(item, filter))
  );
  return { ...access, year, years, areas, filter, tenants: [...tenants.values()], overview };
}

/** The filters in words, for an export's header ("Organisation: Wuxi · Kind: Meeting"), or null. */
export function filterWords(
  locale: Locale,
  filter: { tenant?: string; kind?: OverviewKind },
  tenants: { id: string; name: string; nameZh: string | null }[]
): string | null {
  const { t } = createI18n(locale);
  const words: string[] = [];
  const tenant = filter.tenant ? tenants.find((x) => x.id === filter.tenant) : undefined;
  if (tenant) words.push(`${t("overview.tenant")}: ${organisationName(locale, tenant)}`);
  if (filter.kind) words.push(`${t("overview.kind")}: ${t(`overview.kinds.${filter.kind}`)}`);
  return words.length ? words.join(" · ") : null;
}

/** An item as one line of a cell: when, title, (kind; organisations). */
function itemLine(locale: Locale, item: OverviewItem): string {
  const { t } = createI18n(locale);
  const orgs = item.organisations.map((o) => organisationName(locale, o)).join(", ");
  return `${itemWhen(locale, item)} · ${item.title} (${[t(`overview.kinds.${item.kind}`), orgs].filter(Boolean).join("; ")})`;
}

const cell = (type: "tableHeader" | "tableCell", lines: string[], colspan = 1) => ({
  type,
  ...(colspan > 1 ? { attrs: { colspan } } : {}),
  content: (lines.length ? lines : [""]).map((line) => ({ type: "paragraph", content: line ? [{ type: "text", text: line }] : [] })),
});
const row = (cells: ReturnType<typeof cell>[]) => ({ type: "tableRow", content: cells });
const heading = (level: number, text: string) => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] });
const paragraph = (text: string) => ({ type: "paragraph", content: text ? [{ type: "text", text }] : [] });

/**
 * The overview as a document of the shared schema, for the DOCX and PDF writers: the table as
 * published (months down, areas across, each cell its items), then the totals per month and area,
 * and per kind.
 */
export function overviewDocument(locale: Locale, overview: Overview, filters: string | null): DocJSON {
  const { t } = createI18n(locale);
  const areaNames = overview.areas.map((a) => areaLabel(t, a));
  // Each month is a heading row across the areas, then its items under each area: the areas get the
  // page's whole width (a month column would take a quarter of it on an A4 page).
  const itemsTable = {
    type: "table",
    content: [
      row(areaNames.map((name) => cell("tableHeader", [name]))),
      ...overview.months.flatMap((m) => [
        row([cell("tableHeader", [`${monthName(locale, m.month)} (${m.total})`], overview.areas.length)]),
        ...(m.total
          ? [
              row(
                overview.areas.map((a) =>
                  cell(
                    "tableCell",
                    m.cells[a].map((item) => itemLine(locale, item))
                  )
                )
              ),
            ]
          : []),
      ]),
    ],
  };
  const totalsTable = {
    type: "table",
    content: [
      row([cell("tableHeader", [t("overview.month")]), ...areaNames.map((name) => cell("tableHeader", [name])), cell("tableHeader", [t("overview.total")])]),
      ...overview.months.map((m) =>
        row([
          cell("tableHeader", [monthName(locale, m.month)]),
          ...overview.areas.map((a) => cell("tableCell", [String(m.cells[a].length)])),
          cell("tableCell", [String(m.total)]),
        ])
      ),
      row([
        cell("tableHeader", [t("overview.total")]),
        ...overview.areas.map((a) => cell("tableCell", [String(overview.areaTotals[a])])),
        cell("tableCell", [String(overview.total)]),
      ]),
    ],
  };
  const kinds = Object.entries(overview.kindTotals).filter(([, n]) => n > 0);
  const kindsTable = {
    type: "table",
    content: [
      row([cell("tableHeader", [t("overview.kind")]), cell("tableHeader", [t("overview.count")])]),
      ...kinds.map(([kind, n]) => row([cell("tableCell", [String(t(`overview.kinds.${kind}`))]), cell("tableCell", [String(n)])])),
      row([cell("tableHeader", [t("overview.total")]), cell("tableCell", [String(overview.total)])]),
    ],
  };
  return {
    type: "doc",
    content: [
      ...(filters ? [paragraph(t("overview.filtered", { filters }))] : []),
      heading(2, t("overview.tableCaption", { year: overview.year })),
      overview.total ? itemsTable : paragraph(t("overview.empty", { year: overview.year })),
      heading(2, t("overview.total")),
      totalsTable,
      heading(2, t("overview.kindsHeading")),
      kindsTable,
    ],
  } as DocJSON;
}

/** A CSV field: quoted when it holds a separator, quote or line break; a leading =, +, - or @ is kept from being read as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The overview as CSV (UTF-8 with a byte-order mark, so spreadsheets read Danish and Chinese): one row per item. */
export function overviewCsv(locale: Locale, overview: Overview): string {
  const { t } = createI18n(locale);
  const c = (key: string) => String(t(`overview.columns.${key}`));
  const lines = [[c("date"), c("end"), c("month"), c("area"), c("kind"), c("title"), c("organisations"), c("note")]];
  for (const month of overview.months) {
    for (const area of overview.areas) {
      for (const item of month.cells[area]) {
        lines.push([
          item.startPrecision === "month" ? item.start.slice(0, 7) : item.start,
          item.end ? (item.endPrecision === "month" ? item.end.slice(0, 7) : item.end) : "",
          monthName(locale, month.month),
          areaLabel(t, area),
          String(t(`overview.kinds.${item.kind}`)),
          item.title,
          item.organisations.map((o) => organisationName(locale, o)).join(", "),
          item.note ?? "",
        ]);
      }
    }
  }
  return "\uFEFF" + lines.map((fields) => fields.map(csvField).join(",")).join("\r\n") + "\r\n";
}
