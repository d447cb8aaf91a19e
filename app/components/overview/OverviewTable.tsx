import { Link } from "@remix-run/react";
import type { Overview, OverviewItem } from "@twinning/domain";
import { useT } from "~/lib/i18n";
import { areaLabel, itemWhen, monthName, organisationName } from "~/lib/overview";

/**
 * The overview as the partners publish it: months down, areas across, each cell listing its items
 * (when, kind, title, organisations), with totals per month and per area. The table scrolls sideways
 * inside its own box on a narrow screen (a focusable region, so the keyboard scrolls it too).
 */
export function OverviewTable({ overview, spaceId, editHref }: { overview: Overview; spaceId: string; editHref?: (item: OverviewItem) => string }) {
  const { t, locale } = useT();
  return (
    <div className="table-wrap overview-table" role="region" aria-label={t("overview.regionLabel", { year: overview.year })} tabIndex={0}>
      <table>
        <caption>
          <span className="overview-caption">{t("overview.tableCaption", { year: overview.year })}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("overview.month")}</th>
            {overview.areas.map((a) => (
              <th scope="col" key={a}>
                {areaLabel(t, a)}
              </th>
            ))}
            <th scope="col">{t("overview.total")}</th>
          </tr>
        </thead>
        <tbody>
          {overview.months.map((m) => (
            <tr key={m.month} data-month={m.month}>
              <th scope="row">{monthName(locale, m.month)}</th>
              {overview.areas.map((a) => (
                <td key={a} data-area={a}>
                  {m.cells[a].length ? (
                    <ul className="overview-items">
                      {m.cells[a].map((item) => (
                        <li key={item.id} id={`item-${item.id}`} className={`overview-item kind-${item.kind}`}>
                          <span className="overview-when">{itemWhen(locale, item)}</span> <span className="badge">{t(`overview.kinds.${item.kind}`)}</span>{" "}
                          {item.kind === "card" && item.boardId ? (
                            <Link to={`/s/${spaceId}/boards/${item.boardId}/cards/${item.id}`}>{item.title}</Link>
                          ) : (
                            <span className="overview-title">{item.title}</span>
                          )}
                          {item.organisations.length ? (
                            <span className="overview-orgs">{item.organisations.map((o) => organisationName(locale, o)).join(", ")}</span>
                          ) : null}
                          {editHref && item.kind !== "card" ? (
                            <Link
                              className="overview-edit"
                              to={editHref(item)}
                              aria-label={t("overview.editNamed", { title: item.title.length > 80 ? `${item.title.slice(0, 80)}…` : item.title })}
                            >
                              {t("overview.edit")}
                            </Link>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              ))}
              <td className="overview-count">{m.total}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("overview.total")}</th>
            {overview.areas.map((a) => (
              <td key={a} className="overview-count" data-area-total={a}>
                {overview.areaTotals[a]}
              </td>
            ))}
            <td className="overview-count" data-grand-total>
              {overview.total}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Totals per kind (kinds with none left out). */
export function KindTotals({ overview }: { overview: Overview }) {
  const { t } = useT();
  const kinds = Object.entries(overview.kindTotals).filter(([, n]) => n > 0);
  return (
    <div className="table-wrap">
      <table className="overview-kinds">
        <caption>{t("overview.kindsHeading")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("overview.kind")}</th>
            <th scope="col">{t("overview.count")}</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map(([kind, n]) => (
            <tr key={kind} data-kind={kind}>
              <th scope="row">{t(`overview.kinds.${kind}`)}</th>
              <td>{n}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("overview.total")}</th>
            <td>{overview.total}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
