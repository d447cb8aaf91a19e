import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef } from "react";
import { LIMITS } from "@twinning/domain";
import { translateMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import "./versions.css";
import type { action as historyAction } from "~/routes/s.$spaceId_.docs.$docId_.history";

/** What the history route's loader gives the panel. */
export interface SerializedHistory {
  versions: { id: string; name: string | null; kind: "named" | "auto"; createdAt: string; createdByName: string | null }[];
  canSave: boolean;
  canRestore: boolean;
}

/** A refusal of a version action: a message of `versions.*`, or a form error key (`required`, `tooLong`). */
export function VersionError({ id, error }: { id: string; error?: string | null }) {
  const { t } = useT();
  if (!error) return null;
  return (
    <p id={id} className="field-errors" role="alert">
      {error.startsWith("versions.") ? t(error) : translateMessage(t, "errors", error)}
    </p>
  );
}

/** A version's time, in the reader's language and time zone (the server's rendering may differ in zone). */
export function VersionTime({ value }: { value: string }) {
  const { dateTime } = useT();
  const text = dateTime(value);
  return (
    <time dateTime={value} suppressHydrationWarning>
      {text}
    </time>
  );
}

/**
 * The history of a document: save a named version, and every version — named ones first, then the
 * automatic ones by day — each with a link to open it (read-only, where it can be restored) and to
 * compare it with now or with the version before it. In the document page's History panel (data
 * fetched when the panel opens) or on the history page (`initial`, from its loader).
 */
export function HistoryPanel({ spaceId, documentId, initial, standalone = false }: { spaceId: string; documentId: string; initial?: SerializedHistory; standalone?: boolean }) {
  const { t, date } = useT();
  const base = `/s/${spaceId}/docs/${documentId}`;
  const list = useFetcher<SerializedHistory>();
  const save = useFetcher<typeof historyAction>();
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  useEffect(() => {
    if (!initial) list.load(`${base}/history`);
    // Loaded once per panel opening; Remix revalidates it after each save.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base]);
  const result = save.data as { notice?: string; error?: string; version?: { name: string | null } } | undefined;
  useEffect(() => {
    if (save.state === "idle" && result?.notice === "saved") formRef.current?.reset();
  }, [save.state, result]);
  const history = (list.data as SerializedHistory | undefined) ?? initial;
  const H = standalone ? "h2" : "h3";
  if (!history) return <p className="muted" aria-busy="true">…</p>;
  const named = history.versions.filter((v) => v.kind === "named");
  const auto = history.versions.filter((v) => v.kind === "auto");
  const day = (iso: string) => date(iso, "long");
  const days = [...new Set(auto.map((v) => day(v.createdAt)))];
  const previous = (index: number) => history.versions[index + 1];
  const item = (v: SerializedHistory["versions"][number]) => {
    const index = history.versions.indexOf(v);
    const before = previous(index);
    return (
      <li key={v.id} className="version-item">
        <Link to={`${base}/versions/${v.id}`} className="version-name">
          {v.name ?? t("versions.auto")}
        </Link>
        <span className="muted version-by">
          {v.createdByName ? `${v.createdByName}, ` : ""}
          <VersionTime value={v.createdAt} />
        </span>
        <span className="version-links">
          <Link to={`${base}/compare?from=${v.id}&to=now`}>{t("versions.compareWithNow")}</Link>
          {before ? <Link to={`${base}/compare?from=${before.id}&to=${v.id}`}>{t("versions.compareWithPrevious")}</Link> : null}
        </span>
      </li>
    );
  };
  const errorId = `${id}-name-error`;
  return (
    <div className="history-panel stack">
      <p className="muted">{t("versions.intro")}</p>
      {history.canSave ? (
        <save.Form method="post" action={`${base}/history`} className="version-save" ref={formRef}>
          <input type="hidden" name="intent" value="saveVersion" />
          <label htmlFor={`${id}-name`}>{t("versions.name")}</label>
          <p id={`${id}-hint`} className="hint">
            {t("versions.nameHint")}
          </p>
          <div className="inline-form">
            <input
              id={`${id}-name`}
              name="name"
              required
              maxLength={LIMITS.documentTitleLength}
              aria-describedby={result?.error ? `${id}-hint ${errorId}` : `${id}-hint`}
              aria-invalid={result?.error ? true : undefined}
            />
            <button type="submit" disabled={save.state !== "idle"}>
              {t("versions.save")}
            </button>
          </div>
          <VersionError id={errorId} error={save.state === "idle" ? result?.error : null} />
        </save.Form>
      ) : null}
      <p role="status" className="version-status">
        {save.state === "idle" && result?.notice === "saved" ? t("versions.saved", { name: result.version?.name ?? "" }) : ""}
      </p>
      {history.versions.length === 0 ? <p>{t("versions.none")}</p> : null}
      {named.length ? (
        <section aria-labelledby={`${id}-named`}>
          <H id={`${id}-named`}>{t("versions.named")}</H>
          <ul className="version-list">{named.map(item)}</ul>
        </section>
      ) : null}
      {auto.length ? (
        <section aria-labelledby={`${id}-auto`}>
          <H id={`${id}-auto`}>{t("versions.automatic")}</H>
          {days.map((d) => (
            <div key={d}>
              <p className="version-day">{d}</p>
              <ul className="version-list">{auto.filter((v) => day(v.createdAt) === d).map(item)}</ul>
            </div>
          ))}
        </section>
      ) : null}
      {history.versions.length ? (
        <p>
          <Link to={`${base}/compare`}>{t("versions.compareTitle")}</Link>
          {standalone ? null : (
            <>
              {" · "}
              <Link to={`${base}/history`}>{t("versions.allVersions")}</Link>
            </>
          )}
        </p>
      ) : null}
    </div>
  );
}
