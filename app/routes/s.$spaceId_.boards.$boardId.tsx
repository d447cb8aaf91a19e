import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import {
  addColumn,
  cardsOf,
  checkCardPeople,
  columnsOf,
  createCard,
  moveCard,
  removeColumn,
  renameColumn,
  setAreas,
  shiftColumn,
} from "@twinning/db";
import { can, cardSchema, columnSchema, LIMITS, moveCardSchema } from "@twinning/domain";
import type { CardView } from "~/components/board/CardChip";
import { Kanban } from "~/components/board/Kanban";
import { CalendarView, filterCards, ListView, TimelineView, type ListFilter } from "~/components/board/Views";
import { FormMessage, Notice } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { requireUser } from "~/lib/access.server";
import { authorizeBoard, peopleOfSpace } from "~/lib/boards.server";
import { useT } from "~/lib/i18n";
import { useSpaceEvents } from "~/lib/useSpaceEvents";

const VIEWS = ["kanban", "list", "calendar", "timeline"] as const;
type View = (typeof VIEWS)[number];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  const view: View = (VIEWS as readonly string[]).includes(url.searchParams.get("view") ?? "") ? (url.searchParams.get("view") as View) : "kanban";
  return context.tx(async (tx) => {
    const { space, facts, actor, board } = await authorizeBoard(tx, user, params.spaceId, params.boardId, "space.view");
    const [columns, cards, people] = await Promise.all([columnsOf(tx, board.id), cardsOf(tx, board.id), peopleOfSpace(tx, space.id, space.hostTenantId)]);
    const filter: ListFilter = Object.fromEntries(["assignee", "lead", "area", "dueBefore", "overdue", "sort"].map((k) => [k, url.searchParams.get(k) ?? undefined]));
    const month = /^\d{4}-\d{2}$/.test(url.searchParams.get("month") ?? "") ? url.searchParams.get("month")! : new Date().toISOString().slice(0, 7);
    const slim = cards.map(slimCard);
    return {
      space: { id: space.id, title: space.title },
      board: { id: board.id, title: board.title, areas: board.areas },
      columns: columns.map((c) => ({ id: c.id, title: c.title, kind: c.kind })),
      cards: view === "list" ? filterCards(slim, columns, filter) : slim,
      view,
      filter,
      month,
      people: people.people,
      tenants: people.tenants,
      canEdit: can(actor, "space.edit", { type: "space", space: facts }),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  return context.tx(async (tx) => {
    const { board, space } = await authorizeBoard(tx, user, params.spaceId, params.boardId, "space.edit");
    const fail = (error: string, status = 400) => data({ intent, error, values: Object.fromEntries(formData) as Record<string, string> }, { status });
    switch (intent) {
      case "createCard": {
        const parsed = cardSchema.safeParse({ ...Object.fromEntries(formData), assignees: formData.getAll("assignees") });
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        const problem = checkCardPeople(parsed.data, await peopleOfSpace(tx, space.id, space.hostTenantId));
        if (problem) return fail(problem);
        const created = await createCard(tx, { ...parsed.data, boardId: board.id, columnId: String(formData.get("columnId") ?? "") || undefined, actorId: user.id });
        if (!created.ok) return fail(created.error, 409);
        return { intent, notice: "cardCreated" };
      }
      case "move": {
        const parsed = moveCardSchema.safeParse(Object.fromEntries(formData));
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        const moved = await moveCard(tx, { ...parsed.data, actorId: user.id });
        if (!moved.ok) return fail(moved.error, 409);
        return { intent, notice: null };
      }
      case "addColumn":
      case "renameColumn": {
        const parsed = columnSchema.safeParse(Object.fromEntries(formData));
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        if (intent === "addColumn") await addColumn(tx, { boardId: board.id, title: parsed.data.title });
        else await renameColumn(tx, { columnId: String(formData.get("columnId")), title: parsed.data.title });
        return { intent, notice: "saved" };
      }
      case "shiftColumn":
        await shiftColumn(tx, { columnId: String(formData.get("columnId")), by: formData.get("by") === "-1" ? -1 : 1 });
        return { intent, notice: null };
      case "removeColumn": {
        const removed = await removeColumn(tx, { columnId: String(formData.get("columnId")), moveTo: String(formData.get("moveTo") ?? ""), actorId: user.id });
        return removed.ok ? { intent, notice: "saved" } : fail("columnGone", 409);
      }
      case "setAreas": {
        const areas = String(formData.get("areas") ?? "")
          .split(",")
          .map((a) => a.trim())
          .filter(Boolean)
          .slice(0, 30);
        if (!areas.length) return fail("required");
        await setAreas(tx, { boardId: board.id, areas });
        return { intent, notice: "saved" };
      }
      default:
        throw new Response("Bad Request", { status: 400 });
    }
  });
}

/** What a board view needs of a card (from the loader, or from a live event). */
function slimCard(c: CardView): CardView {
  return {
    id: c.id,
    position: c.position,
    title: c.title,
    columnId: c.columnId,
    leadTenantId: c.leadTenantId,
    leadTenantName: c.leadTenantName,
    startDate: c.startDate,
    dueDate: c.dueDate,
    area: c.area,
    assignees: c.assignees,
    checklistDone: c.checklistDone,
    checklistTotal: c.checklistTotal,
  };
}

/** Applies changed cards from an event: replaced or added, removed ones dropped, in position order. */
function mergeCards(current: CardView[], changed: (CardView & { deleted: boolean })[]): CardView[] {
  const byId = new Map(current.map((c) => [c.id, c]));
  for (const card of changed) {
    if (card.deleted) byId.delete(card.id);
    else byId.set(card.id, slimCard(card));
  }
  return [...byId.values()].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.board.title} — Twinning` : "Twinning" }];

export default function BoardPage() {
  const { space, board, columns, cards: loaded, view, filter, month, people, tenants, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  // Others' changes arrive as events carrying the changed cards: applied in place, no re-fetch
  // (the filtered list and board-level changes re-fetch).
  const [cards, setCards] = useState(loaded);
  useEffect(() => setCards(loaded), [loaded]);
  useSpaceEvents(
    space.id,
    (event) => {
      if (!event.cards || view === "list") revalidator.revalidate();
      else setCards((current) => mergeCards(current, event.cards as never));
    },
    (event) => event.boardId === board.id,
  );
  const cardHref = (id: string) => `/s/${space.id}/boards/${board.id}/cards/${id}`;
  const error = actionData && "error" in actionData ? actionData.error : null;
  const notice = actionData && "notice" in actionData ? actionData.notice : null;
  return (
    <section className="stack board-page">
      <p>
        <Link to={`/s/${space.id}`}>← {space.title}</Link>
      </p>
      <h1>{board.title}</h1>
      <nav aria-label={t("board.views")} className="view-switch">
        {VIEWS.map((v) => (
          <Link key={v} to={`?view=${v}`} aria-current={v === view ? "page" : undefined}>
            {t(`board.view${v[0].toUpperCase()}${v.slice(1)}`)}
          </Link>
        ))}
      </nav>
      <FormMessage id="board-error" errors={error ? [error] : undefined} />
      {notice ? <Notice>{t(`board.notices.${notice}`)}</Notice> : null}
      {view === "kanban" ? <Kanban columns={columns} cards={cards} cardHref={cardHref} canEdit={canEdit} /> : null}
      {view === "list" ? <ListView cards={cards} columns={columns} people={people} tenants={tenants} areas={board.areas} filter={filter} cardHref={cardHref} /> : null}
      {view === "calendar" ? <CalendarView cards={cards} month={month} cardHref={cardHref} /> : null}
      {view === "timeline" ? <TimelineView cards={cards} cardHref={cardHref} /> : null}
      {canEdit && view === "kanban" ? <BoardSettings columns={columns} areas={board.areas} key={params.toString()} /> : null}
      {cards.length === 0 && view === "kanban" ? <p className="muted">{t("board.noCards")}</p> : null}
    </section>
  );
}

function BoardSettings({ columns, areas }: { columns: { id: string; title: string }[]; areas: string[] }) {
  const { t } = useT();
  return (
    <details className="card board-settings">
      <summary>{t("board.settings")}</summary>
      <h2>{t("board.columns")}</h2>
      <ul className="column-settings">
        {columns.map((column, i) => (
          <li key={column.id}>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="renameColumn" />
              <input type="hidden" name="columnId" value={column.id} />
              <label htmlFor={`col-${column.id}`} className="visually-hidden">
                {t("board.columnName", { column: column.title })}
              </label>
              <input id={`col-${column.id}`} name="title" defaultValue={column.title} maxLength={LIMITS.columnTitleLength} required />
              <button type="submit" className="secondary">
                {t("document.rename")}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="columnId" value={column.id} />
              <input type="hidden" name="intent" value="shiftColumn" />
              <button type="submit" name="by" value="-1" className="secondary" disabled={i === 0} aria-label={t("board.moveColumnLeft", { column: column.title })}>
                ←
              </button>
              <button type="submit" name="by" value="1" className="secondary" disabled={i === columns.length - 1} aria-label={t("board.moveColumnRight", { column: column.title })}>
                →
              </button>
            </Form>
            {columns.length > 1 ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="removeColumn" />
                <input type="hidden" name="columnId" value={column.id} />
                <label htmlFor={`move-${column.id}`}>{t("board.moveCardsTo")}</label>
                <select id={`move-${column.id}`} name="moveTo">
                  {columns
                    .filter((c) => c.id !== column.id)
                    .map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.title}
                      </option>
                    ))}
                </select>
                <button type="submit" className="danger" aria-label={t("board.removeColumn", { column: column.title })}>
                  {t("board.remove")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <Form method="post" className="inline-form">
        <input type="hidden" name="intent" value="addColumn" />
        <label htmlFor="new-column">{t("board.newColumn")}</label>
        <input id="new-column" name="title" maxLength={LIMITS.columnTitleLength} required />
        <button type="submit" className="secondary">
          {t("board.add")}
        </button>
      </Form>
      <Form method="post" className="inline-form">
        <input type="hidden" name="intent" value="setAreas" />
        <label htmlFor="areas">{t("board.areasLabel")}</label>
        <input id="areas" name="areas" defaultValue={areas.join(", ")} />
        <button type="submit" className="secondary">
          {t("account.save")}
        </button>
      </Form>
    </details>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

