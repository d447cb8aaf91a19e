import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

export interface BoardEvent {
  type: "board";
  boardId: string;
  cardIds: string[];
  /** The changed cards as they now are (absent for column or area changes). */
  cards?: (Record<string, unknown> & { id: string; deleted: boolean })[];
}

/**
 * Listens to the space's event stream. With no handler, any board event revalidates the page's data
 * (debounced), so what others change appears without a reload.
 */
export function useSpaceEvents(spaceId: string, onEvent?: (event: BoardEvent) => void, filter?: (event: BoardEvent) => boolean): void {
  const revalidator = useRevalidator();
  const latest = useRef({ onEvent, filter, revalidator });
  latest.current = { onEvent, filter, revalidator };
  useEffect(() => {
    const source = new EventSource(`/s/${spaceId}/events`);
    let timer: number | undefined;
    // Changes made between this page's load and the stream's start would be missed: catch up once
    // the stream is there (and after every reconnect).
    source.addEventListener("ready", () => {
      const { onEvent, revalidator } = latest.current;
      if (onEvent) onEvent({ type: "board", boardId: "", cardIds: [] });
      else revalidator.revalidate();
    });
    source.addEventListener("board", (message) => {
      const event = JSON.parse((message as MessageEvent).data) as BoardEvent;
      const { onEvent, filter, revalidator } = latest.current;
      if (filter && !filter(event)) return;
      if (onEvent) return onEvent(event);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => revalidator.revalidate(), 50);
    });
    return () => {
      window.clearTimeout(timer);
      source.close();
    };
  }, [spaceId]);
}
