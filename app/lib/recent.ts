/**
 * The sidebar's recently opened documents and boards, kept in this browser per user (localStorage),
 * newest first. Only ids and titles; shown only for spaces the user can still open (the sidebar's
 * list from the server), and forgotten at log-out with the offline copies.
 */
export interface RecentItem {
  href: string;
  title: string;
  kind: "document" | "board";
  spaceId: string;
}

const PREFIX = "twinning.recent.";
const KEEP = 6;

export function readRecent(userId: string): RecentItem[] {
  try {
    const items = JSON.parse(localStorage.getItem(PREFIX + userId) ?? "[]");
    return Array.isArray(items) ? items.filter((i) => typeof i?.href === "string" && typeof i?.title === "string") : [];
  } catch {
    return [];
  }
}

export function rememberRecent(userId: string, item: RecentItem): RecentItem[] {
  const items = [item, ...readRecent(userId).filter((i) => i.href !== item.href)].slice(0, KEEP);
  try {
    localStorage.setItem(PREFIX + userId, JSON.stringify(items));
  } catch {
    // Storage full or refused (private mode): the list is a convenience.
  }
  return items;
}

export function forgetRecent(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
}
