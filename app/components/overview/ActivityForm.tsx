import { Form, Link, useLocation } from "@remix-run/react";
import { ACTIVITY_KINDS, LIMITS } from "@twinning/domain";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorList } from "~/components/Field";
import { useT } from "~/lib/i18n";
import { areaLabel } from "~/lib/overview";

export interface ActivityValues {
  kind: string;
  title: string;
  start: string;
  end: string;
  area: string;
  organisations: string;
  note: string;
}

export const EMPTY_ACTIVITY: ActivityValues = { kind: "meeting", title: "", start: "", end: "", area: "", organisations: "", note: "" };

/**
 * Adding or editing an activity: one form, checked on the server (the schema, the space's areas, the
 * organisations' short names); a refusal comes back with its message beside the field, focus there,
 * and everything typed kept. Editing offers removal behind a confirmation.
 */
export function ActivityForm({
  areas,
  values,
  error,
  editing,
  cancelHref,
}: {
  areas: string[];
  values: ActivityValues;
  error?: { field?: string; message: string };
  /** The activity being edited (its id and title), else a new one is added. */
  editing?: { id: string; title: string };
  cancelHref: string;
}) {
  const { t } = useT();
  const location = useLocation();
  const field = (name: keyof ActivityValues) => {
    const bad = error?.field === name;
    return {
      id: `activity-${name}`,
      name,
      defaultValue: values[name],
      "aria-invalid": bad ? true : undefined,
      "aria-describedby":
        [
          ["start", "end"].includes(name) ? "activity-date-hint" : null,
          name === "organisations" ? "activity-organisations-hint" : null,
          bad ? `activity-${name}-error` : null,
        ]
          .filter(Boolean)
          .join(" ") || undefined,
      autoFocus: bad || undefined,
    };
  };
  const errorFor = (name: keyof ActivityValues) => (error?.field === name ? <ErrorList id={`activity-${name}-error`} errors={[error.message]} /> : null);
  const formError = error && !["kind", "title", "start", "end", "area", "organisations", "note"].includes(error.field ?? "") ? error.message : null;
  return (
    <section className="card activity-form" id="activity-form" aria-labelledby="activity-form-heading">
      <h2 id="activity-form-heading">{editing ? t("overview.form.editHeading") : t("overview.form.addHeading")}</h2>
      {/* A new key per page visited (a saved activity empties the form) and per refusal (the fields show what was typed, focus on the bad one). */}
      <Form method="post" key={`${editing?.id ?? "new"}-${location.key}-${error?.message ?? ""}`} className="stack">
        <input type="hidden" name="intent" value={editing ? "updateActivity" : "addActivity"} />
        {editing ? <input type="hidden" name="activityId" value={editing.id} /> : null}
        {formError ? (
          <div role="alert" className="form-error">
            <ErrorList id="activity-form-error" errors={[formError]} />
          </div>
        ) : null}
        <div className="activity-form-grid">
          <div className="field">
            <label htmlFor="activity-kind">{t("overview.form.kind")}</label>
            <select {...field("kind")}>
              {ACTIVITY_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`overview.kinds.${kind}`)}
                </option>
              ))}
            </select>
            {errorFor("kind")}
          </div>
          <div className="field">
            <label htmlFor="activity-area">{t("overview.form.area")}</label>
            <select {...field("area")}>
              {areas.map((a) => (
                <option key={a} value={a}>
                  {areaLabel(t, a)}
                </option>
              ))}
            </select>
            {errorFor("area")}
          </div>
          <div className="field">
            <label htmlFor="activity-start">{t("overview.form.start")}</label>
            <input {...field("start")} inputMode="numeric" autoComplete="off" placeholder="2014-03-16" />
            {errorFor("start")}
          </div>
          <div className="field">
            <label htmlFor="activity-end">{t("overview.form.end")}</label>
            <input {...field("end")} inputMode="numeric" autoComplete="off" />
            {errorFor("end")}
          </div>
        </div>
        <p id="activity-date-hint" className="hint">
          {t("overview.form.dateHint")}
        </p>
        <div className="field">
          <label htmlFor="activity-title">{t("overview.form.title")}</label>
          {/* No maxLength: it would cut what is pasted without a word; the server names the limit. */}
          <textarea {...field("title")} rows={2} data-max-length={LIMITS.activityTitleLength} />
          {errorFor("title")}
        </div>
        <div className="field">
          <label htmlFor="activity-organisations">{t("overview.form.organisations")}</label>
          <p id="activity-organisations-hint" className="hint">
            {t("overview.form.organisationsHint")}
          </p>
          <input {...field("organisations")} autoComplete="off" />
          {errorFor("organisations")}
        </div>
        <div className="field">
          <label htmlFor="activity-note">{t("overview.form.note")}</label>
          <textarea {...field("note")} rows={2} />
          {errorFor("note")}
        </div>
        <div className="inline-form">
          <button type="submit">{editing ? t("overview.form.save") : t("overview.form.add")}</button>
          {editing ? <Link to={cancelHref}>{t("overview.form.cancel")}</Link> : null}
        </div>
      </Form>
      {editing ? (
        <ConfirmAction
          label={t("overview.form.remove")}
          title={t("overview.form.removeTitle")}
          message={t("overview.form.removeMessage", { title: editing.title })}
          confirm={t("overview.form.removeConfirm")}
          fields={{ intent: "removeActivity", activityId: editing.id }}
        />
      ) : null}
    </section>
  );
}
