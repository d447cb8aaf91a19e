import { useEffect, useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from "react";

export interface MenuItem {
  id: string;
  label: string;
  onSelect: () => void;
}

/**
 * A menu button (WAI-ARIA menu button pattern): the button has aria-haspopup and aria-expanded; the
 * open menu takes focus on its first item, arrow keys, Home and End move, Enter or Space chooses, Escape
 * closes and returns focus to the button, Tab or a click elsewhere closes it.
 */
export function Menu({
  label,
  icon,
  items,
  className = "",
  buttonRef,
}: {
  label: string;
  icon: ReactNode;
  items: MenuItem[];
  className?: string;
  /** The menu's button, for a dialog an item opens to return focus to. */
  buttonRef?: Ref<HTMLButtonElement | null>;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useImperativeHandle(buttonRef, () => button.current, []);
  const list = useRef<HTMLUListElement>(null);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const [start, setStart] = useState<"first" | "last">("first");
  // The list opens towards the middle of the window: under a button at the left edge it must not leave it.
  const [align, setAlign] = useState<"start" | "end">("end");
  const openMenu = (from: "first" | "last") => {
    const box = button.current?.getBoundingClientRect();
    setAlign(box && box.left + box.width / 2 < window.innerWidth / 2 ? "start" : "end");
    setStart(from);
    setOpen(true);
  };

  useEffect(() => {
    if (!open) return;
    refs.current[start === "first" ? 0 : items.length - 1]?.focus();
    const outside = (event: PointerEvent) => {
      if (!list.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open, start, items.length]);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };
  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      openMenu(event.key === "ArrowDown" ? "first" : "last");
    }
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const current = refs.current.findIndex((el) => el === document.activeElement);
    const move = (to: number) => {
      event.preventDefault();
      refs.current[(to + items.length) % items.length]?.focus();
    };
    if (event.key === "ArrowDown") move(current + 1);
    else if (event.key === "ArrowUp") move(current - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(items.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") setOpen(false);
  };
  return (
    <div className={`menu ${className}`}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        data-tooltip={label}
        onClick={() => (open ? setOpen(false) : openMenu("first"))}
        onKeyDown={onButtonKey}
      >
        {icon}
      </button>
      {open ? (
        <ul ref={list} id={id} role="menu" aria-label={label} className="menu-list" data-align={align} onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <li key={item.id} role="none">
              <button
                ref={(el) => {
                  refs.current[i] = el;
                }}
                type="button"
                role="menuitem"
                tabIndex={-1}
                data-item={item.id}
                onClick={() => {
                  // The chosen item decides where focus goes next (a dialog, the title field).
                  setOpen(false);
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
