import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordOverviewExport } from "@twinning/db";
import { OVERVIEW_EXPORT_FORMATS, type OverviewExportFormat } from "@twinning/domain";
import { contentDisposition, FORMAT_FILES } from "@twinning/export/files";
import { ExportBusyError } from "@twinning/export/errors";
import { createI18n, formatDateTime } from "@twinning/i18n";
import { readerClock } from "~/lib/clock.server";
import { requireUser } from "~/lib/access.server";
import { filterWords, loadOverview, overviewCsv, overviewDocument } from "~/lib/overview.server";

/**
 * `GET /s/<space>/overview/export?format=csv|docx|pdf&year=…[&tenant=…&kind=…]`: the year's activity
 * overview, as the page shows it (with its filters), to download. Whoever sees the overview may export
 * it. CSV is written here (one row per item); DOCX and PDF are the overview as a document of the
 * shared schema, rendered by packages/export's worker threads like a document's export.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { t } = createI18n(context.locale);
  const url = new URL(request.url);
  const prepared = await context.tx(async (tx) => {
    const loaded = await loadOverview(tx, user, params.spaceId, url);
    const format = url.searchParams.get("format") as OverviewExportFormat;
    if (!OVERVIEW_EXPORT_FORMATS.includes(format))
      throw new Response(t("overview.exportBadFormat"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    return { ...loaded, format, clock: await readerClock(tx, user, context.locale, loaded.space.id) };
  });
  const { overview, space, format } = prepared;
  const name = `${space.title} – ${t("overview.exportSubtitle", { year: overview.year })}`;
  const started = performance.now();
  let bytes: Uint8Array;
  let contentType: string;
  if (format === "csv") {
    bytes = new TextEncoder().encode(overviewCsv(context.locale, overview));
    contentType = "text/csv; charset=utf-8";
  } else {
    const filters = filterWords(context.locale, prepared.filter, prepared.tenants);
    const meta = {
      title: `${t("overview.title")} ${overview.year}`,
      language: context.locale,
      facts: [
        { label: t("export.space"), value: space.title },
        ...(filters ? [{ label: t("overview.filterLabel"), value: filters }] : []),
        { label: t("overview.count"), value: t("overview.totalLine", { count: overview.total, year: overview.year }) },
        { label: t("export.exported"), value: formatDateTime(context.locale, new Date(), prepared.clock.zone, "long") },
      ],
      labels: { cardRemoved: t("editor.cardRemoved") },
    };
    try {
      const rendered = await context.exports.render(
        { format, source: { kind: "json", json: overviewDocument(context.locale, overview, null) }, meta },
        async () => ({})
      );
      bytes = rendered.bytes;
    } catch (error) {
      if (error instanceof ExportBusyError)
        throw new Response(t("export.busy"), { status: 503, headers: { "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8" } });
      throw error;
    }
    contentType = FORMAT_FILES[format].contentType;
  }
  await context.tx((tx) => recordOverviewExport(tx, { space, actorId: user.id, year: overview.year, format }));
  context.log.info(
    { spaceId: space.id, year: overview.year, format, items: overview.total, bytes: bytes.byteLength, ms: Math.round(performance.now() - started) },
    "activity overview exported"
  );
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": contentDisposition(name, format),
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
