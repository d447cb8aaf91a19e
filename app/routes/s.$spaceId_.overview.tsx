import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { createActivity, deleteActivity, findActivity, setActivityAreas, updateActivity } from "@twinning/db";
import { activityDateInput, can, isUuid, OVERVIEW_KINDS, type OverviewItem } from "@twinning/domain";
import { areaKey, createI18n } from "@twinning/i18n";
import { ErrorPage } from "~/components/ErrorPage";
import { ErrorList } from "~/components/Field";
import { ActivityForm, EMPTY_ACTIVITY, type ActivityValues } from "~/components/overview/ActivityForm";
import { OverviewChart } from "~/components/overview/OverviewChart";
import { KindTotals, OverviewTable } from "~/components/overview/OverviewTable";
import "~/components/overview/overview.css";
import { authorize, authorizeSpace, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { errorKey } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import { pageTitle } from "~/lib/meta";
import { areaLabel, organisationName } from "~/lib/overview";
import { loadOverview } from "~/lib/overview.server";

const ROUTE = "routes/s.$spaceId_.overview";

/** An activity's fields as the form shows them again. */
function valuesOf(item: OverviewItem): ActivityValues {
  return {
    kind: item.kind,
    title: item.title,
    start: activityDateInput(item.start, item.startPrecision),
    end: item.end && item.endPrecision ? activityDateInput(item.end, item.endPrecision) : "",
    area: item.area,
    organisations: item.organisations.map((o) => o.slug).join(", "),
    note: item.note ?? "",
  };
}

/**
 * `/s/<space>/overview?year=2014[&tenant=…&kind=…][&edit=<activity>]`: the year's activity overview —
 * the table (months × the space's areas), totals per month, area and kind, the chart — with filters,
 * exports, and for editors the form that adds (or, with `edit`, changes and removes) an activity.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  return context.tx(async (tx) => {
    const loaded = await loadOverview(tx, user, params.spaceId, url);
    const { space, facts, actor, overview } = loaded;
    const canEdit = can(actor, "activity.create", { type: "activity", space: facts, activity: null });
    const canSetAreas = can(actor, "space.update", { type: "space", space: facts });
    const editId = url.searchParams.get("edit");
    let editing: { id: string; title: string; values: ActivityValues } | null = null;
    if (editId !== null) {
      // An activity of this space only: another space's, an unknown or a malformed id is not found.
      const found = isUuid(editId) ? await findActivity(tx, space.id, editId) : undefined;
      if (!found) notFound();
      authorize(actor, "activity.edit", { type: "activity", space: facts, activity: found });
      editing = { id: found.id, title: found.title, values: valuesOf(found) };
    }
    return {
      space: { id: space.id, title: space.title, archived: space.archivedAt !== null },
      year: loaded.year,
      years: loaded.years,
      areas: loaded.areas,
      filter: loaded.filter,
      tenants: loaded.tenants,
      overview,
      canEdit,
      canSetAreas,
      editing,
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const url = new URL(request.url);
  return context.tx(async (tx) => {
    const { space, facts, actor } = await authorizeSpace(tx, user, params.spaceId, "space.view");
    const input = readAction(ROUTE, formData);
    const typed = Object.fromEntries(
      ["kind", "title", "start", "end", "area", "organisations", "note"].map((k) => [k, String(formData.get(k) ?? "")])
    ) as unknown as ActivityValues;
    const back = (notice: string, start?: string) => {
      const next = new URLSearchParams(url.searchParams);
      next.delete("edit");
      if (start) next.set("year", start.slice(0, 4));
      next.set("done", notice);
      return redirect(`/s/${space.id}/overview?${next}`);
    };
    // The activity named in the body, found in this space only (else a 404), and the right to change it.
    const own = async (activityId: string, action: "activity.edit" | "activity.delete") => {
      const found = await findActivity(tx, space.id, activityId);
      if (!found) notFound();
      authorize(actor, action, { type: "activity", space: facts, activity: found });
      return found;
    };
    if (!input.ok && input.intent === "setOverviewAreas") {
      authorize(actor, "space.update", { type: "space", space: facts });
      return data({ areasError: input.error, areas: String(formData.get("areas") ?? "") }, { status: 400 });
    }
    if (!input.ok) {
      // The right to act first: a viewer learns nothing about the form's contents.
      authorize(actor, input.intent === "removeActivity" ? "activity.delete" : input.intent === "updateActivity" ? "activity.edit" : "activity.create", {
        type: "activity",
        space: facts,
        activity: null,
      });
      const activityId = String(formData.get("activityId") ?? "");
      if (input.intent === "updateActivity" && isUuid(activityId)) await own(activityId, "activity.edit");
      return data({ error: { field: input.field, message: input.error }, values: typed }, { status: 400 });
    }
    switch (input.intent) {
      case "addActivity": {
        authorize(actor, "activity.create", { type: "activity", space: facts, activity: null });
        const result = await createActivity(tx, { space, fields: input.data, actorId: user.id });
        if (!result.ok)
          return data(
            { error: { field: result.problem.field, message: errorKey(result.problem.error, result.problem.values) }, values: typed },
            { status: 400 }
          );
        throw back("added", result.start);
      }
      case "updateActivity": {
        await own(input.data.activityId, "activity.edit");
        const result = await updateActivity(tx, { space, activityId: input.data.activityId, fields: input.data, actorId: user.id });
        if (!result.ok && "notFound" in result) notFound();
        if (!result.ok)
          return data(
            { error: { field: result.problem.field, message: errorKey(result.problem.error, result.problem.values) }, values: typed },
            { status: 400 }
          );
        throw back("saved", result.start);
      }
      case "setOverviewAreas": {
        authorize(actor, "space.update", { type: "space", space: facts });
        // Stored as keys whatever language they are typed in ("Skoler", "Schools", "学校" → school), each once.
        const areas = [
          ...new Set(
            input.data.areas
              .split(",")
              .map((a) => areaKey(a))
              .filter(Boolean)
          ),
        ];
        if (!areas.length) return data({ areasError: "required", areas: input.data.areas }, { status: 400 });
        if (areas.length > 12 || areas.some((a) => a.length > 40)) return data({ areasError: "tooManyAreas", areas: input.data.areas }, { status: 400 });
        const result = await setActivityAreas(tx, { space, areas, actorId: user.id });
        if (!result.ok) {
          const { t } = createI18n(context.locale);
          return data(
            { areasError: errorKey("areaInUse", { areas: result.inUse.map((a) => areaLabel(t, a)).join(", ") }), areas: input.data.areas },
            { status: 400 }
          );
        }
        throw back("areasSaved");
      }
      case "removeActivity": {
        await own(input.data.activityId, "activity.delete");
        if (!(await deleteActivity(tx, { space, activityId: input.data.activityId, actorId: user.id }))) notFound();
        throw back("removed");
      }
    }
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? pageTitle(args, "overview.pageTitle", { year: String(args.data.year) }) : pageTitle(args, "overview.title");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function ActivityOverview() {
  const { space, year, years, areas, filter, tenants, overview, canEdit, canSetAreas, editing } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const actionData = result && "values" in result ? result : undefined;
  const areasResult = result && "areasError" in result ? result : undefined;
  const [params] = useSearchParams();
  const { t, locale } = useT();
  const done = params.get("done");
  const query = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const key of ["edit", "done"]) next.delete(key);
    for (const [k, v] of Object.entries(changes))
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    return `?${next}`;
  };
  const exportHref = (format: string) => `/s/${space.id}/overview/export${query({ format, year: String(year) })}`;
  const yearChoices = [...new Set([...years, year, year - 1, year + 1])].sort((a, b) => b - a);
  const values = actionData?.values ?? editing?.values ?? { ...EMPTY_ACTIVITY, area: areas[0] ?? "", start: `${year}-` };
  return (
    <section className="stack overview-page">
      <h1>
        {t("overview.title")} {year}
      </h1>
      <p className="muted">{t("overview.lead", { year })}</p>
      {done && ["added", "saved", "removed", "areasSaved"].includes(done) ? (
        <p role="status" className="notice">
          {t(`overview.notices.${done}`)}
        </p>
      ) : null}

      <nav className="overview-years" aria-label={t("overview.year")}>
        <Link to={query({ year: String(year - 1) })}>← {t("overview.previousYear", { year: year - 1 })}</Link>
        <Link to={query({ year: String(year + 1) })}>{t("overview.nextYear", { year: year + 1 })} →</Link>
      </nav>
      <Form method="get" className="overview-filters" aria-label={t("overview.filters")}>
        <div className="field">
          <label htmlFor="overview-year">{t("overview.year")}</label>
          <select id="overview-year" name="year" defaultValue={String(year)}>
            {yearChoices.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="overview-tenant">{t("overview.tenant")}</label>
          <select id="overview-tenant" name="tenant" defaultValue={filter.tenant ?? ""}>
            <option value="">{t("overview.all")}</option>
            {[...tenants]
              .sort((a, b) => organisationName(locale, a).localeCompare(organisationName(locale, b), locale))
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {organisationName(locale, o)}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="overview-kind">{t("overview.kind")}</label>
          <select id="overview-kind" name="kind" defaultValue={filter.kind ?? ""}>
            <option value="">{t("overview.all")}</option>
            {OVERVIEW_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`overview.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("overview.show")}</button>
      </Form>

      <p className="overview-total" data-total={overview.total}>
        {t("overview.totalLine", { count: overview.total, year })}
      </p>
      <OverviewTable
        overview={overview}
        spaceId={space.id}
        editHref={canEdit ? (item) => `${query({ year: String(year), edit: item.id })}#activity-form` : undefined}
      />
      <div className="overview-side">
        <OverviewChart overview={overview} />
        <KindTotals overview={overview} />
      </div>

      <section aria-labelledby="overview-export-heading">
        <h2 id="overview-export-heading">{t("overview.exportHeading")}</h2>
        <ul className="overview-exports">
          <li>
            <a href={exportHref("csv")} download>
              {t("overview.exportCsv")}
            </a>
          </li>
          <li>
            <a href={exportHref("docx")} download>
              {t("overview.exportDocx")}
            </a>
          </li>
          <li>
            <a href={exportHref("pdf")} download>
              {t("overview.exportPdf")}
            </a>
          </li>
        </ul>
      </section>

      {canEdit ? (
        <ActivityForm
          areas={areas}
          values={values}
          error={actionData?.error ? { field: actionData.error.field, message: actionData.error.message } : undefined}
          editing={editing ? { id: editing.id, title: editing.title } : undefined}
          cancelHref={query({ year: String(year) })}
        />
      ) : null}
      {canSetAreas ? (
        <details className="card overview-areas" open={areasResult ? true : undefined}>
          <summary>{t("overview.areasHeading")}</summary>
          <Form method="post" className="stack" key={areasResult?.areasError ?? "areas"}>
            <input type="hidden" name="intent" value="setOverviewAreas" />
            <div className="field">
              <label htmlFor="overview-areas">{t("overview.areasLabel")}</label>
              <p id="overview-areas-hint" className="hint">
                {t("overview.areasHint")}
              </p>
              <input
                id="overview-areas"
                name="areas"
                defaultValue={areasResult?.areas ?? areas.map((a) => areaLabel(t, a)).join(", ")}
                aria-invalid={areasResult ? true : undefined}
                aria-describedby={areasResult ? "overview-areas-hint overview-areas-error" : "overview-areas-hint"}
                autoFocus={areasResult ? true : undefined}
              />
              {areasResult ? <ErrorList id="overview-areas-error" errors={[areasResult.areasError]} /> : null}
            </div>
            <button type="submit">{t("overview.saveAreas")}</button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
