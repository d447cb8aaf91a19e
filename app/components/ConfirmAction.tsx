import { Form } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Dialog } from "~/components/Dialog";
import { useT } from "~/lib/i18n";

/**
 * A destructive action behind a confirmation that names what will happen: a button opening a dialog
 * (Cancel has focus first; Escape cancels and focus returns to the button) whose confirm button posts
 * the form. Before JavaScript has loaded, and without it, the same form sits in a disclosure: open it,
 * read what will happen, confirm. Nothing is posted by the first click either way.
 */
export function ConfirmAction({
  label,
  title,
  message,
  confirm,
  fields,
  action,
  className = "",
  ariaLabel,
  children,
}: {
  /** The opening button's text ("Delete card…"). */
  label: string;
  title: string;
  /** What will happen, in the user's words ("The card and its checklist are deleted …"). */
  message: string;
  /** The confirming button's text ("Delete card"). */
  confirm: string;
  /** Hidden fields of the form, the intent among them. */
  fields: Record<string, string>;
  action?: string;
  className?: string;
  /** The opening button's accessible name when its text alone is ambiguous ("Remove" → "Remove Egedal Kommune"). */
  ariaLabel?: string;
  /** Visible fields of the form (where a removed column's cards go). */
  children?: ReactNode;
}) {
  const { t } = useT();

  const [hydrated, setHydrated] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => setHydrated(true), []);
  const form = (
    <Form method="post" action={action} className="stack">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <div className="dialog-actions">
        <button type="submit" className="danger">
          {confirm}
        </button>
        {hydrated ? (
          <button type="button" className="secondary" onClick={() => setOpen(false)} data-autofocus>
            {t("document.cancel")}
          </button>
        ) : null}
      </div>
    </Form>
  );
  if (!hydrated) {
    return (
      <details className={`confirm-action ${className}`}>
        <summary aria-label={ariaLabel}>{label}</summary>
        <p>{message}</p>
        {form}
      </details>
    );
  }
  return (
    <>
      <button type="button" className={`danger ${className}`} aria-haspopup="dialog" aria-label={ariaLabel} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open ? (
        <Dialog title={title} onClose={() => setOpen(false)}>
          <p>{message}</p>
          {form}
        </Dialog>
      ) : null}
    </>
  );
}
