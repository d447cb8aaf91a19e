import { Link } from "@remix-run/react";
import type { Card } from "@twinning/db";
import type { ReactNode } from "react";
import { useT } from "~/lib/i18n";

/** What a board view needs of a card (a card row from the database, or the same from a live event). */
export type CardView = Pick<
  Card,
  "id" | "position" | "title" | "columnId" | "leadTenantId" | "leadTenantName" | "startDate" | "dueDate" | "area" | "assignees" | "checklistDone" | "checklistTotal"
>;

export const isOverdue = (card: Pick<CardView, "dueDate">, done: boolean, today = new Date().toISOString().slice(0, 10)) =>
  !done && card.dueDate !== null && card.dueDate < today;

/** A card's face: title (a link to the card), lead tenant, assignees, due date, area, checklist. */
export function CardChip({ card, href, done, handle }: { card: CardView; href: string; done: boolean; handle?: ReactNode }) {
  const { t, date } = useT();
  const overdue = isOverdue(card, done);
  return (
    <div className={`card-chip${overdue ? " overdue" : ""}`}>
      <div className="card-chip-top">
        {handle}
        {/* The card opens in a panel over the board: the board keeps its scroll position. */}
        <Link to={href} className="card-title" preventScrollReset>
          {card.title}
        </Link>
      </div>
      <dl className="card-meta">
        {card.leadTenantName ? (
          <>
            <dt>{t("board.lead")}</dt>
            <dd>{card.leadTenantName}</dd>
          </>
        ) : null}
        {card.dueDate ? (
          <>
            <dt>{t("board.due")}</dt>
            <dd>
              {date(card.dueDate)}
              {overdue ? <strong className="overdue-badge"> {t("board.overdue")}</strong> : null}
            </dd>
          </>
        ) : null}
        {card.area ? (
          <>
            <dt>{t("board.area")}</dt>
            <dd>{t(`areas.${card.area}`, { defaultValue: card.area })}</dd>
          </>
        ) : null}
        {card.assignees.length ? (
          <>
            <dt>{t("board.assignees")}</dt>
            <dd>{card.assignees.map((a) => a.name).join(", ")}</dd>
          </>
        ) : null}
        {card.checklistTotal ? (
          <>
            <dt>{t("board.checklist")}</dt>
            <dd>{t("board.checklistCount", { done: card.checklistDone, total: card.checklistTotal })}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
