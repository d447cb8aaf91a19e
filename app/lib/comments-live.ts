import { useEffect, useRef } from "react";

/**
 * "The comments of this document changed" — told by the document page's event stream (one stream per
 * page), heard by the comments panel while it is open, without another stream of its own.
 */
const listeners = new Set<(documentId: string) => void>();

export function announceCommentsChanged(documentId: string): void {
  for (const listener of listeners) listener(documentId);
}

export function useCommentsChanged(documentId: string, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const listener = (id: string) => {
      if (id === documentId) latest.current();
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [documentId]);
}
