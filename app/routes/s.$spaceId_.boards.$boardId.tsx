import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { ChevronLeft, ChevronRight } from "lucide-react";
import {
  Form,
  Link,
  Outlet,
  useActionData,
  useLoaderData,
  useLocation,
  useParams,
  useRevalidator,
  useSearchParams,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { addColumn, cardsOf, columnsOf, createCard, moveCard, peopleOfSpace, removeColumn, renameColumn, setAreas, shiftColumn } from "@twinning/db";
import { can, LIMITS, nearestDueMonth } from "@twinning/domain";
import { areaKey } from "@twinning/i18n";
import type { CardView } from "~/components/board/CardChip";
import type { CardPanelContext } from "~/components/board/CardPanel";
import { Kanban } from "~/components/board/Kanban";
import { CalendarView, filterCards, ListView, TimelineView, type ListFilter } from "~/components/board/Views";
import { ConfirmAction } from "~/components/ConfirmAction";
import { FormMessage, Notice } from "~/components/Field";
import { AccessLostNotice } from "~/components/AccessLostNotice";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeBoard, authorizeColumn, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { useSpaceEvents, type BoardEvent } from "~/lib/useSpaceEvents";

const VIEWS = ["kanban", "list", "calendar", "timeline"] as const;
type View = (typeof VIEWS)[number];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const url = new URL(request.url);
  const view: View = (VIEWS as readonly string[]).includes(url.searchParams.get("view") ?? "") ? (url.searchParams.get("view") as View) : "kanban";
  return context.tx(async (tx) => {
    const { space, facts, actor, board } = await authorizeBoard(tx, user, params.spaceId, params.boardId, "board.view");
    const [columns, cards, people] = await Promise.all([columnsOf(tx, board.id), cardsOf(tx, board.id), peopleOfSpace(tx, space.id)]);
    const filter: ListFilter = Object.fromEntries(["assignee", "lead", "area", "dueBefore", "overdue", "sort"].map((k) => [k, url.searchParams.get(k) ?? undefined]));
    const slim = cards.map(slimCard);
    // Without a month asked for, the calendar opens where the work is: the month of the nearest due date.
    const asked = url.searchParams.get("month") ?? "";
    const month = /^\d{4}-\d{2}$/.test(asked) ? asked : nearestDueMonth(slim.map((c) => c.dueDate), new Date().toISOString().slice(0, 10));
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
      canEdit: can(actor, "board.edit", { type: "board", space: facts, board }),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { board, facts, actor } = await authorizeBoard(tx, user, params.spaceId, params.boardId, "board.edit");
    const input = readAction("routes/s.$spaceId_.boards.$boardId", formData);
    const intent = input.intent;
    const fail = (error: string, status = 400) => data({ intent, error, values: Object.fromEntries(formData) as Record<string, string> }, { status });
    if (!input.ok) return fail(input.error);
    const scope = { facts, board };
    // A column or card that is not on this board (removed meanwhile, or another board's) is a 404 with a message.
    const gone = (error: string) => fail(error, 404);
    switch (input.intent) {
      case "createCard": {
        const { columnId, ...fields } = input.data;
        if (columnId && !(await authorizeColumn(tx, actor, scope, columnId))) return gone("columnGone");
        const created = await createCard(tx, { ...fields, board, columnId, actorId: user.id });
        if (!created.ok) return fail(created.error, created.error === "columnGone" ? 404 : 400);
        return { intent, notice: "cardCreated" };
      }
      case "move": {
        if (!(await authorizeColumn(tx, actor, scope, input.data.columnId))) return gone("columnGone");
        const moved = await moveCard(tx, { ...input.data, board, actorId: user.id });
        if (!moved.ok) return gone(moved.error);
        return { intent, notice: null };
      }
      case "addColumn":
        await addColumn(tx, { board, title: input.data.title });
        return { intent, notice: "saved" };
      case "renameColumn": {
        const column = await authorizeColumn(tx, actor, scope, input.data.columnId);
        if (!column) return gone("columnGone");
        await renameColumn(tx, { board, columnId: column.id, title: input.data.title });
        return { intent, notice: "saved" };
      }
      case "shiftColumn": {
        const column = await authorizeColumn(tx, actor, scope, input.data.columnId);
        if (!column) return gone("columnGone");
        await shiftColumn(tx, { board, columnId: column.id, by: input.data.by === "-1" ? -1 : 1 });
        return { intent, notice: null };
      }
      case "removeColumn": {
        const column = await authorizeColumn(tx, actor, scope, input.data.columnId);
        const target = await authorizeColumn(tx, actor, scope, input.data.moveTo);
        if (!column || !target) return gone("columnGone");
        const removed = await removeColumn(tx, { board, columnId: column.id, moveTo: target.id, actorId: user.id });
        return removed.ok ? { intent, notice: "saved" } : fail("columnGone", 409);
      }
      case "setAreas": {
        const areas = input.data.areas
          .split(",")
          .map((a) => areaKey(a))
          .filter(Boolean)
          .slice(0, 30);
        if (!areas.length) return fail("required");
        await setAreas(tx, { board, areas });
        return { intent, notice: "saved" };
      }
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

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

/**
 * Opening, swapping and closing the card panel leave the board as it is (Single Fetch would reload
 * every loader on each navigation): only the card's segment of the address changes. The open card's
 * own forms do not reload the board either: the board's stream brings the changed card, applied in
 * place. Deleting it does (the panel closes onto the board), as do the board's own forms and events.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, formAction, formData, defaultShouldRevalidate }) => {
  if (formMethod) {
    const fromPanel = formAction != null && CARD_PATH.test(new URL(formAction, currentUrl).pathname);
    return fromPanel && formData?.get("intent") !== "delete" ? false : defaultShouldRevalidate;
  }
  const boardOf = (url: URL) => url.pathname.replace(CARD_PATH, "");
  if (currentUrl.pathname !== nextUrl.pathname && boardOf(currentUrl) === boardOf(nextUrl) && currentUrl.search === nextUrl.search) return false;
  return defaultShouldRevalidate;
};
const CARD_PATH = /\/cards\/[^/]+\/?$/;
/** How far back a card panel that just subscribed is given the board's events. */
const PANEL_REPLAY_MS = 5_000;

export default function BoardPage() {
  const { space, board, columns, cards: loaded, view, filter, month, people, tenants, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  const location = useLocation();
  const { cardId } = useParams();
  // The open card's panel follows the board's stream (one stream per page): it subscribes here, and
  // is given the events of the last few seconds as it does — one that arrived while the panel's own
  // data was loading (a card just opened, its backlinks written meanwhile) would be missed otherwise.
  const panelListeners = useRef(new Set<(event: BoardEvent) => void>());
  const recentEvents = useRef<{ at: number; event: BoardEvent }[]>([]);
  const panelContext = useMemo<CardPanelContext>(
    () => ({
      onBoardEvent: (listener) => {
        panelListeners.current.add(listener);
        const since = performance.now() - PANEL_REPLAY_MS;
        for (const recent of recentEvents.current) if (recent.at >= since) listener(recent.event);
        return () => void panelListeners.current.delete(listener);
      },
    }),
    [],
  );
  // Others' changes arrive as events carrying the changed cards: applied in place, no re-fetch
  // (the filtered list and board-level changes re-fetch).
  const [cards, setCards] = useState(loaded);
  useEffect(() => setCards(loaded), [loaded]);
  useSpaceEvents(
    space.id,
    (event) => {
      const now = performance.now();
      recentEvents.current = [...recentEvents.current.filter((r) => r.at >= now - PANEL_REPLAY_MS), { at: now, event }];
      for (const listener of panelListeners.current) listener(event);
      if (!event.cards || view === "list") revalidator.revalidate();
      else setCards((current) => mergeCards(current, event.cards as never));
    },
    (event) => event.boardId === board.id,
  );
  // A card opens over the board as it is shown (view, filters and month kept in the URL).
  const cardHref = (id: string) => `/s/${space.id}/boards/${board.id}/cards/${id}${location.search}`;
  // When the panel closes (its button, Escape, the back button), focus goes back to that card on the board.
  const heading = useRef<HTMLHeadingElement>(null);
  const shownCard = useRef(cardId);
  useEffect(() => {
    const closed = shownCard.current;
    shownCard.current = cardId;
    if (!closed || cardId) return;
    const links = document.querySelectorAll<HTMLAnchorElement>(`.board-page a[href*="/cards/${closed}"]`);
    ([...links].find((a) => !a.closest(".card-panel")) ?? heading.current)?.focus();
  }, [cardId]);
  const error = actionData && "error" in actionData ? actionData.error : null;
  const notice = actionData && "notice" in actionData ? actionData.notice : null;
  return (
    <section className="stack board-page">
      <h1 ref={heading} tabIndex={-1}>
        {board.title}
      </h1>
      {/* An open card says it in its panel, which covers the board on a phone. */}
      {cardId ? null : <AccessLostNotice spaceId={space.id} />}
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
      {/* The open card (routes/s.$spaceId_.boards.$boardId.cards.$cardId.tsx), a fresh panel for each card. */}
      <Outlet key={cardId} context={panelContext} />
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
                <ChevronLeft aria-hidden="true" size={18} />
              </button>
              <button type="submit" name="by" value="1" className="secondary" disabled={i === columns.length - 1} aria-label={t("board.moveColumnRight", { column: column.title })}>
                <ChevronRight aria-hidden="true" size={18} />
              </button>
            </Form>
            {columns.length > 1 ? (
              <ConfirmAction
                label={t("confirm.removeColumnOpen")}
                ariaLabel={t("board.removeColumn", { column: column.title })}
                title={t("confirm.removeColumnTitle", { column: column.title })}
                message={t("confirm.removeColumn")}
                confirm={t("board.remove")}
                fields={{ intent: "removeColumn", columnId: column.id }}
              >
                <div className="field">
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
                </div>
              </ConfirmAction>
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
        {/* Shown in the reader's language; saved as keys where a label is one of the known areas. */}
        <input id="areas" name="areas" defaultValue={areas.map((a) => t(`areas.${a}`, { defaultValue: a })).join(", ")} />
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

