import { Link } from "@remix-run/react";
import { CalendarClock } from "lucide-react";
import type { DueCard } from "@twinning/db";
import { useT } from "~/lib/i18n";

/**
 * Cards with where they are and when they are due, overdue ones marked (in words, not colour
 * alone); the order is the query's (overdue first, then by due date).
 */
export function DueCardList({ cards, showSpace = false, showAssignees = false }: { cards: DueCard[]; showSpace?: boolean; showAssignees?: boolean }) {
  const { t, date } = useT();
  return (
    <ul className="due-list">
      {cards.map((c) => (
        <li key={c.id} className={`due-item${c.overdue ? " overdue" : ""}`}>
          <Link to={`/s/${c.spaceId}/boards/${c.boardId}/cards/${c.id}`} className="card-title">
            {c.title}
          </Link>
          <p className="due-when">
            <CalendarClock size={16} aria-hidden="true" />{" "}
            {c.dueDate ? (
              <>
                <span>
                  {t("board.due")}: <time dateTime={c.dueDate}>{date(c.dueDate)}</time>
                </span>
                {c.overdue ? <strong className="overdue-badge"> {t("board.overdue")}</strong> : null}
              </>
            ) : (
              <span>{t("dashboard.noDueDate")}</span>
            )}
          </p>
          <p className="muted due-where">
            {t("dashboard.cardWhere", { column: c.columnTitle, board: c.boardTitle })}
            {showSpace ? (
              <>
                {" · "}
                <Link to={`/s/${c.spaceId}`}>{c.spaceTitle}</Link>
              </>
            ) : null}
          </p>
          {showAssignees && c.assignees.length ? (
            <p className="muted due-where">
              {t("board.assignees")}: {c.assignees.join(", ")}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
