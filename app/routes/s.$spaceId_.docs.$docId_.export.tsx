import type { LoaderFunctionArgs } from "@remix-run/node";
import { listThreads, openRound, signedRounds } from "@twinning/db";
import { documentUpdateSlices, exportCards, findVersionState, linkedDocument, recordExport } from "@twinning/db/exports";
import { isUuid } from "@twinning/domain";
import { exportQuerySchema } from "@twinning/domain/export";
import { contentDisposition, FORMAT_FILES } from "@twinning/export/files";
import type { ContentSource } from "@twinning/export/render";
import { readerClock } from "~/lib/clock.server";
import { ExportBusyError } from "@twinning/export/errors";
import { createI18n, resources } from "@twinning/i18n";
import { authorize, authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { exportMeta, exportTitle } from "~/lib/export.server";

/**
 * `GET /s/<space>/docs/<doc>/export?format=docx|pdf|odt|md|html[&version=<id>]`: the document's
 * current text, or one of its saved versions, as a file to download. Whoever may read it may export
 * it (`document.view`; a version `document.viewHistory`); the version is looked up among this
 * document's versions only. `&with=<id>` (DOCX or PDF of the current text) is a bilingual export:
 * the source and its translation in two columns, block by block, the other document found only
 * through this document's translation link in its space (any other id is a 404). The database is read in one transaction, the file is rendered in a
 * worker thread (packages/export), and the export is audit-logged once it is made.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { t } = createI18n(context.locale);
  const prepared = await context.tx(async (tx) => {
    const { space, actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const query = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new Response(t("export.badFormat"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    let source: ContentSource;
    let version: { id: string; name: string | null; createdAt: Date } | null = null;
    if (query.data.with !== undefined) {
      if ((query.data.format !== "docx" && query.data.format !== "pdf") || query.data.version !== undefined || query.data.comments)
        throw new Response(t("export.badBilingual"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      const other = isUuid(query.data.with) ? await linkedDocument(tx, doc, query.data.with) : undefined;
      if (!other) notFound();
      authorize(actor, "document.view", { ...resource, document: { archived: other.archivedAt !== null, status: other.status } });
      // The source on the left, whichever of the two was opened.
      const [left, right] = other.role === "source" ? [other, doc] : [doc, other];
      const name = (l: typeof doc.language) => resources[l].translation.languages[l];
      const clock = await readerClock(tx, user, context.locale, space.id);
      const meta = exportMeta({ locale: context.locale, doc: left, space, version: null, signed: null, clock });
      meta.facts.splice(1, 0, { label: t("export.translation"), value: `${right.title} (${name(right.language)})` });
      meta.bilingual = { headings: [name(left.language), name(right.language)], languages: [left.language, right.language] };
      const [leftUpdates, rightUpdates] = [await documentUpdateSlices(tx, left.id), await documentUpdateSlices(tx, right.id)];
      return {
        doc,
        format: query.data.format,
        source: { kind: "updates", updates: leftUpdates } satisfies ContentSource,
        translation: { kind: "updates", updates: rightUpdates } satisfies ContentSource,
        meta,
        name: `${left.title} (${left.language}–${right.language})`,
        version,
        recorded: t("export.bilingual", { left: name(left.language), right: name(right.language) }),
      };
    }
    if (query.data.version !== undefined) {
      authorize(actor, "document.viewHistory", resource);
      const found = isUuid(query.data.version) ? await findVersionState(tx, doc, query.data.version) : undefined;
      if (!found) notFound();
      version = found;
      source = { kind: "state", state: found.state };
    } else {
      source = { kind: "updates", updates: await documentUpdateSlices(tx, doc.id) };
    }
    // The signature goes with the text that was signed: that version, or the current text of a signed document.
    const signed = version ? ((await signedRounds(tx, doc)).find((r) => r.versionId === version.id) ?? null) : doc.status === "signed" ? ((await openRound(tx, doc)) ?? null) : null;
    const clock = await readerClock(tx, user, context.locale, space.id);
    const meta = exportMeta({ locale: context.locale, doc, space, version, signed: signed?.signedAt ? signed : null, clock });
    // Open threads anchor in the live text: they go with a DOCX of the current text when asked for.
    if (query.data.comments && query.data.format === "docx" && !version)
      meta.threads = (await listThreads(tx, doc))
        .filter((th) => !th.resolvedAt && !th.detached)
        .map((th) => ({ threadId: th.id, comments: th.comments.map((c) => ({ author: c.authorName ?? t("comments.formerUser"), date: new Date(c.createdAt).toISOString(), text: c.body })) }));
    return { doc, format: query.data.format, source, translation: undefined, meta, name: exportTitle(context.locale, doc.title, version), version, recorded: undefined };
  });

  const started = performance.now();
  let rendered;
  try {
    rendered = await context.exports.render({ format: prepared.format, source: prepared.source, translation: prepared.translation, meta: prepared.meta }, (ids) => context.tx((tx) => exportCards(tx, prepared.doc, ids)));
  } catch (error) {
    if (error instanceof ExportBusyError) throw new Response(t("export.busy"), { status: 503, headers: { "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
  await context.tx((tx) =>
    recordExport(tx, { doc: prepared.doc, actorId: user.id, format: prepared.format, title: prepared.doc.title, version: prepared.recorded ?? (prepared.version ? (prepared.version.name ?? t("export.autoVersion")) : t("export.currentText")) }),
  );
  context.log.info(
    { documentId: prepared.doc.id, format: prepared.format, versionId: prepared.version?.id ?? null, bilingual: Boolean(prepared.translation), bytes: rendered.bytes.byteLength, ms: Math.round(performance.now() - started), truncated: rendered.truncated },
    "document exported",
  );
  const file = FORMAT_FILES[prepared.format];
  return new Response(rendered.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition(prepared.name, file.extension),
      "Content-Length": String(rendered.bytes.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
