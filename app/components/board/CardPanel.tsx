import { Link, useNavigate, useOutletContext } from "@remix-run/react";
import { X } from "lucide-react";
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import type { BoardEvent } from "~/lib/useSpaceEvents";
import { useT } from "~/lib/i18n";
import "./card-panel.css";

/**
 * What the board route hands the card panel through its `<Outlet context>`: the board's own event
 * stream, so the panel follows its card without opening a second stream of the space.
 */
export interface CardPanelContext {
  /** Calls `listener` with every event of the board's stream (the catch-up after a (re)connect too); returns the unsubscribe. */
  onBoardEvent: (listener: (event: BoardEvent) => void) => () => void;
}

/** The board's stream, as the card panel sees it (nothing outside a board route). */
export function useBoardEvents(listener: (event: BoardEvent) => void): void {
  const context = useOutletContext<CardPanelContext | undefined>();
  const latest = useRef(listener);
  latest.current = listener;
  const subscribe = context?.onBoardEvent;
  useEffect(() => subscribe?.((event) => latest.current(event)), [subscribe]);
}

/**
 * A card over its board: a drawer on the right (a full-screen sheet at phone width), a non-modal
 * dialog labelled by its heading. Focus moves to the heading when it opens; its close button — a
 * link to the board, so it works without JavaScript — and Escape close it (the board then gives
 * focus back to the card). Nothing traps focus: the board stays reachable, and without JavaScript
 * the panel is just part of the page.
 */
export function CardPanel({
  heading,
  labelledBy,
  closeHref,
  children,
}: {
  /** The card's title, the panel's heading; or, with `labelledBy`, none (the content has its own heading). */
  heading?: ReactNode;
  labelledBy?: string;
  closeHref: string;
  children: ReactNode;
}) {
  const { t } = useT();
  const navigate = useNavigate();
  const panel = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    (headingRef.current ?? panel.current)?.focus({ preventScroll: true });
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    // A confirmation open inside the panel (a native <dialog>) takes its own Escape.
    if (event.target instanceof Element && event.target.closest("dialog")) return;
    event.preventDefault();
    navigate(closeHref, { preventScrollReset: true });
  };
  return (
    <div ref={panel} className="card-panel" role="dialog" aria-labelledby={labelledBy ?? "card-panel-title"} tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="card-panel-head">
        {heading != null ? (
          <h2 id="card-panel-title" ref={headingRef} tabIndex={-1}>
            {heading}
          </h2>
        ) : null}
        <Link
          to={closeHref}
          preventScrollReset
          className="icon-button card-panel-close"
          aria-label={t("board.closeCard")}
          data-tooltip={t("board.closeCard")}
          data-tip-align="end"
        >
          <X aria-hidden="true" size={18} />
        </Link>
      </div>
      <div className="card-panel-body stack">{children}</div>
    </div>
  );
}
