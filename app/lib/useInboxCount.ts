import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { stillSignedIn } from "./access-lost";
import { onInboxCount, onSpaceStreams, openSpaceStreams } from "./inbox-live";

/**
 * The header's inbox count, live on every page: starts from the page's data (the root loader) and
 * follows the count the page's streams send whenever something arrives in the inbox or is read (in
 * any tab) — the space's stream on a space's pages, else the user's own stream (`/inbox/events`),
 * opened only while the page holds no space stream (`inbox-live.ts`). A newer page load wins over an
 * older event, and the other way round. When the session ends the own stream stops (unless this
 * browser holds a new session, its password changed here: then it reopens).
 */
export function useInboxCount(fromPage: number, signedIn: boolean): number {
  const [live, setLive] = useState<{ count: number; at: number } | null>(null);
  const page = useRef({ count: fromPage, at: 0 });
  if (page.current.count !== fromPage) page.current = { count: fromPage, at: Date.now() };
  const spaceStreams = useSyncExternalStore(onSpaceStreams, openSpaceStreams, () => 0);
  useEffect(() => onInboxCount((count) => setLive({ count, at: Date.now() })), []);
  const ownStream = signedIn && spaceStreams === 0;
  useEffect(() => {
    if (!ownStream) return;
    let source: EventSource | null = null;
    let stopped = false;
    const open = () => {
      const current = new EventSource("/inbox/events");
      source = current;
      current.addEventListener("inbox", (message) => {
        const { count } = JSON.parse((message as MessageEvent).data) as { count: number };
        setLive({ count, at: Date.now() });
      });
      current.addEventListener("access", () => {
        current.close();
        void stillSignedIn().then((yes) => {
          if (yes && !stopped) open();
        });
      });
    };
    open();
    return () => {
      stopped = true;
      source?.close();
    };
  }, [ownStream]);
  return live && live.at >= page.current.at ? live.count : fromPage;
}
