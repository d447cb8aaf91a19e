import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useLocation, useNavigation, useParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { Square, SquareCheckBig } from "lucide-react";
import { useEffect, useRef, useState, type RefObject } from "react";
import {
  addChecklistItem,
  addComment,
  backlinksOf,
  checklistOf,
  columnsOf,
  commentsOf,
  deleteCard,
  historyOf,
  moveCard,
  peopleOfSpace,
  toggleChecklistItem,
  updateCard,
} from "@twinning/db";
import { can, LIMITS } from "@twinning/domain";
import { FormMessage, Notice } from "~/components/Field";
import { AccessLostNotice } from "~/components/AccessLostNotice";
import { CardPanel, useBoardEvents } from "~/components/board/CardPanel";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeCard, authorizeChecklistItem, authorizeColumn, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { boardCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { Time } from "~/components/Time";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, actor, board, card, resource } = await authorizeCard(tx, user, params, "card.view");
    const [columns, checklist, comments, history, backlinks, people] = await Promise.all([
      columnsOf(tx, board.id),
      checklistOf(tx, card.id),
      commentsOf(tx, card.id),
      historyOf(tx, card.id),
      backlinksOf(tx, card.id),
      peopleOfSpace(tx, space.id),
    ]);
    return {
      space: { id: space.id, title: space.title },
      board: { id: board.id, title: board.title, areas: board.areas },
      card,
      columns: columns.map((c) => ({ id: c.id, title: c.title })),
      checklist,
      comments,
      history,
      backlinks,
      people: people.people,
      tenants: people.tenants,
      canEdit: can(actor, "card.edit", resource),
      canComment: can(actor, "card.comment", resource),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const values = Object.fromEntries(formData) as Record<string, string>;
  const input = readAction("routes/s.$spaceId_.boards.$boardId.cards.$cardId", formData);
  const intent = input.intent;
  const fail = (error: string, status = 400) => data({ intent, error, values, assignees: formData.getAll("assignees").map(String) }, { status });
  return context.tx(async (tx) => {
    const { space, facts, actor, board, card } = await authorizeCard(
      tx,
      user,
      params,
      intent === "comment" ? "card.comment" : intent === "delete" ? "card.delete" : "card.edit"
    );
    if (!input.ok) return fail(input.error);
    switch (input.intent) {
      case "update": {
        const { columnId, ...fields } = input.data;
        const moving = columnId && columnId !== card.columnId ? await authorizeColumn(tx, actor, { facts, board }, columnId) : undefined;
        if (moving === undefined && columnId && columnId !== card.columnId) return fail("columnGone", 404);
        const updated = await updateCard(tx, { ...fields, board, cardId: card.id, actorId: user.id });
        if (!updated.ok) return fail(updated.error, 400);
        if (moving) {
          const moved = await moveCard(tx, { board, cardId: card.id, columnId: moving.id, actorId: user.id });
          if (!moved.ok) return fail(moved.error, 404);
        }
        return { intent, notice: "saved" };
      }
      case "checklistAdd":
        await addChecklistItem(tx, { cardId: card.id, text: input.data.text, actorId: user.id });
        return { intent, notice: null };
      case "checklistToggle": {
        const item = await authorizeChecklistItem(tx, actor, { facts, board, card }, input.data.itemId);
        await toggleChecklistItem(tx, { cardId: card.id, itemId: item.id, done: input.data.done === "1", actorId: user.id });
        return { intent, notice: null };
      }
      case "comment":
        await addComment(tx, { cardId: card.id, body: input.data.body, actorId: user.id });
        return { intent, notice: null };
      case "delete":
        await deleteCard(tx, { board, cardId: card.id, actorId: user.id });
        throw redirect(`/s/${space.id}/boards/${board.id}`);
    }
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.card.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, board }) => boardCrumbs(space, board) };

/**
 * The panel reloads after submissions (its own, and the board's: a move changes its column) and when
 * another card opens; a revalidation the board asks for after an event of its stream is not the
 * panel's — the panel follows that stream itself (below), so it loads once per event.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, currentUrl, nextUrl, defaultShouldRevalidate }) => {
  if (!formMethod && currentUrl.href === nextUrl.href) return false;
  return defaultShouldRevalidate;
};

type CardData = ReturnType<typeof useLoaderData<typeof loader>>;

/** A card, in a panel over its board (the board route renders it in its `<Outlet />`). */
export default function CardRoute() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, date } = useT();
  const location = useLocation();
  // The card as last loaded: by this route (its forms, the board's), or by a fetcher when the board's
  // stream says it changed — a fetcher loads only this route, so the board behind does not reload.
  // Each fetcher serves one load and is then dropped (a new key): a kept one would be loaded again
  // after every submission, beside the route's own reload.
  const [round, setRound] = useState(0);
  const live = useFetcher<typeof loader>({ key: `card-live-${loaded.card.id}-${round}` });
  const [current, setCurrent] = useState<CardData>(loaded);
  useEffect(() => setCurrent(loaded), [loaded]);
  useEffect(() => {
    if (live.state !== "idle" || !live.data) return;
    setCurrent(live.data as CardData);
    setRound((n) => n + 1);
  }, [live.state, live.data]);
  const { space, board, card, columns, checklist, comments, history, backlinks, people, tenants, canEdit, canComment } = current;
  const here = location.pathname + location.search;
  // A load asked for while the page navigates waits until it is done: the navigation may be leaving
  // this card — deleting it here, whose event arrives on the way. Its answer (a 404) landing after the
  // router has left this route, before React unmounts it, would be shown by the root's error boundary:
  // the board behind would be the not-found page. Left, this panel is gone before it would load.
  const navigation = useNavigation();
  const [outdated, setOutdated] = useState(false);
  useBoardEvents((event) => {
    // This card changed, the board did (columns), or the stream (re)connected and catches up.
    if (!event.cards || event.cardIds.includes(card.id)) setOutdated(true);
  });
  useEffect(() => {
    if (!outdated || navigation.state !== "idle") return;
    setOutdated(false);
    live.load(here);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outdated, navigation.state]);
  // The answer to the last post, kept when a revalidation after others' changes clears the route's
  // action data: a refused form keeps its message and what was typed.
  const [result, setResult] = useState(actionData);
  useEffect(() => {
    if (actionData) setResult(actionData);
  }, [actionData]);
  const failed = result && "error" in result ? result : null;
  const v = (name: string, fallback: string | null) => (failed?.intent === "update" ? failed.values[name] ?? "" : fallback ?? "");
  const chosen = failed?.intent === "update" ? failed.assignees : card.assignees.map((a) => a.userId);
  const form = useRef<HTMLFormElement>(null);
  useFollowServer(form, {
    title: card.title,
    description: card.description ?? "",
    columnId: card.columnId,
    leadTenantId: card.leadTenantId ?? "",
    startDate: card.startDate ?? "",
    dueDate: card.dueDate ?? "",
    area: card.area ?? "",
    assignees: card.assignees.map((a) => a.userId),
  });
  // A posted comment empties its field (a refused one keeps what was typed; others' comments touch nothing).
  const commentForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (actionData?.intent === "comment" && !("error" in actionData)) commentForm.current?.reset();
  }, [actionData]);
  return (
    <CardPanel heading={card.title} closeHref={`/s/${space.id}/boards/${board.id}${location.search}`}>
      <AccessLostNotice spaceId={space.id} />
      <FormMessage id="card-error" errors={failed ? [failed.error] : undefined} />
      {result && "notice" in result && result.notice ? <Notice>{t("board.notices.saved")}</Notice> : null}

      {canEdit ? (
        <Form method="post" className="card-form stack" ref={form}>
          <input type="hidden" name="intent" value="update" />
          <div className="field">
            <label htmlFor="card-title">{t("board.cardTitle")}</label>
            <input id="card-title" name="title" defaultValue={v("title", card.title)} maxLength={LIMITS.cardTitleLength} />
          </div>
          <div className="field">
            <label htmlFor="card-description">{t("board.description")}</label>
            <textarea
              id="card-description"
              name="description"
              rows={4}
              defaultValue={v("description", card.description)}
              maxLength={LIMITS.descriptionLength}
            />
          </div>
          <div className="field">
            <label htmlFor="card-column">{t("board.column")}</label>
            <select id="card-column" name="columnId" defaultValue={v("columnId", card.columnId)}>
              {columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="card-lead">{t("board.lead")}</label>
            <select id="card-lead" name="leadTenantId" defaultValue={v("leadTenantId", card.leadTenantId)}>
              <option value="">—</option>
              {tenants.map((tenant) => (
                <option key={tenant.id} value={tenant.id}>
                  {tenant.name}
                </option>
              ))}
            </select>
          </div>
          <div className="inline-form">
            <div className="field">
              <label htmlFor="card-start">{t("board.start")}</label>
              <input id="card-start" type="date" name="startDate" defaultValue={v("startDate", card.startDate)} />
            </div>
            <div className="field">
              <label htmlFor="card-due">{t("board.due")}</label>
              <input
                id="card-due"
                type="date"
                name="dueDate"
                defaultValue={v("dueDate", card.dueDate)}
                aria-invalid={failed?.error === "dueBeforeStart" || undefined}
              />
            </div>
          </div>
          <div className="field">
            <label htmlFor="card-area">{t("board.area")}</label>
            <select id="card-area" name="area" defaultValue={v("area", card.area)}>
              <option value="">—</option>
              {board.areas.map((a) => (
                <option key={a} value={a}>
                  {t(`areas.${a}`, { defaultValue: a })}
                </option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend>{t("board.assignees")}</legend>
            {people.map((p) => (
              <div className="field checkbox" key={p.userId}>
                <input type="checkbox" id={`assignee-${p.userId}`} name="assignees" value={p.userId} defaultChecked={chosen.includes(p.userId)} />
                <label htmlFor={`assignee-${p.userId}`}>
                  {p.name} <span className="muted">({p.tenantName})</span>
                </label>
              </div>
            ))}
          </fieldset>
          <p>
            <button type="submit">{t("account.save")}</button>
          </p>
        </Form>
      ) : (
        <dl className="card card-readonly">
          <dt>{t("board.description")}</dt>
          <dd>{card.description || "—"}</dd>
          <dt>{t("board.lead")}</dt>
          <dd>{card.leadTenantName ?? "—"}</dd>
          <dt>{t("board.due")}</dt>
          <dd>{card.dueDate ? date(card.dueDate) : "—"}</dd>
          <dt>{t("board.assignees")}</dt>
          <dd>{card.assignees.map((a) => a.name).join(", ") || "—"}</dd>
        </dl>
      )}

      <h3>{t("board.checklist")}</h3>
      <ul className="checklist">
        {checklist.map((item) => (
          <li key={item.id}>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="checklistToggle" />
              <input type="hidden" name="itemId" value={item.id} />
              <input type="hidden" name="done" value={item.done ? "0" : "1"} />
              <button type="submit" className="link-button checklist-toggle" role="checkbox" aria-checked={item.done} disabled={!canEdit}>
                {item.done ? <SquareCheckBig aria-hidden="true" size={18} /> : <Square aria-hidden="true" size={18} />} {item.text}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {canEdit ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="checklistAdd" />
          <label htmlFor="checklist-new">{t("board.newChecklistItem")}</label>
          <input id="checklist-new" name="text" maxLength={LIMITS.cardTitleLength} required />
          <button type="submit" className="secondary">
            {t("board.add")}
          </button>
        </Form>
      ) : null}

      <h3>{t("board.backlinks")}</h3>
      {backlinks.length ? (
        <ul>
          {backlinks.map((b) => (
            <li key={`${b.documentId}-${b.ordinal}`}>
              <Link to={`/s/${b.spaceId}/docs/${b.documentId}#card-${card.id}`}>{b.documentTitle}</Link>
              {b.context ? <span className="muted"> — {b.context}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("board.noBacklinks")}</p>
      )}

      <h3>{t("board.comments")}</h3>
      <ul className="comments">
        {comments.map((c) => (
          <li key={c.id}>
            <p>
              <strong>{c.authorName ?? "—"}</strong> <span className="muted"><Time value={c.createdAt} /></span>
            </p>
            <p>{c.body}</p>
          </li>
        ))}
      </ul>
      {canComment ? (
        <Form method="post" className="stack" ref={commentForm}>
          <input type="hidden" name="intent" value="comment" />
          <label htmlFor="comment-body">{t("board.newComment")}</label>
          <textarea
            id="comment-body"
            name="body"
            rows={3}
            maxLength={LIMITS.commentLength}
            defaultValue={failed?.intent === "comment" ? failed.values.body : ""}
          />
          <p>
            <button type="submit" className="secondary">
              {t("board.postComment")}
            </button>
          </p>
        </Form>
      ) : null}

      <h3>{t("board.history")}</h3>
      <ul className="history">
        {history.map((e) => (
          <li key={e.id}>
            <Time value={e.at} /> — {e.actorName ?? "—"}:{" "}
            {String(t(`board.events.${e.action}`, { ...e.details, defaultValue: e.action }))}
          </li>
        ))}
      </ul>
      {canEdit ? (
        <ConfirmAction
          label={t("confirm.deleteCardOpen")}
          title={t("confirm.deleteCardTitle")}
          message={t("confirm.deleteCard", { title: card.title })}
          confirm={t("board.deleteCard")}
          fields={{ intent: "delete" }}
        />
      ) : null}
    </CardPanel>
  );
}

/**
 * Fields of a form follow the card as the server has it now (someone else saved it, or a move on the
 * board changed its column) — except those the user changed and has not saved: a field is moved on
 * only while it still holds the value the server had before. What is being typed is never replaced.
 */
function useFollowServer(form: RefObject<HTMLFormElement>, server: Record<string, string | string[]>) {
  const previous = useRef(server);
  const key = JSON.stringify(server);
  useEffect(() => {
    const before = previous.current;
    previous.current = server;
    const element = form.current;
    if (!element) return;
    for (const [name, value] of Object.entries(server)) {
      const was = before[name];
      if (JSON.stringify(was) === JSON.stringify(value)) continue;
      if (Array.isArray(value)) {
        for (const box of element.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="${name}"]`)) {
          const wasChecked = Array.isArray(was) && was.includes(box.value);
          if (box.checked === wasChecked) box.checked = value.includes(box.value);
        }
        continue;
      }
      const field = element.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`[name="${name}"]`);
      if (field && field.value === was) field.value = value;
    }
    // `key` stands for `server`'s content: the effect runs when the card changes, not on every render.
  }, [key]);
}

/** A missing card (removed, or not on this board) is answered inside the panel, over the board. */
export function ErrorBoundary() {
  const { spaceId, boardId } = useParams();
  const location = useLocation();
  return (
    <CardPanel labelledBy="error-title" closeHref={`/s/${spaceId}/boards/${boardId}${location.search}`}>
      <ErrorPage />
    </CardPanel>
  );
}
