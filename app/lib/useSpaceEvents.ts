import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { AccessLostReason } from "@twinning/collab/access-message";
import { reportAccessLost, stillSignedIn } from "./access-lost";
import { reportInboxCount, spaceStreamOpened } from "./inbox-live";

export interface BoardEvent {
  type: "board";
  boardId: string;
  cardIds: string[];
  /** The changed cards as they now are (absent for column or area changes). */
  cards?: (Record<string, unknown> & { id: string; deleted: boolean })[];
}

/** Other events of the stream, for pages that follow more than boards. */
export interface SpaceSignals {
  /** A document's approval state changed. */
  approval?: (documentId: string) => void;
  /** Something arrived in this user's inbox (or was read); the header's count follows by itself. */
  inbox?: () => void;
  /** A document's comment threads changed. */
  comments?: (documentId: string) => void;
  /** A source's or translation's blocks, or what a translation has reviewed, changed. */
  translations?: (documentId: string) => void;
}

/**
 * Listens to the space's event stream. With no handler, any board event revalidates the page's data
 * (debounced), so what others change appears without a reload. An `access` event (access ended)
 * closes the stream and is reported for `AccessLostNotice`.
 */
export function useSpaceEvents(spaceId: string, onEvent?: (event: BoardEvent) => void, filter?: (event: BoardEvent) => boolean, signals?: SpaceSignals): void {
  const revalidator = useRevalidator();
  const latest = useRef({ onEvent, filter, revalidator, signals });
  latest.current = { onEvent, filter, revalidator, signals };
  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    let timer: number | undefined;
    // While it is open the header takes the inbox count from it (no stream of its own).
    const closed = spaceStreamOpened();
    const open = () => {
      const current = new EventSource(`/s/${spaceId}/events`);
      source = current;
      // Changes made between this page's load and the stream's start would be missed: catch up once
      // the stream is there (and after every reconnect).
      current.addEventListener("ready", () => {
        const { onEvent, revalidator } = latest.current;
        if (onEvent) onEvent({ type: "board", boardId: "", cardIds: [] });
        else revalidator.revalidate();
      });
      // Access ended (organisation removed, user removed, session ended): say why and stop for good,
      // instead of the browser's automatic reconnect knocking on a door that stays shut. A session
      // that ended while this browser already holds a new one (its password was changed here) reopens.
      current.addEventListener("access", (message) => {
        current.close();
        const { reason } = JSON.parse((message as MessageEvent).data) as { reason: AccessLostReason };
        void (async () => {
          if (reason === "sessionEnded" && (await stillSignedIn())) {
            if (!stopped) open();
          } else {
            // Closed for good: the header's count goes on without it (its own stream), unless the session ended.
            if (reason !== "sessionEnded") closed();
            reportAccessLost(spaceId, reason);
          }
        })();
      });
      current.addEventListener("board", (message) => {
        const event = JSON.parse((message as MessageEvent).data) as BoardEvent;
        const { onEvent, filter, revalidator } = latest.current;
        if (filter && !filter(event)) return;
        if (onEvent) return onEvent(event);
        window.clearTimeout(timer);
        timer = window.setTimeout(() => revalidator.revalidate(), 50);
      });
      current.addEventListener("approval", (message) => {
        const { documentId } = JSON.parse((message as MessageEvent).data) as { documentId: string };
        latest.current.signals?.approval?.(documentId);
      });
      current.addEventListener("comments", (message) => {
        const { documentId } = JSON.parse((message as MessageEvent).data) as { documentId: string };
        latest.current.signals?.comments?.(documentId);
      });
      current.addEventListener("translations", (message) => {
        const { documentId } = JSON.parse((message as MessageEvent).data) as { documentId: string };
        latest.current.signals?.translations?.(documentId);
      });
      current.addEventListener("inbox", (message) => {
        const { count } = JSON.parse((message as MessageEvent).data) as { count?: number };
        if (typeof count === "number") reportInboxCount(count);
        latest.current.signals?.inbox?.();
      });
    };
    open();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
      closed();
    };
  }, [spaceId]);
}
