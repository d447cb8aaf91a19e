import { useActionData, useFetcher } from "@remix-run/react";
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent } from "react";
import { LIMITS } from "@twinning/domain";
import { translateMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";

export interface DocumentTitleHandle {
  /** Turns the heading into its input (the "Rename" menu item). */
  edit: () => void;
}

type RenameResult = { intent: string; error?: string; title?: string; notice?: string };

/**
 * The document's title, once: the page's heading. Who may manage the document gets the heading as a
 * button that becomes an input on click, Enter or F2; Enter or leaving the field saves it (the route's
 * `rename` intent), Escape cancels. A refused title keeps the input open with what was typed and the
 * translated reason.
 */
export const DocumentTitle = forwardRef<DocumentTitleHandle, { title: string; canRename: boolean }>(function DocumentTitle({ title, canRename }, handle) {
  const { t } = useT();
  const fetcher = useFetcher<RenameResult>();
  // A title refused on a post without JavaScript comes back as the route's action data.
  const actionData = useActionData<RenameResult>();
  const posted = actionData?.intent === "rename" && actionData.error ? actionData : undefined;
  const [editing, setEditing] = useState(Boolean(posted));
  const [value, setValue] = useState(posted?.title ?? title);
  const input = useRef<HTMLInputElement>(null);
  // One save per edit: Enter saves, and the blur that follows must not save again.
  const submitted = useRef(false);
  // Focus goes back to the heading's button when it is rendered again (a ref callback, not a timer: a
  // busy browser may render it after the next frame).
  const refocus = useRef(false);
  const focusTitle = () => {
    refocus.current = true;
  };
  const titleButton = (button: HTMLButtonElement | null) => {
    if (!button || !refocus.current) return;
    refocus.current = false;
    button.focus();
  };
  const start = () => {
    setValue(title);
    submitted.current = false;
    setEditing(true);
  };
  useImperativeHandle(handle, () => ({ edit: start }));
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);
  const result = fetcher.state === "idle" && fetcher.data?.intent === "rename" ? fetcher.data : undefined;
  const error = fetcher.data ? result?.error : posted?.error;
  useEffect(() => {
    if (!result || !submitted.current) return;
    if (result.error) {
      submitted.current = false;
      input.current?.focus();
    } else if (result.notice) {
      submitted.current = false;
      setEditing(false);
      focusTitle();
    }
  }, [result]);

  const save = () => {
    if (submitted.current) return;
    if (value === title && !error) {
      setEditing(false);
      return;
    }
    submitted.current = true;
    fetcher.submit({ intent: "rename", title: value }, { method: "post" });
  };
  const cancel = () => {
    submitted.current = true;
    setValue(title);
    setEditing(false);
    focusTitle();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      cancel();
    }
  };

  if (!canRename) return <h1 className="document-title">{title}</h1>;
  if (editing) {
    return (
      <fetcher.Form
        method="post"
        className="document-title-edit"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <input type="hidden" name="intent" value="rename" />
        <label htmlFor="document-title-input" className="visually-hidden">
          {t("document.title")}
        </label>
        <input
          ref={input}
          id="document-title-input"
          name="title"
          className="document-title-input"
          value={value}
          maxLength={LIMITS.documentTitleLength}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "document-title-error document-title-help" : "document-title-help"}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={save}
          readOnly={fetcher.state !== "idle"}
        />
        <p id="document-title-help" className="hint">
          {t("document.titleEditHint")}
        </p>
        {error ? (
          <p id="document-title-error" role="alert" className="field-errors">
            {translateMessage(t, "errors", error)}
          </p>
        ) : null}
      </fetcher.Form>
    );
  }
  return (
    <>
      <h1 className="document-title">
        <button
          ref={titleButton}
          id="document-title-button"
          type="button"
          className="document-title-button"
          aria-describedby="document-title-hint"
          onClick={start}
          onKeyDown={(e) => {
            if (e.key === "F2") {
              e.preventDefault();
              start();
            }
          }}
        >
          {title}
        </button>
      </h1>
      <span id="document-title-hint" className="visually-hidden">
        {t("document.titleHint")}
      </span>
    </>
  );
});
