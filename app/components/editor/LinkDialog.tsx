import { useState, type FormEvent } from "react";
import { Dialog } from "~/components/Dialog";
import { checkLink, type LinkRefusal } from "~/lib/links";
import { useT } from "~/lib/i18n";

/**
 * The link dialog (instead of the browser's prompt): the address, and the text to show when nothing is
 * selected. A refused address keeps what was typed and says why (see `checkLink`).
 */
export function LinkDialog({
  initialHref,
  askText,
  onInsert,
  onClose,
  returnFocus,
}: {
  initialHref: string;
  /** Nothing is selected: the link needs a text of its own. */
  askText: boolean;
  onInsert: (link: { href: string; text: string }) => void;
  onClose: () => void;
  /** Where focus goes when the dialog closes (the editor once a link is in); else back to the opener. */
  returnFocus?: () => HTMLElement | null;
}) {
  const { t } = useT();
  const [href, setHref] = useState(initialHref);
  const [text, setText] = useState("");
  const [refusal, setRefusal] = useState<LinkRefusal | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkLink(href);
    if (!checked.ok) return setRefusal(checked);
    onInsert({ href: checked.href, text: text.trim() });
  };
  return (
    <Dialog title={t("editor.linkTitle")} onClose={onClose} returnFocus={returnFocus} className="link-dialog">
      <form method="dialog" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="link-href">{t("editor.linkAddress")}</label>
          <p id="link-href-hint" className="hint">
            {t("editor.linkHint")}
          </p>
          <input
            id="link-href"
            type="text"
            inputMode="url"
            autoComplete="url"
            value={href}
            onChange={(e) => {
              setHref(e.target.value);
              setRefusal(null);
            }}
            aria-invalid={refusal ? true : undefined}
            aria-describedby={refusal ? "link-href-error link-href-hint" : "link-href-hint"}
            autoFocus
          />
          {refusal ? (
            <p id="link-href-error" role="alert" className="field-errors">
              {t(`editor.linkErrors.${refusal.reason}`, refusal.reason === "scheme" ? { scheme: refusal.scheme } : {})}
            </p>
          ) : null}
        </div>
        {askText ? (
          <div className="field">
            <label htmlFor="link-text">{t("editor.linkText")}</label>
            <input id="link-text" type="text" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="submit">{t("editor.linkInsert")}</button>
          <button type="button" className="secondary" onClick={onClose}>
            {t("document.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
