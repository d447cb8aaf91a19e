import { Link, useLocation } from "@remix-run/react";
import { Clock } from "lucide-react";
import { useEffect, useState } from "react";
import { readRecent, rememberRecent, type RecentItem } from "~/lib/recent";
import type { SidebarData } from "~/lib/sidebar.server";
import { useT } from "~/lib/i18n";
import { useRootData } from "~/root";

const PAGE = /^\/s\/([^/]+)\/(docs|boards)\/([^/]+)$/;

/**
 * The last documents and boards opened in this browser: a page of the open space is remembered with
 * the title the sidebar has for it; items of spaces the user can no longer open are not shown. Rendered
 * after hydration only (the server does not know this browser's list).
 */
export function RecentItems({ sidebar }: { sidebar: SidebarData }) {
  const { t } = useT();
  const userId = useRootData()?.user?.id;
  const { pathname } = useLocation();
  const [items, setItems] = useState<RecentItem[]>([]);

  useEffect(() => {
    if (!userId) return;
    const match = PAGE.exec(pathname);
    const open = sidebar.current;
    if (!match || !open || match[1] !== open.spaceId) return setItems(readRecent(userId));
    const found = match[2] === "docs" ? open.documents.find((d) => d.id === match[3]) : open.boards.find((b) => b.id === match[3]);
    if (!found) return setItems(readRecent(userId));
    setItems(rememberRecent(userId, { href: pathname, title: found.title, kind: match[2] === "docs" ? "document" : "board", spaceId: open.spaceId }));
  }, [userId, pathname, sidebar]);

  const visible = new Set(sidebar.spaces.map((s) => s.id));
  const shown = items.filter((i) => visible.has(i.spaceId) && i.href !== pathname).slice(0, 5);
  if (!shown.length) return null;
  return (
    <>
      <p className="sidebar-heading" id="sidebar-recent">
        {t("shell.recent")}
      </p>
      <ul className="sidebar-list" aria-labelledby="sidebar-recent">
        {shown.map((item) => (
          <li key={item.href}>
            <Link to={item.href} className="sidebar-link">
              <Clock aria-hidden="true" size={18} />
              <span className="sidebar-label">
                {item.title}
                <span className="visually-hidden">, {t(item.kind === "document" ? "shell.document" : "shell.board")}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
