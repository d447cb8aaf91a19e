import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  addChecklistItem,
  addComment,
  backlinksOf,
  checkCardPeople,
  checklistOf,
  columnsOf,
  commentsOf,
  deleteCard,
  historyOf,
  moveCard,
  toggleChecklistItem,
  updateCard,
} from "@twinning/db";
import { can, cardSchema, checklistItemSchema, commentSchema, LIMITS } from "@twinning/domain";
import { FormMessage, Notice } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { requireUser } from "~/lib/access.server";
import { authorizeCard, peopleOfSpace } from "~/lib/boards.server";
import { useT } from "~/lib/i18n";
import { useSpaceEvents } from "~/lib/useSpaceEvents";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, actor, board, card } = await authorizeCard(tx, user, params, "space.view");
    const [columns, checklist, comments, history, backlinks, people] = await Promise.all([
      columnsOf(tx, board.id),
      checklistOf(tx, card.id),
      commentsOf(tx, card.id),
      historyOf(tx, card.id),
      backlinksOf(tx, card.id),
      peopleOfSpace(tx, space.id, space.hostTenantId),
    ]);
    const resource = { type: "space" as const, space: facts };
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
      canEdit: can(actor, "space.edit", resource),
      canComment: can(actor, "space.comment", resource),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const values = Object.fromEntries(formData) as Record<string, string>;
  const fail = (error: string, status = 400) => data({ intent, error, values, assignees: formData.getAll("assignees").map(String) }, { status });
  return context.tx(async (tx) => {
    const needs = intent === "comment" ? "space.comment" : "space.edit";
    const { space, board, card } = await authorizeCard(tx, user, params, needs);
    switch (intent) {
      case "update": {
        const parsed = cardSchema.safeParse({ ...values, assignees: formData.getAll("assignees") });
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        const problem = checkCardPeople(parsed.data, await peopleOfSpace(tx, space.id, space.hostTenantId));
        if (problem) return fail(problem);
        await updateCard(tx, { ...parsed.data, cardId: card.id, actorId: user.id });
        const columnId = values.columnId;
        if (columnId && columnId !== card.columnId) {
          const moved = await moveCard(tx, { cardId: card.id, columnId, actorId: user.id, afterId: undefined });
          if (!moved.ok) return fail(moved.error, 409);
        }
        return { intent, notice: "saved" };
      }
      case "checklistAdd": {
        const parsed = checklistItemSchema.safeParse(values);
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        await addChecklistItem(tx, { cardId: card.id, text: parsed.data.text, actorId: user.id });
        return { intent, notice: null };
      }
      case "checklistToggle":
        await toggleChecklistItem(tx, { cardId: card.id, itemId: values.itemId, done: values.done === "1", actorId: user.id });
        return { intent, notice: null };
      case "comment": {
        const parsed = commentSchema.safeParse(values);
        if (!parsed.success) return fail(parsed.error.issues[0].message);
        await addComment(tx, { cardId: card.id, body: parsed.data.body, actorId: user.id });
        return { intent, notice: null };
      }
      case "delete":
        await deleteCard(tx, { cardId: card.id, actorId: user.id });
        throw redirect(`/s/${space.id}/boards/${board.id}`);
      default:
        throw new Response("Bad Request", { status: 400 });
    }
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.card.title} — Twinning` : "Twinning" }];

export default function CardPage() {
  const { space, board, card, columns, checklist, comments, history, backlinks, people, tenants, canEdit, canComment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, date, locale } = useT();
  useSpaceEvents(space.id, undefined, (event) => event.cardIds.includes(card.id));
  const failed = actionData && "error" in actionData ? actionData : null;
  const v = (name: string, fallback: string | null) => (failed?.intent === "update" ? (failed.values[name] ?? "") : (fallback ?? ""));
  const chosen = failed?.intent === "update" ? failed.assignees : card.assignees.map((a) => a.userId);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return (
    <article className="stack card-page">
      <p>
        <Link to={`/s/${space.id}/boards/${board.id}`}>← {board.title}</Link>
      </p>
      <h1>{card.title}</h1>
      <FormMessage id="card-error" errors={failed ? [failed.error] : undefined} />
      {actionData && "notice" in actionData && actionData.notice ? <Notice>{t("board.notices.saved")}</Notice> : null}

      {canEdit ? (
        <Form method="post" className="card card-form">
          <input type="hidden" name="intent" value="update" />
          <div className="field">
            <label htmlFor="card-title">{t("board.cardTitle")}</label>
            <input id="card-title" name="title" defaultValue={v("title", card.title)} maxLength={LIMITS.cardTitleLength} key={`t${card.title}`} />
          </div>
          <div className="field">
            <label htmlFor="card-description">{t("board.description")}</label>
            <textarea id="card-description" name="description" rows={4} defaultValue={v("description", card.description)} maxLength={LIMITS.descriptionLength} />
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
              <input id="card-due" type="date" name="dueDate" defaultValue={v("dueDate", card.dueDate)} aria-invalid={failed?.error === "dueBeforeStart" || undefined} />
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
          <button type="submit">{t("account.save")}</button>
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

      <h2>{t("board.checklist")}</h2>
      <ul className="checklist">
        {checklist.map((item) => (
          <li key={item.id}>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="checklistToggle" />
              <input type="hidden" name="itemId" value={item.id} />
              <input type="hidden" name="done" value={item.done ? "0" : "1"} />
              <button type="submit" className="link-button" role="checkbox" aria-checked={item.done} disabled={!canEdit}>
                <span aria-hidden="true">{item.done ? "☑" : "☐"}</span> {item.text}
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

      <h2>{t("board.backlinks")}</h2>
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

      <h2>{t("board.comments")}</h2>
      <ul className="comments">
        {comments.map((c) => (
          <li key={c.id}>
            <p>
              <strong>{c.authorName ?? "—"}</strong> <span className="muted">{time.format(new Date(c.createdAt))}</span>
            </p>
            <p>{c.body}</p>
          </li>
        ))}
      </ul>
      {canComment ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="comment" />
          <label htmlFor="comment-body">{t("board.newComment")}</label>
          <textarea id="comment-body" name="body" rows={3} maxLength={LIMITS.commentLength} defaultValue={failed?.intent === "comment" ? failed.values.body : undefined} />
          <p>
            <button type="submit" className="secondary">
              {t("board.postComment")}
            </button>
          </p>
        </Form>
      ) : null}

      <h2>{t("board.history")}</h2>
      <ul className="history">
        {history.map((e) => (
          <li key={e.id}>
            <time dateTime={new Date(e.at).toISOString()}>{time.format(new Date(e.at))}</time> — {e.actorName ?? "—"}:{" "}
            {String(t(`board.events.${e.action}`, { ...e.details, defaultValue: e.action }))}
          </li>
        ))}
      </ul>
      {canEdit ? (
        <Form method="post">
          <button type="submit" name="intent" value="delete" className="danger">
            {t("board.deleteCard")}
          </button>
        </Form>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
