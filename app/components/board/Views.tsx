import { Form, Link } from "@remix-run/react";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useT } from "~/lib/i18n";
import { isOverdue, type CardView } from "./CardChip";
import type { ColumnView } from "./Kanban";
import { TableScroller } from "~/components/TableScroller";

export interface ListFilter {
  assignee?: string;
  lead?: string;
  area?: string;
  dueBefore?: string;
  overdue?: string;
  sort?: string;
}

/** The list view: filters (assignee, lead tenant, area, due date, overdue) and sorting, without JavaScript. */
export function ListView(props: {
  cards: CardView[];
  columns: ColumnView[];
  people: { userId: string; name: string }[];
  tenants: { id: string; name: string }[];
  areas: string[];
  filter: ListFilter;
  cardHref: (id: string) => string;
}) {
  const { t, date } = useT();
  const { filter, columns } = props;
  const columnOf = new Map(columns.map((c) => [c.id, c]));
  return (
    <>
      <Form method="get" className="inline-form filters" aria-label={t("board.filters")}>
        <input type="hidden" name="view" value="list" />
        <label htmlFor="f-assignee">{t("board.assignees")}</label>
        <select id="f-assignee" name="assignee" defaultValue={filter.assignee ?? ""}>
          <option value="">{t("document.any")}</option>
          {props.people.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor="f-lead">{t("board.lead")}</label>
        <select id="f-lead" name="lead" defaultValue={filter.lead ?? ""}>
          <option value="">{t("document.any")}</option>
          {props.tenants.map((tenant) => (
            <option key={tenant.id} value={tenant.id}>
              {tenant.name}
            </option>
          ))}
        </select>
        <label htmlFor="f-area">{t("board.area")}</label>
        <select id="f-area" name="area" defaultValue={filter.area ?? ""}>
          <option value="">{t("document.any")}</option>
          {props.areas.map((a) => (
            <option key={a} value={a}>
              {t(`areas.${a}`, { defaultValue: a })}
            </option>
          ))}
        </select>
        <label htmlFor="f-due">{t("board.dueBefore")}</label>
        <input id="f-due" type="date" name="dueBefore" defaultValue={filter.dueBefore ?? ""} />
        <span className="field checkbox">
          <input id="f-overdue" type="checkbox" name="overdue" value="1" defaultChecked={filter.overdue === "1"} />
          <label htmlFor="f-overdue">{t("board.onlyOverdue")}</label>
        </span>
        <label htmlFor="f-sort">{t("board.sort")}</label>
        <select id="f-sort" name="sort" defaultValue={filter.sort ?? "due"}>
          <option value="due">{t("board.sortDue")}</option>
          <option value="title">{t("board.sortTitle")}</option>
          <option value="column">{t("board.sortColumn")}</option>
        </select>
        <button type="submit" className="secondary">
          {t("document.filter")}
        </button>
      </Form>
      {props.cards.length ? (
        <TableScroller label={t("board.viewList")}>
          <table>
            <caption className="visually-hidden">{t("board.viewList")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("board.cardTitle")}</th>
                <th scope="col">{t("board.column")}</th>
                <th scope="col">{t("board.lead")}</th>
                <th scope="col">{t("board.assignees")}</th>
                <th scope="col">{t("board.area")}</th>
                <th scope="col">{t("board.due")}</th>
              </tr>
            </thead>
            <tbody>
              {props.cards.map((card) => {
                const column = columnOf.get(card.columnId);
                return (
                  <tr key={card.id}>
                    <td>
                      <Link to={props.cardHref(card.id)} preventScrollReset>
                        {card.title}
                      </Link>
                    </td>
                    <td>{column?.title}</td>
                    <td>{card.leadTenantName ?? "—"}</td>
                    <td>{card.assignees.map((a) => a.name).join(", ") || "—"}</td>
                    <td>{card.area ? t(`areas.${card.area}`, { defaultValue: card.area }) : "—"}</td>
                    <td>
                      {card.dueDate ? date(card.dueDate) : "—"}
                      {isOverdue(card, column?.kind === "done") ? <strong className="overdue-badge"> {t("board.overdue")}</strong> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroller>
      ) : (
        <p className="muted">{t("board.noCards")}</p>
      )}
    </>
  );
}

/** Applies the list view's filters and sort (shared by the loader and its tests). */
export function filterCards(cards: CardView[], columns: ColumnView[], filter: ListFilter, today = new Date().toISOString().slice(0, 10)): CardView[] {
  const kind = new Map(columns.map((c) => [c.id, c.kind]));
  const order = new Map(columns.map((c, i) => [c.id, i]));
  const kept = cards.filter(
    (c) =>
      (!filter.assignee || c.assignees.some((a) => a.userId === filter.assignee)) &&
      (!filter.lead || c.leadTenantId === filter.lead) &&
      (!filter.area || c.area === filter.area) &&
      (!filter.dueBefore || (c.dueDate !== null && c.dueDate <= filter.dueBefore)) &&
      (filter.overdue !== "1" || isOverdue(c, kind.get(c.columnId) === "done", today)),
  );
  // A Map, not an object: `sort` comes from the URL, and `?sort=__proto__` must not find a prototype.
  const sorters = new Map<string, (a: CardView, b: CardView) => number>([
    ["due", (a, b) => (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999") || a.title.localeCompare(b.title)],
    ["title", (a, b) => a.title.localeCompare(b.title)],
    ["column", (a, b) => (order.get(a.columnId) ?? 0) - (order.get(b.columnId) ?? 0)],
  ]);
  return kept.sort(sorters.get(filter.sort ?? "due") ?? sorters.get("due"));
}

function monthDays(month: string): { date: string; inMonth: boolean }[] {
  const [y, m] = month.split("-").map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const start = new Date(first);
  start.setUTCDate(1 - ((first.getUTCDay() + 6) % 7)); // weeks start on Monday
  return Array.from({ length: 42 }, (_, i) => {
    const d = new Date(start);
    d.setUTCDate(start.getUTCDate() + i);
    return { date: d.toISOString().slice(0, 10), inMonth: d.getUTCMonth() === m - 1 };
  });
}

const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
};

/** The calendar view: a month, cards on their due dates. */
export function CalendarView({ cards, month, cardHref }: { cards: CardView[]; month: string; cardHref: (id: string) => string }) {
  const { t, locale } = useT();
  const days = monthDays(month);
  const byDay = new Map<string, CardView[]>();
  for (const card of cards) if (card.dueDate) byDay.set(card.dueDate, [...(byDay.get(card.dueDate) ?? []), card]);
  const title = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" });
  // What this month does not show, and where to find it.
  const elsewhere = cards.filter((c) => c.dueDate && c.dueDate.slice(0, 7) !== month).length;
  const undated = cards.filter((c) => !c.dueDate).length;
  return (
    <section aria-labelledby="calendar-title">
      <div className="inline-form calendar-nav">
        <Link to={`?view=calendar&month=${shiftMonth(month, -1)}`} className="icon-link">
          <ChevronLeft aria-hidden="true" size={16} />
          {t("board.previousMonth")}
        </Link>
        <h2 id="calendar-title">{title}</h2>
        <Link to={`?view=calendar&month=${shiftMonth(month, 1)}`} className="icon-link">
          {t("board.nextMonth")}
          <ChevronRight aria-hidden="true" size={16} />
        </Link>
      </div>
      <table className="calendar">
        <thead>
          <tr>
            {days.slice(0, 7).map((d) => (
              <th key={d.date} scope="col">
                {weekday.format(new Date(`${d.date}T00:00:00Z`))}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: 6 }, (_, week) => (
            <tr key={week}>
              {days.slice(week * 7, week * 7 + 7).map((d) => (
                <td key={d.date} className={d.inMonth ? undefined : "outside"}>
                  <span className="day-number">{Number(d.date.slice(8))}</span>
                  <ul>
                    {(byDay.get(d.date) ?? []).map((card) => (
                      <li key={card.id}>
                        <Link to={cardHref(card.id)} preventScrollReset>
                          {card.title}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {elsewhere || undated ? (
        <p className="muted">
          {t("board.calendarOutside", { elsewhere, undated })} <Link to="?view=list">{t("board.seeList")}</Link>
        </p>
      ) : null}
    </section>
  );
}

/** The timeline: one bar per card with dates, from start (or due) to due (or start), by month. */
export function TimelineView({ cards, cardHref }: { cards: CardView[]; cardHref: (id: string) => string }) {
  const { t, locale, date } = useT();
  const dated = cards.filter((c) => c.startDate || c.dueDate).map((c) => ({ ...c, from: (c.startDate ?? c.dueDate)!, to: (c.dueDate ?? c.startDate)! }));
  if (!dated.length) return <p className="muted">{t("board.noDatedCards")}</p>;
  const undated = cards.length - dated.length;
  const first = dated.reduce((m, c) => (c.from < m ? c.from : m), dated[0].from).slice(0, 7);
  const last = dated.reduce((m, c) => (c.to > m ? c.to : m), dated[0].to).slice(0, 7);
  const months: string[] = [];
  for (let m = first; m <= last && months.length < 60; m = shiftMonth(m, 1)) months.push(m);
  const index = (d: string) => months.indexOf(d.slice(0, 7));
  const label = new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" });
  return (
    <TableScroller label={t("board.viewTimeline")}>
      <table className="timeline">
        <caption className="visually-hidden">{t("board.viewTimeline")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("board.cardTitle")}</th>
            {months.map((m) => (
              <th key={m} scope="col">
                {label.format(new Date(`${m}-01T00:00:00Z`))}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dated.map((card) => (
            <tr key={card.id}>
              <th scope="row">
                <Link to={cardHref(card.id)} preventScrollReset>
                  {card.title}
                </Link>
                <span className="visually-hidden">
                  {" "}
                  {date(card.from)} – {date(card.to)}
                </span>
              </th>
              {months.map((m, i) => (
                <td key={m} className={i >= index(card.from) && i <= index(card.to) ? "bar" : undefined} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {undated ? (
        <p className="muted">
          {t("board.timelineUndated", { count: undated })} <Link to="?view=list">{t("board.seeList")}</Link>
        </p>
      ) : null}
    </TableScroller>
  );
}
