import { useEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { useSpaceEvents } from "~/lib/useSpaceEvents";
import type { CardSummary } from "./CardNode";

/** The card ids referenced in the Yjs document (cardLink elements, anywhere in the tree). */
function linkedIds(ydoc: Y.Doc): string[] {
  const ids = new Set<string>();
  const walk = (node: Y.XmlElement | Y.XmlFragment) => {
    for (const child of node.toArray()) {
      if (!("nodeName" in child)) continue;
      const element = child as Y.XmlElement;
      if (element.nodeName === "cardLink") {
        const id = element.getAttribute("cardId");
        if (typeof id === "string") ids.add(id);
      } else {
        walk(element);
      }
    }
  };
  walk(ydoc.getXmlFragment("default"));
  return [...ids].sort();
}

/**
 * Live data for the card nodes of a document: fetched for the cards it links, and again whenever the
 * space's event stream says one of them changed (someone moved it on a board).
 */
export function useCardSummaries(ydoc: Y.Doc, spaceId: string): Map<string, CardSummary> {
  const [cards, setCards] = useState(new Map<string, CardSummary>());
  const [ids, setIds] = useState<string[]>([]);
  const idsRef = useRef<string[]>([]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scan = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = linkedIds(ydoc);
        if (next.join() !== idsRef.current.join()) {
          idsRef.current = next;
          setIds(next);
        }
      }, 100);
    };
    scan();
    ydoc.on("update", scan);
    return () => {
      clearTimeout(timer);
      ydoc.off("update", scan);
    };
  }, [ydoc]);
  const [version, setVersion] = useState(0);
  useSpaceEvents(spaceId, () => setVersion((v) => v + 1), (event) => event.cardIds.some((id) => idsRef.current.includes(id)) || event.cardIds.length === 0);
  useEffect(() => {
    if (!ids.length) return;
    const controller = new AbortController();
    fetch(`/api/cards?ids=${ids.join(",")}`, { signal: controller.signal })
      .then((r) => r.json())
      .then((body: { cards: CardSummary[] }) => setCards(new Map(body.cards.map((c) => [c.id, c]))))
      .catch(() => {});
    return () => controller.abort();
  }, [ids, version]);
  return cards;
}
