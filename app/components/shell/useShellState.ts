import { useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type RefObject } from "react";

/** Below this width the sidebar is a drawer over the page; above, a column that can be hidden. */
const DRAWER_QUERY = "(max-width: 1023.98px)";
const HIDDEN_KEY = "twinning.sidebar";

export interface ShellToggleProps {
  href: string;
  ref: RefObject<HTMLAnchorElement>;
  onClick: (event: MouseEvent) => void;
  role?: "button";
  "aria-expanded"?: boolean;
  "aria-controls": string;
}

/**
 * The sidebar's state: hidden or shown on wide screens (remembered in this browser), open or closed as
 * a drawer on narrow ones. The header's toggle is a link to `#sidebar` (without JavaScript the drawer
 * opens as the link's target) that becomes a button once the page runs. An open drawer takes focus,
 * makes the page behind it inert, and closes on Escape (focus back on the toggle), on the backdrop and
 * when a link in it navigates.
 */
export function useShellState() {
  const { pathname } = useLocation();
  const [mounted, setMounted] = useState(false);
  const [narrow, setNarrow] = useState(false);
  const [hidden, setHidden] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const toggleRef = useRef<HTMLAnchorElement>(null);
  const sidebarRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const query = window.matchMedia(DRAWER_QUERY);
    const update = () => setNarrow(query.matches);
    update();
    setHidden(localStorage.getItem(HIDDEN_KEY) === "hidden");
    setMounted(true);
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);

  // A link in the drawer navigated: the drawer has done its job.
  useEffect(() => setDrawer(false), [pathname]);

  useEffect(() => {
    if (!drawer) return;
    const first = sidebarRef.current?.querySelector<HTMLElement>("a[href], button, select");
    first?.focus();
  }, [drawer]);

  const remember = (value: boolean) => {
    setHidden(value);
    try {
      localStorage.setItem(HIDDEN_KEY, value ? "hidden" : "shown");
    } catch {
      // Not remembered; still hidden for this page.
    }
  };

  const hide = useCallback(() => {
    if (narrow) setDrawer(false);
    else remember(true);
    requestAnimationFrame(() => toggleRef.current?.focus());
  }, [narrow]);

  const onSidebarKey = (event: KeyboardEvent) => {
    if (event.key === "Escape" && narrow && drawer) {
      event.stopPropagation();
      hide();
    }
  };

  const expanded = narrow ? drawer : !hidden;
  const toggleProps: ShellToggleProps = {
    href: "#sidebar",
    ref: toggleRef,
    "aria-controls": "sidebar",
    ...(mounted ? { role: "button" as const, "aria-expanded": expanded } : {}),
    onClick: (event) => {
      event.preventDefault();
      if (narrow) setDrawer((open) => !open);
      else remember(!hidden);
    },
  };

  return { hidden: mounted && !narrow && hidden, drawer: narrow && drawer, narrow, toggleProps, hide, onSidebarKey, sidebarRef };
}
