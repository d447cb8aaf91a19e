import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { searchFilterOptions } from "@twinning/db";
import { LIMITS, SEARCH_KINDS } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { Highlighted } from "~/components/search/Highlighted";
import { requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";
import { readSearchRequest, runSearch } from "~/lib/search.server";
import "~/components/search/search.css";

/**
 * `GET /search?q=…&space=…&kind=…&tenant=…&from=…&to=…`: everything the user may see that matches,
 * best first, with highlighted snippets. Works without JavaScript (a GET form).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { q, cut, filter, form } = readSearchRequest(new URL(request.url));
  return context.tx(async (tx) => {
    const [hits, options] = await Promise.all([runSearch(tx, user, { q, filter, limit: 50 }), searchFilterOptions(tx)]);
    // A space or tenant the user cannot choose is not echoed back.
    if (!options.spaces.some((s) => s.id === form.space)) form.space = "";
    if (!options.tenants.some((o) => o.id === form.tenant)) form.tenant = "";
    return { q, cut, form, hits, options };
  });
}

export const meta: MetaFunction<typeof loader> = (args) => (args.data?.q ? pageTitle(args, "search.results", { q: args.data.q }) : pageTitle(args, "search.title"));

export default function SearchPage() {
  const { q, cut, form, hits, options } = useLoaderData<typeof loader>();
  const { t, date } = useT();
  return (
    <section className="stack search-page">
      <h1>{q ? t("search.results", { q }) : t("search.title")}</h1>
      <Form method="get" action="/search" className="search-form" role="search" aria-label={t("search.title")}>
        <div className="search-query">
          <label htmlFor="search-q" className="visually-hidden">
            {t("search.label")}
          </label>
          <input id="search-q" name="q" type="search" defaultValue={q} key={q} maxLength={200} placeholder={t("search.placeholder")} />
          <button type="submit">{t("search.submit")}</button>
        </div>
        <fieldset className="search-filters">
          <legend>{t("search.filters")}</legend>
          <label>
            {t("search.space")}
            <select name="space" defaultValue={form.space}>
              <option value="">{t("search.anySpace")}</option>
              {options.spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("search.kind")}
            <select name="kind" defaultValue={form.kind}>
              <option value="">{t("search.anyKind")}</option>
              {SEARCH_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`search.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("search.tenant")}
            <select name="tenant" defaultValue={form.tenant}>
              <option value="">{t("search.anyTenant")}</option>
              {options.tenants.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("search.from")}
            <input type="date" name="from" defaultValue={form.from} />
          </label>
          <label>
            {t("search.to")}
            <input type="date" name="to" defaultValue={form.to} />
          </label>
        </fieldset>
      </Form>
      {cut ? <p className="notice">{t("search.cut", { max: LIMITS.searchLength })}</p> : null}
      {!q.trim() ? (
        <p className="muted">{t("search.prompt")}</p>
      ) : hits.length ? (
        <>
          <p className="muted" role="status">
            {t("search.count", { count: hits.length })}
          </p>
          <ol className="search-results">
            {hits.map((hit) => (
              <li key={hit.key} className="search-result">
                <span className="search-kind">{t(`search.kinds.${hit.kind}`)}</span>
                <h2>
                  <Link to={hit.href}>{hit.isComment ? t("search.commentOn", { title: hit.title }) : <Highlighted text={hit.title} marks={hit.titleMarks} />}</Link>
                </h2>
                {hit.snippet ? (
                  <p>
                    <Highlighted text={hit.snippet.text} marks={hit.snippet.marks} />
                  </p>
                ) : null}
                <p className="muted">
                  {hit.space ? t("search.inSpace", { space: hit.space }) : null}
                  {hit.space && hit.at ? " · " : null}
                  {hit.at ? <time dateTime={hit.at}>{date(hit.at)}</time> : null}
                </p>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p role="status">{t("search.none", { q })}</p>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
