import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal dialog on the native <dialog> (showModal: the page behind is inert, so focus stays inside;
 * Escape closes it), labelled by its heading. On close, focus goes back to `returnFocus` — the control
 * that opened it, or whatever the caller names when that control is gone (a menu item). The element
 * marked `data-autofocus` gets focus first.
 */
export function Dialog({
  title,
  onClose,
  returnFocus,
  children,
  className = "",
}: {
  title: string;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const back = useRef(returnFocus);
  back.current = returnFocus;
  useEffect(() => {
    opener.current = document.activeElement;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal focuses the first focusable element; a safer or more useful one can ask for focus.
    dialog?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => {
      const target = back.current?.() ?? (opener.current instanceof HTMLElement && opener.current.isConnected ? opener.current : null);
      // After React has removed the dialog, so the browser does not move focus again.
      requestAnimationFrame(() => target?.focus());
    };
  }, []);
  return (
    <dialog ref={ref} className={`dialog ${className}`} aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </dialog>
  );
}
