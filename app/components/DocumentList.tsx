import { Form, Link } from "@remix-run/react";
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, LOCALES } from "@twinning/domain";
import type { DocumentListing } from "@twinning/db";
import { useT } from "~/lib/i18n";
import { TableScroller } from "~/components/TableScroller";
import { groupTranslations } from "~/lib/document-groups";

type Listing = Omit<DocumentListing, "createdAt" | "lastEditedAt" | "archivedAt"> & { lastEditedAt: string | Date | null; archivedAt?: string | Date | null };

/** A space's documents with filters (type, status, language, archived) that work without JavaScript; a translation is listed under its source. */
export function DocumentList({ spaceId, documents, filter }: { spaceId: string; documents: Listing[]; filter: { type?: string; status?: string; language?: string; archived?: string } }) {
  const { t, date } = useT();
  return (
    <>
      <Form method="get" className="inline-form filters" aria-label={t("document.filters")}>
        <label htmlFor="filter-type">{t("document.type")}</label>
        <select id="filter-type" name="type" defaultValue={filter.type ?? ""}>
          <option value="">{t("document.any")}</option>
          {DOCUMENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`documentTypes.${type}`)}
            </option>
          ))}
        </select>
        <label htmlFor="filter-status">{t("document.status")}</label>
        <select id="filter-status" name="status" defaultValue={filter.status ?? ""}>
          <option value="">{t("document.any")}</option>
          {DOCUMENT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`documentStatuses.${status}`)}
            </option>
          ))}
        </select>
        <label htmlFor="filter-language">{t("document.language")}</label>
        <select id="filter-language" name="language" defaultValue={filter.language ?? ""}>
          <option value="">{t("document.any")}</option>
          {LOCALES.map((l) => (
            <option key={l} value={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
        <span className="field checkbox">
          <input type="checkbox" id="filter-archived" name="archived" value="1" defaultChecked={filter.archived === "1"} />
          <label htmlFor="filter-archived">{t("document.showArchived")}</label>
        </span>
        <button type="submit" className="secondary">
          {t("document.filter")}
        </button>
      </Form>
      {documents.length ? (
        <TableScroller label={t("space.documents")}>
          <table aria-labelledby="documents-heading">
            <thead>
              <tr>
                <th scope="col">{t("document.title")}</th>
                <th scope="col">{t("document.type")}</th>
                <th scope="col">{t("document.status")}</th>
                <th scope="col">{t("document.language")}</th>
                <th scope="col">{t("document.lastEdited")}</th>
              </tr>
            </thead>
            <tbody>
              {groupTranslations(documents).map((d) => (
                <tr key={d.id} className={d.under ? "document-translation-row" : undefined}>
                  <td>
                    {d.under ? (
                      <span className="document-translation-of">
                        <span aria-hidden="true">↳ </span>
                        <span lang={d.language}>{t(`languages.${d.language}`)}</span> ({d.language})
                        <span className="visually-hidden">, {t("translations.listedTranslation", { title: d.under.title })}:</span>{" "}
                      </span>
                    ) : null}
                    <Link to={`/s/${spaceId}/docs/${d.id}`}>{d.title}</Link>
                    {d.archivedAt ? <span className="badge status-badge status-archived">{t("document.archived")}</span> : null}
                  </td>
                  {/* Short words: kept on one line (Chinese would otherwise break after every character). */}
                  <td className="nowrap">{t(`documentTypes.${d.type}`)}</td>
                  <td className="nowrap">{t(`documentStatuses.${d.status}`)}</td>
                  <td className="nowrap" lang={d.language}>
                    {t(`languages.${d.language}`)}
                  </td>
                  <td>{d.lastEditedAt ? t("document.editedBy", { name: d.lastEditorName ?? "—", date: date(d.lastEditedAt) }) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroller>
      ) : (
        <p className="muted">{t("space.noDocuments")}</p>
      )}
    </>
  );
}
