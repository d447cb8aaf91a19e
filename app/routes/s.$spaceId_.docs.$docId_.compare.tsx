import type { SerializeFrom } from "@remix-run/node";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { findVersion, listVersions } from "@twinning/db";
import { isUuid } from "@twinning/domain";
import type { DocJSON } from "@twinning/editor";
import { ErrorPage } from "~/components/ErrorPage";
import { VersionTime } from "~/components/document/HistoryPanel";
import { StaticContent } from "~/components/editor/StaticContent";
import { authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { comparisonHtml, liveVersionContent, publicVersion } from "~/lib/versions.server";

/**
 * Two versions compared (`?from=<version>&to=<version or now>`), insertions and deletions marked in
 * the newer text. Without `from`: the latest version against now. Version ids are looked up among this
 * document's versions only (another document's is a 404).
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  return context.tx(async (tx) => {
    const { space, doc } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.viewHistory");
    const versions = (await listVersions(tx, doc)).map(publicVersion);
    const content = async (id: string): Promise<DocJSON> => {
      if (id === "now") return (await liveVersionContent(tx, doc.id)).content;
      const version = isUuid(id) ? await findVersion(tx, doc, id) : undefined;
      if (!version) notFound();
      return version.content;
    };
    const from = url.searchParams.get("from") ?? versions[0]?.id ?? "now";
    const to = url.searchParams.get("to") ?? "now";
    const comparison = await comparisonHtml(await content(from), await content(to), context.locale);
    return {
      space: { id: space.id, title: space.title },
      doc: { id: doc.id, title: doc.title, language: doc.language },
      versions,
      from,
      to,
      ...comparison,
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function ComparePage() {
  const { space, doc, versions, from, to, html, inserted, deleted } = useLoaderData<typeof loader>();
  const { t, dateTime } = useT();
  const time = (iso: string) => dateTime(iso);
  const base = `/s/${space.id}/docs/${doc.id}`;
  const options = (
    <>
      <option value="now">{t("versions.now")}</option>
      {versions.map((v) => (
        <option key={v.id} value={v.id} suppressHydrationWarning>
          {`${v.name ?? t("versions.auto")} — ${time(v.createdAt)}`}
        </option>
      ))}
    </>
  );
  const label = (id: string) => (id === "now" ? t("versions.now") : (versions.find((v) => v.id === id)?.name ?? t("versions.auto")));
  const when = (id: string) => {
    const v = versions.find((x) => x.id === id);
    return v ? (
      <>
        {" "}
        (<VersionTime value={v.createdAt} />)
      </>
    ) : null;
  };
  return (
    <article className="stack compare-page">
      <p>
        <Link to={`${base}/history`}>{t("versions.allVersions")}</Link>
      </p>
      <h1>{t("versions.compareTitle")}</h1>
      <p className="muted">{doc.title}</p>
      <Form method="get" className="compare-form">
        {(
          [
            ["from", "versions.compareFrom", from],
            ["to", "versions.compareTo", to],
          ] as const
        ).map(([name, label, value]) => (
          <div className="field" key={name}>
            <label htmlFor={`compare-${name}`}>{t(label)}</label>
            <select id={`compare-${name}`} name={name} defaultValue={value}>
              {options}
            </select>
          </div>
        ))}
        <button type="submit" className="secondary">
          {t("versions.showCompare")}
        </button>
      </Form>
      <section aria-labelledby="compare-result" className="stack">
        <h2 id="compare-result">
          {label(from)}
          {when(from)} → {label(to)}
          {when(to)}
        </h2>
        <p role="status" className="compare-summary">
          {inserted + deleted === 0
            ? t("versions.noChanges")
            : t("versions.summary", { inserted: t("versions.insertions", { count: inserted }), deleted: t("versions.deletions", { count: deleted }) })}
        </p>
        <p className="muted compare-legend">
          <ins className="diff-ins">{t("versions.inserted")}</ins> <del className="diff-del">{t("versions.deleted")}</del> — {t("versions.legend")}
        </p>
        <StaticContent html={html} language={doc.language} />
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
