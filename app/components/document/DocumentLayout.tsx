import { History, Languages, MessageSquareText, Stamp, X, type LucideIcon } from "lucide-react";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useT } from "~/lib/i18n";

export type PanelId = "history" | "comments" | "approval" | "translations";

/**
 * The document page's frame. Everything but `title` and `children` is optional; a region whose node is
 * not given is not rendered (no empty toggles, no placeholders). See app/README.md ("Document page").
 *
 * - header (the shell's breadcrumbs above it lead to the space): `title`, `facts` (type, language, status), `approval` (the
 *   parties' approval state, beside the facts), `presence`, the panel toggles, `menu` (the "⋯" menu)
 * - below the header: `notices` (archived, signed, saved …)
 * - the body, three columns when the page (beside the sidebar) is 1100 px wide or more, text and panel from 720 px: `outline` | the text (`children`, a readable measure) |
 *   the open panel, else `commentMargin`. Narrower, one column: outline (folded), text, margin; an
 *   open panel covers the page as a full-width overlay.
 * - panels: `historyPanel`, `commentsPanel`, `approvalPanel`, `translationsPanel` — each given one gets a toggle in the
 *   header (aria-expanded) and opens in a labelled region with a close button; one at a time; Escape
 *   closes an open panel and returns focus to its toggle.
 */
export interface DocumentLayoutProps {
  title: ReactNode;
  facts?: ReactNode;
  approval?: ReactNode;
  presence?: ReactNode;
  menu?: ReactNode;
  notices?: ReactNode;
  outline?: ReactNode;
  commentMargin?: ReactNode;
  historyPanel?: ReactNode;
  commentsPanel?: ReactNode;
  approvalPanel?: ReactNode;
  translationsPanel?: ReactNode;
  /** Opens a panel from outside (a new comment on the selected text): each new `seq` opens `panel`. */
  openRequest?: { panel: PanelId; seq: number } | null;
  /** A count shown on a panel's toggle (open comment threads). */
  counts?: Partial<Record<PanelId, number>>;
  children: ReactNode;
}

const PANELS: { id: PanelId; prop: "historyPanel" | "commentsPanel" | "approvalPanel" | "translationsPanel"; icon: LucideIcon }[] = [
  { id: "comments", prop: "commentsPanel", icon: MessageSquareText },
  { id: "history", prop: "historyPanel", icon: History },
  { id: "approval", prop: "approvalPanel", icon: Stamp },
  { id: "translations", prop: "translationsPanel", icon: Languages },
];

export function DocumentLayout(props: DocumentLayoutProps) {
  const { t } = useT();
  const [open, setOpen] = useState<PanelId | null>(null);
  const toggles = useRef<Partial<Record<PanelId, HTMLButtonElement | null>>>({});
  const panelRef = useRef<HTMLElement>(null);
  const panels = PANELS.filter((p) => props[p.prop] != null);
  const current = panels.find((p) => p.id === open);
  useEffect(() => {
    // A panel that focused a field of its own (a new comment) keeps it.
    if (current && !panelRef.current?.contains(document.activeElement)) panelRef.current?.focus();
  }, [current]);
  useEffect(() => {
    if (props.openRequest) setOpen(props.openRequest.panel);
  }, [props.openRequest]);
  const close = () => {
    if (!open) return;
    const toggle = toggles.current[open];
    setOpen(null);
    requestAnimationFrame(() => toggle?.focus());
  };
  const onPanelKey = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      close();
    }
  };
  // The column beside the text is kept whenever something can fill it, so opening a panel moves nothing.
  const aside = panels.length > 0 || props.commentMargin != null;
  return (
    <div className="document-page">
      <header className="document-header">
        <div className="document-heading-row">
          <div className="document-heading">{props.title}</div>
          <div className="document-actions">
            {props.presence}
            {panels.map((p) => (
              <button
                key={p.id}
                ref={(el) => {
                  toggles.current[p.id] = el;
                }}
                type="button"
                className="secondary panel-toggle"
                aria-expanded={open === p.id}
                aria-controls={open === p.id ? `document-panel-${p.id}` : undefined}
                onClick={() => (open === p.id ? close() : setOpen(p.id))}
              >
                <p.icon aria-hidden="true" size={18} />
                <span>{t(`document.panels.${p.id}`)}</span>
                {props.counts?.[p.id] ? (
                  <span className="panel-count" aria-label={t("document.panelCount", { count: props.counts[p.id] })}>
                    {props.counts[p.id]}
                  </span>
                ) : null}
              </button>
            ))}
            {props.menu}
          </div>
        </div>
        {props.facts || props.approval ? (
          <div className="document-facts">
            {props.facts}
            {props.approval != null ? <div className="document-approval">{props.approval}</div> : null}
          </div>
        ) : null}
      </header>
      {props.notices}
      <div className={`document-layout${aside ? " has-aside" : ""}`}>
        <div className="document-outline-column">{props.outline}</div>
        <div className="document-text">{props.children}</div>
        {current ? (
          <section
            ref={panelRef}
            id={`document-panel-${current.id}`}
            className="document-panel"
            aria-labelledby={`document-panel-${current.id}-title`}
            tabIndex={-1}
            onKeyDown={onPanelKey}
          >
            <div className="document-panel-head">
              <h2 id={`document-panel-${current.id}-title`}>{t(`document.panels.${current.id}`)}</h2>
              <button type="button" className="icon-button" aria-label={t("document.closePanel")} data-tooltip={t("document.closePanel")} data-tip-align="end" onClick={close}>
                <X aria-hidden="true" size={18} />
              </button>
            </div>
            {props[current.prop]}
          </section>
        ) : props.commentMargin != null ? (
          <div className="document-margin">{props.commentMargin}</div>
        ) : aside ? (
          <div className="document-aside-space" />
        ) : null}
      </div>
    </div>
  );
}
