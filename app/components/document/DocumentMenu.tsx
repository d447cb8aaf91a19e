import { useFetcher, useNavigate } from "@remix-run/react";
import { Ellipsis } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { DOCUMENT_TYPES, LOCALES } from "@twinning/domain";
import { Dialog } from "~/components/Dialog";
import { Menu, type MenuItem } from "~/components/Menu";
import { useExport, type BilingualPair } from "~/components/document/useExport";
import { translateMessage } from "~/lib/forms";
import { useT } from "~/lib/i18n";

type Choice = "type" | "language";
type Result = { intent: string; error?: string; notice?: string };

const CHOICES: Record<Choice, { intent: string; field: string; values: readonly string[]; prefix: string }> = {
  type: { intent: "setType", field: "type", values: DOCUMENT_TYPES, prefix: "documentTypes" },
  language: { intent: "setLanguage", field: "language", values: LOCALES, prefix: "languages" },
};

/**
 * The document's "⋯" menu for those who manage it: rename (the title turns into its input), type,
 * language (each a small dialog; the status follows from the approval flow), "Start approval…" (documents
 * whose type does not show the approval flow: its page), archive (after a confirmation) or restore. Each posts
 * the route's own intent; the page reloads its data and says "Saved".
 */
export function DocumentMenu({
  doc,
  canManage = true,
  exportPath,
  bilingual,
  onRename,
  onSaved,
  startApproval,
}: {
  doc: { type: string; language: string; status: string; archived: boolean };
  /** False for those who only read: the menu then offers the exports alone. */
  canManage?: boolean;
  /** The document's page: the menu offers to export it in each format. */
  exportPath?: string;
  /** The linked translations (or the source): each offered as a bilingual export. */
  bilingual?: BilingualPair[];
  onRename: () => void;
  onSaved: () => void;
  /** Given for a document whose type does not show the approval flow by default: where it is started. */
  startApproval?: string;
}) {
  const { t } = useT();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Choice | "archive" | null>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  const exporter = useExport(exportPath, undefined, bilingual);
  const restore = useFetcher<Result>();
  useSaved(restore, onSaved);
  const manageItems: MenuItem[] = [
    { id: "rename", label: t("document.rename"), onSelect: onRename },
    { id: "type", label: t("document.changeType"), onSelect: () => setDialog("type") },
    { id: "language", label: t("document.changeLanguage"), onSelect: () => setDialog("language") },
    ...(startApproval ? [{ id: "startApproval", label: t("approval.start"), onSelect: () => navigate(startApproval) }] : []),
    doc.archived
      ? { id: "restore", label: t("document.restore"), onSelect: () => restore.submit({ intent: "restore" }, { method: "post" }) }
      : { id: "archive", label: t("document.archiveEllipsis"), onSelect: () => setDialog("archive") },
  ];
  // The exports go before archive or restore, which stays last.
  const items = canManage ? [...manageItems.slice(0, -1), ...exporter.items, ...manageItems.slice(-1)] : exporter.items;
  const close = () => setDialog(null);
  const returnFocus = () => button.current;
  return (
    <>
      <Menu label={t("document.more")} icon={<Ellipsis aria-hidden="true" size={20} />} items={items} buttonRef={button} className="document-menu" />
      {exporter.status}
      <p className="print-only print-version">
        {t("export.version")}: {t("export.currentText")}
      </p>
      {dialog === "archive" ? (
        <ArchiveDialog onClose={close} onDone={() => (close(), onSaved())} returnFocus={returnFocus} />
      ) : dialog ? (
        <ChoiceDialog choice={dialog} current={doc[dialog]} onClose={close} onDone={() => (close(), onSaved())} returnFocus={returnFocus} />
      ) : null}
    </>
  );
}

/** Calls `done` once for each answer of the fetcher that saved something. */
function useSaved(fetcher: { state: string; data?: Result }, done: () => void) {
  const seen = useRef<Result | undefined>(undefined);
  const latest = useRef(done);
  latest.current = done;
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data?.notice || seen.current === fetcher.data) return;
    seen.current = fetcher.data;
    latest.current();
  }, [fetcher.state, fetcher.data]);
}

function ChoiceDialog({ choice, current, onClose, onDone, returnFocus }: { choice: Choice; current: string; onClose: () => void; onDone: () => void; returnFocus: () => HTMLElement | null }) {
  const { t } = useT();
  const fetcher = useFetcher<Result>();
  const { intent, field, values, prefix } = CHOICES[choice];
  useSaved(fetcher, onDone);
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  const title = { type: t("document.changeType"), language: t("document.changeLanguage") }[choice];
  return (
    <Dialog title={title} onClose={onClose} returnFocus={returnFocus}>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value={intent} />
        <div className="field">
          <label htmlFor={`document-${field}`}>{t(`document.${field}`)}</label>
          <select id={`document-${field}`} name={field} defaultValue={current} data-autofocus aria-invalid={error ? true : undefined} aria-describedby={error ? `document-${field}-error` : undefined}>
            {values.map((value) => (
              <option key={value} value={value} lang={choice === "language" ? value : undefined}>
                {t(`${prefix}.${value}`)}
              </option>
            ))}
          </select>
          {error ? (
            <p id={`document-${field}-error`} role="alert" className="field-errors">
              {translateMessage(t, "errors", error)}
            </p>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="submit" disabled={fetcher.state !== "idle"}>
            {t("document.save")}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            {t("document.cancel")}
          </button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

function ArchiveDialog({ onClose, onDone, returnFocus }: { onClose: () => void; onDone: () => void; returnFocus: () => HTMLElement | null }) {
  const { t } = useT();
  const fetcher = useFetcher<Result>();
  useSaved(fetcher, onDone);
  return (
    <Dialog title={t("document.archiveConfirmTitle")} onClose={onClose} returnFocus={returnFocus}>
      <p>{t("document.archiveConfirm")}</p>
      <fetcher.Form method="post" className="dialog-actions">
        <button type="submit" name="intent" value="archive" className="danger" disabled={fetcher.state !== "idle"}>
          {t("document.archive")}
        </button>
        <button type="button" className="secondary" onClick={onClose} data-autofocus>
          {t("document.cancel")}
        </button>
      </fetcher.Form>
    </Dialog>
  );
}
