import { Form, Link, useFetcher } from "@remix-run/react";
import { diffWords } from "diff";
import { useEffect, useRef } from "react";
import type { Locale } from "@twinning/domain";
import { BilingualLinks } from "~/components/document/useExport";
import { useDocumentChanged } from "~/lib/comments-live";
import { useT } from "~/lib/i18n";
import { useRetryWhenUnreachable } from "~/lib/unreachable";
import type { TranslationsData } from "~/routes/s.$spaceId_.docs.$docId_.translations";

/**
 * The document's translations (issue 15), loaded from its translations route and kept live by the
 * page's event stream: for a translation, its source and each source block that changed since it was
 * translated (the change shown word by word, "Mark reviewed" to catch up); for a source, its
 * translations with what each has to review, and "Add translation" into a language it has none in.
 */
export function useTranslations(spaceId: string, documentId: string, initial?: TranslationsData) {
  const action = `/s/${spaceId}/docs/${documentId}/translations`;
  const list = useFetcher<TranslationsData | null>();
  const reload = useRef(() => {});
  reload.current = () => {
    if (navigator.onLine) list.load(action);
    else window.addEventListener("online", () => reload.current(), { once: true });
  };
  useEffect(() => {
    if (!initial) reload.current();
  }, [action, initial]);
  useRetryWhenUnreachable(list.state, list.data, () => reload.current());
  const data = list.data ?? initial;
  const related = [documentId, ...(data?.source ? [data.source.id] : []), ...(data?.translations.map((t) => t.id) ?? [])];
  useDocumentChanged("translations", related, () => reload.current());
  return { action, data, reload: () => reload.current() };
}

export function TranslationsPanel({
  spaceId,
  documentId,
  initial,
  standalone = false,
  compact = false,
  onShowBlock,
}: {
  spaceId: string;
  documentId: string;
  initial?: TranslationsData;
  standalone?: boolean;
  /** Only what a translation has to review (the side-by-side page names the two texts itself). */
  compact?: boolean;
  /** Scrolls the editor to a block (the document page). */
  onShowBlock?: (blockId: string) => void;
}) {
  const { t } = useT();
  const { action, data } = useTranslations(spaceId, documentId, initial);
  const review = useFetcher();
  const H = standalone ? "h2" : "h3";
  if (!data)
    return (
      <p className="muted" aria-busy="true">
        …
      </p>
    );
  const languageName = (l: Locale) => t(`languages.${l}`);
  return (
    <div className="translations-panel stack">
      {data.source ? (
        <>
          {compact ? null : (
            <>
              <p>
                {t("translations.translationOf", { language: languageName(data.source.language) })}{" "}
                <Link to={`/s/${spaceId}/docs/${data.source.id}`} lang={data.source.language}>
                  {data.source.title}
                </Link>
              </p>
              <p>
                <Link to={`/s/${spaceId}/docs/${documentId}/side-by-side`}>{t("translations.openSideBySide")}</Link>
              </p>
              <BilingualLinks path={`/s/${spaceId}/docs/${documentId}`} pair={{ id: data.source.id, left: data.source.language, right: data.doc.language }} />
              <H>{t("translations.toReviewHeading")}</H>
            </>
          )}
          {data.toReview.length ? (
            <ol className="translation-review-list">
              {data.toReview.map((b) => (
                <li key={b.blockId} className="translation-review" data-block={b.blockId}>
                  <p>
                    <strong>
                      {b.state === "changed"
                        ? t("translations.changed", { language: languageName(data.source!.language) })
                        : t("translations.added", { language: languageName(data.source!.language) })}
                    </strong>
                  </p>
                  <p className="translation-change" lang={data.source!.language}>
                    <SourceChange then={b.then} now={b.now} />
                  </p>
                  <div className="button-row">
                    {onShowBlock && b.state === "changed" ? (
                      <button type="button" className="secondary" onClick={() => onShowBlock(b.blockId)}>
                        {t("translations.showBlock")}
                      </button>
                    ) : null}
                    {data.canReview ? (
                      <review.Form method="post" action={action}>
                        <input type="hidden" name="intent" value="markReviewed" />
                        <input type="hidden" name="blockId" value={b.blockId} />
                        <button type="submit" disabled={review.state !== "idle"}>
                          {t("translations.markReviewed")}
                        </button>
                      </review.Form>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t("translations.upToDate", { language: languageName(data.source.language) })}</p>
          )}
        </>
      ) : (
        <>
          <H>{t("translations.heading")}</H>
          {data.translations.length ? (
            <ul className="translation-list">
              {data.translations.map((tr) => (
                <li key={tr.id}>
                  <Link to={`/s/${spaceId}/docs/${tr.id}`}>
                    {languageName(tr.language)}: <span lang={tr.language}>{tr.title}</span>
                  </Link>
                  {tr.toReview ? <span className="badge"> {t("translations.toReviewCount", { count: tr.toReview })}</span> : null}{" "}
                  <Link to={`/s/${spaceId}/docs/${documentId}/side-by-side?with=${tr.id}`} aria-label={t("translations.sideBySideWith", { language: languageName(tr.language) })}>
                    {t("translations.openSideBySide")}
                  </Link>
                  <BilingualLinks path={`/s/${spaceId}/docs/${documentId}`} pair={{ id: tr.id, left: data.doc.language, right: tr.language }} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("translations.none")}</p>
          )}
          {data.languagesLeft.length ? (
            <Form method="post" action={action} className="stack-tight">
              <input type="hidden" name="intent" value="addTranslation" />
              <label htmlFor="translation-language">{t("translations.language")}</label>
              <select id="translation-language" name="language" defaultValue={data.languagesLeft[0]}>
                {data.languagesLeft.map((l) => (
                  <option key={l} value={l}>
                    {languageName(l)}
                  </option>
                ))}
              </select>
              <p className="hint">{t("translations.addHint")}</p>
              <button type="submit">{t("translations.add")}</button>
            </Form>
          ) : null}
        </>
      )}
    </div>
  );
}

/** The source block's change since the translation caught up with it, word by word (all new when it was added since). */
function SourceChange({ then, now }: { then: string | null; now: string }) {
  const { t } = useT();
  if (then === null) return <ins>{now}</ins>;
  return (
    <>
      {diffWords(then, now).map((part, i) =>
        part.added ? (
          <ins key={i}>
            <span className="visually-hidden">{t("translations.insertedLabel")} </span>
            {part.value}
          </ins>
        ) : part.removed ? (
          <del key={i}>
            <span className="visually-hidden">{t("translations.deletedLabel")} </span>
            {part.value}
          </del>
        ) : (
          <span key={i}>{part.value}</span>
        ),
      )}
    </>
  );
}
