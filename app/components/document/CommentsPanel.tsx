import { Form, useFetcher } from "@remix-run/react";
import type { Editor } from "@tiptap/react";
import { TextSelection } from "@tiptap/pm/state";
import { CheckCheck, MessageSquarePlus, RotateCcw } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { LIMITS } from "@twinning/domain";
import { COMMENT_MARK, type Anchor } from "@twinning/editor/comments";
import { VersionTime } from "~/components/document/HistoryPanel";
import { useCommentsChanged } from "~/lib/comments-live";
import { translateMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import { useRetryWhenUnreachable } from "~/lib/unreachable";
import "./comments.css";

/** What a step posted to the comments route answered: a notice, or an error key (a refusal or a field's), with the typed text kept. */
export interface CommentResult {
  intent: string;
  notice?: string;
  error?: string;
  body?: string;
  threadId?: string;
}

export interface SerializedThread {
  id: string;
  quote: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedByName: string | null;
  detached: boolean;
  comments: {
    id: string;
    authorName: string | null;
    authorTenant: string | null;
    body: string;
    createdAt: string;
  }[];
}

interface Person {
  name: string;
  tenantName: string;
}

interface SerializedComments {
  threads: SerializedThread[];
  canComment: boolean;
  canStartThread: boolean;
  people: Person[];
}

/** A thread about to be started: the selected text's anchor and where it was. */
export interface PendingThread extends Anchor {
  near: number;
}

function useMessage() {
  const { t } = useT();
  return (key: string) =>
    String(
      t(`comments.errors.${key}`, {
        defaultValue: translateMessage(t, "errors", key),
      })
    );
}

/** A comment's text, with "@Name" of people of the space shown as mentions. Plain text: React escapes it. */
function CommentBody({ body, people }: { body: string; people: Person[] }) {
  const parts = useMemo(() => {
    const names = people.map((p) => p.name).sort((a, b) => b.length - a.length);
    if (!names.length) return [body];
    const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return body.split(new RegExp(`(@(?:${escaped.join("|")}))(?![\\p{L}\\p{N}])`, "iu"));
  }, [body, people]);
  return (
    <p className="comment-body">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <strong key={i} className="mention">
            {part}
          </strong>
        ) : (
          part
        )
      )}
    </p>
  );
}

/**
 * A comment field that offers the people of the space after "@" (a list box: arrow keys choose, Enter
 * or Tab takes, Escape closes). What is typed stays what it is: a mention is "@" and the name.
 */
function CommentField({
  name,
  label,
  people,
  defaultValue,
  error,
  autoFocus,
  withHint = false,
}: {
  name: string;
  label: string;
  people: Person[];
  defaultValue?: string;
  error?: string;
  autoFocus?: boolean;
  /** Says how to mention (the new comment's field; replies work the same). */
  withHint?: boolean;
}) {
  const { t } = useT();
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<{ start: number; text: string } | null>(null);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => {
    if (!query) return [];
    const q = query.text.toLocaleLowerCase();
    return people
      .filter(
        (p) =>
          p.name
            .toLocaleLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)) || p.name.toLocaleLowerCase().startsWith(q)
      )
      .slice(0, 6);
  }, [query, people]);
  const open = matches.length > 0;
  const update = () => {
    const el = ref.current;
    if (!el) return;
    const before = el.value.slice(0, el.selectionStart);
    const at = before.lastIndexOf("@");
    const text = at >= 0 ? before.slice(at + 1) : "";
    // After "@" at the start or after a space, up to three words typed so far.
    if (at >= 0 && (at === 0 || /\s/.test(before.charAt(at - 1))) && !/\n/.test(text) && text.split(" ").length <= 3) {
      setQuery({ start: at, text });
      setActive(0);
    } else setQuery(null);
  };
  const take = (person: Person) => {
    const el = ref.current;
    if (!el || !query) return;
    const end = el.selectionStart;
    const value = `${el.value.slice(0, query.start)}@${person.name} ${el.value.slice(end)}`;
    el.value = value;
    const caret = query.start + person.name.length + 2;
    el.setSelectionRange(caret, caret);
    setQuery(null);
    el.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive((a) => (a + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      take(matches[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setQuery(null);
    }
  };
  return (
    <div className="field comment-field">
      <label htmlFor={`${id}-text`}>{label}</label>
      <textarea
        ref={ref}
        id={`${id}-text`}
        name={name}
        rows={withHint ? 3 : 2}
        required
        maxLength={LIMITS.commentLength}
        defaultValue={defaultValue}
        autoFocus={autoFocus}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={`${id}-people`}
        aria-activedescendant={open ? `${id}-person-${active}` : undefined}
        aria-describedby={[withHint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
        aria-invalid={error ? true : undefined}
        onInput={update}
        onClick={update}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setQuery(null), 150)}
      />
      <ul id={`${id}-people`} role="listbox" aria-label={t("comments.mentionList")} className="mention-list" hidden={!open}>
        {matches.map((p, i) => (
          <li
            key={`${p.name}-${p.tenantName}`}
            id={`${id}-person-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(event) => {
              event.preventDefault();
              take(p);
            }}
          >
            {p.name}
            {p.tenantName !== p.name ? <span className="muted"> · {p.tenantName}</span> : null}
          </li>
        ))}
      </ul>
      {withHint ? (
        <p id={`${id}-hint`} className="hint">
          {t("comments.mentionHint")}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-errors" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The threads of a document, open ones first, each with its quoted text (or "text removed"), its
 * comments, a reply field and resolve or reopen. Plain forms, so they work without JavaScript; in the
 * panel they post through a fetcher (`submit`). `onShow` moves the editor to a thread's text.
 */
export function CommentThreads({
  action,
  threads,
  canComment,
  people,
  result,
  busy = false,
  onShow,
  focusThread,
  FormComponent = Form,
}: {
  action: string;
  threads: SerializedThread[];
  canComment: boolean;
  people: Person[];
  result: CommentResult | null;
  busy?: boolean;
  onShow?: (threadId: string) => void;
  focusThread?: string | null;
  FormComponent?: typeof Form;
}) {
  const { t } = useT();
  const message = useMessage();
  const open = threads.filter((th) => !th.resolvedAt);
  const resolved = threads.filter((th) => th.resolvedAt);
  const [showResolved, setShowResolved] = useState(false);
  const refs = useRef(new Map<string, HTMLElement | null>());
  useEffect(() => {
    if (!focusThread) return;
    // A resolved thread is inside the folded list: unfold it first, focus once it is shown.
    if (threads.find((th) => th.id === focusThread)?.resolvedAt && !showResolved) return setShowResolved(true);
    const frame = requestAnimationFrame(() => refs.current.get(focusThread)?.focus());
    return () => cancelAnimationFrame(frame);
  }, [focusThread, threads, showResolved]);
  const list = (listed: SerializedThread[]) => (
    <ol className="thread-list">
      {listed.map((thread) => {
        const mine = result?.threadId === thread.id ? result : null;
        return (
          <li
            key={thread.id}
            id={`thread-${thread.id}`}
            className={`thread${thread.detached ? " detached" : ""}`}
            tabIndex={-1}
            ref={(el) => {
              refs.current.set(thread.id, el);
            }}
            aria-labelledby={`thread-${thread.id}-quote`}
          >
            {thread.detached ? (
              <p id={`thread-${thread.id}-quote`} className="thread-quote removed">
                <span className="badge">{t("comments.textRemoved")}</span> <q>{thread.quote}</q>
              </p>
            ) : onShow ? (
              <button
                type="button"
                id={`thread-${thread.id}-quote`}
                className="thread-quote link-button"
                onClick={() => onShow(thread.id)}
                aria-description={t("comments.showInText")}
              >
                <q>{thread.quote}</q>
              </button>
            ) : (
              <p id={`thread-${thread.id}-quote`} className="thread-quote">
                <q>{thread.quote}</q>
              </p>
            )}
            <ol className="comments">
              {thread.comments.map((c) => (
                <li key={c.id} className="comment">
                  <p className="comment-meta">
                    <strong>{c.authorName ?? t("comments.formerUser")}</strong>
                    {c.authorTenant ? <span className="muted"> · {c.authorTenant}</span> : null}
                    <span className="muted">
                      {" · "}
                      <VersionTime value={c.createdAt} />
                    </span>
                  </p>
                  <CommentBody body={c.body} people={people} />
                </li>
              ))}
            </ol>
            {thread.resolvedAt ? (
              <p className="muted thread-resolved">
                {t("comments.resolvedBy", {
                  name: thread.resolvedByName ?? t("comments.formerUser"),
                })}{" "}
                · <VersionTime value={thread.resolvedAt} />
              </p>
            ) : null}
            {canComment ? (
              <div className="thread-actions">
                {thread.resolvedAt ? null : (
                  <FormComponent method="post" action={action} className="stack thread-reply">
                    <input type="hidden" name="intent" value="reply" />
                    <input type="hidden" name="threadId" value={thread.id} />
                    <CommentField
                      key={mine?.notice === "reply" ? `${thread.id}-sent-${thread.comments.length}` : thread.id}
                      name="body"
                      label={t("comments.reply")}
                      people={people}
                      defaultValue={mine?.intent === "reply" && mine.error ? mine.body : undefined}
                      error={mine?.intent === "reply" && mine.error ? message(mine.error) : undefined}
                    />
                    <button type="submit" disabled={busy}>
                      {t("comments.send")}
                    </button>
                  </FormComponent>
                )}
                <FormComponent method="post" action={action}>
                  <input type="hidden" name="intent" value={thread.resolvedAt ? "reopen" : "resolve"} />
                  <input type="hidden" name="threadId" value={thread.id} />
                  <button type="submit" className="secondary" disabled={busy}>
                    {thread.resolvedAt ? <RotateCcw aria-hidden="true" size={16} /> : <CheckCheck aria-hidden="true" size={16} />}
                    {thread.resolvedAt ? t("comments.reopen") : t("comments.resolve")}
                  </button>
                </FormComponent>
                {mine?.error && mine.intent !== "reply" ? (
                  <p className="field-errors" role="alert">
                    {message(mine.error)}
                  </p>
                ) : null}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
  // Resolved threads fold away under a <details>, which opens without JavaScript too.
  return (
    <div className="comment-threads">
      <h3 className="thread-group">{t("comments.open", { count: open.length })}</h3>
      {open.length ? list(open) : <p className="muted">{t("comments.noneOpen")}</p>}
      {resolved.length ? (
        <details className="resolved-threads" open={showResolved} onToggle={(event) => setShowResolved((event.target as HTMLDetailsElement).open)}>
          <summary>{t("comments.resolved", { count: resolved.length })}</summary>
          {list(resolved)}
        </details>
      ) : null}
    </div>
  );
}

/** Selects a thread's text in the editor and scrolls it into view; false when its text is gone. */
export function showThreadInText(editor: Editor, threadId: string): boolean {
  let range: { from: number; to: number } | null = null;
  editor.state.doc.descendants((node, pos) => {
    if (!node.isText) return true;
    if (node.marks.some((m) => m.type.name === COMMENT_MARK && m.attrs.threadId === threadId)) {
      range = range ? { from: range.from, to: pos + node.nodeSize } : { from: pos, to: pos + node.nodeSize };
    }
    return false;
  });
  if (!range) return false;
  const { from, to } = range;
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, to)).scrollIntoView());
  editor.view.focus();
  editor.view.dom.querySelector(`[data-thread="${CSS.escape(threadId)}"]`)?.scrollIntoView({ block: "center" });
  return true;
}

/** The document's threads, loaded once and again whenever the space's event stream says they changed. */
export function useDocumentComments(spaceId: string, documentId: string): { action: string; data: SerializedComments | undefined } {
  const action = `/s/${spaceId}/docs/${documentId}/comments`;
  const list = useFetcher<SerializedComments | null>();
  const reload = useRef(() => {});
  // Offline, a load would fail and replace the page with an error: wait for the network instead.
  reload.current = () => {
    if (navigator.onLine) list.load(action);
    else window.addEventListener("online", () => reload.current(), { once: true });
  };
  useEffect(() => {
    reload.current();
  }, [action]);
  useCommentsChanged(documentId, () => reload.current());
  useRetryWhenUnreachable(list.state, list.data, () => reload.current());
  return { action, data: list.data ?? undefined };
}

/**
 * The document page's comments panel: starts a thread on the text selected in the editor (`pending`),
 * and lists the threads (`comments`, kept live by {@link useDocumentComments}).
 */
export function CommentsPanel({
  comments,
  editor,
  pending,
  onPendingDone,
  focusThread,
}: {
  comments: { action: string; data: SerializedComments | undefined };
  editor: Editor | null;
  pending: PendingThread | null;
  onPendingDone: () => void;
  focusThread: string | null;
}) {
  const { t } = useT();
  const message = useMessage();
  const { action, data } = comments;
  const start = useFetcher<CommentResult>();
  const step = useFetcher<CommentResult>();
  const [focus, setFocus] = useState<string | null>(focusThread);
  useEffect(() => setFocus(focusThread), [focusThread]);
  const started = start.data;
  useEffect(() => {
    if (start.state === "idle" && started?.notice === "started" && started.threadId) {
      onPendingDone();
      setFocus(started.threadId);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [start.state, started]);
  const onShow = (threadId: string) => {
    if (editor && !showThreadInText(editor, threadId)) setFocus(threadId);
  };
  return (
    <div className="comments-panel stack">
      {pending && data?.canStartThread ? (
        <start.Form method="post" action={action} className="stack new-thread" aria-label={t("comments.newThread")}>
          <input type="hidden" name="intent" value="startThread" />
          <input type="hidden" name="quote" value={pending.quote} />
          <input type="hidden" name="prefix" value={pending.prefix} />
          <input type="hidden" name="suffix" value={pending.suffix} />
          <input type="hidden" name="near" value={pending.near} />
          <p className="thread-quote">
            <q>{pending.quote}</q>
          </p>
          <CommentField
            name="body"
            label={t("comments.newComment")}
            people={data.people}
            withHint
            autoFocus
            defaultValue={started?.error ? started.body : undefined}
            error={started?.error && started.error !== "anchorChanged" && started.error !== "signed" ? message(started.error) : undefined}
          />
          {started?.error === "anchorChanged" || started?.error === "signed" ? (
            <p className="field-errors" role="alert">
              {message(started.error)}
            </p>
          ) : null}
          <div className="row">
            <button type="submit" disabled={start.state !== "idle"}>
              <MessageSquarePlus aria-hidden="true" size={16} />
              {t("comments.start")}
            </button>
            <button type="button" className="secondary" onClick={onPendingDone}>
              {t("document.cancel")}
            </button>
          </div>
        </start.Form>
      ) : data && !pending ? (
        data.canStartThread ? (
          <p className="muted">{t("comments.howTo")}</p>
        ) : null
      ) : null}
      {data ? (
        <CommentThreads
          action={action}
          threads={data.threads}
          canComment={data.canComment}
          people={data.people}
          result={step.data ?? null}
          busy={step.state !== "idle"}
          onShow={editor ? onShow : undefined}
          focusThread={focus}
          FormComponent={step.Form as unknown as typeof Form}
        />
      ) : (
        <p className="muted" role="status">
          {t("comments.loading")}
        </p>
      )}
    </div>
  );
}
