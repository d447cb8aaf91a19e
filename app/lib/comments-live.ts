import { useEffect, useRef } from "react";

/**
 * "The comments (or the translations) of this document changed" — told by the document page's event
 * stream (one stream per page), heard by the comments and translations panels while they are open,
 * without another stream of their own.
 */
type Kind = "comments" | "translations";
const listeners = new Set<(kind: Kind, documentId: string) => void>();

export function announceDocumentChanged(kind: Kind, documentId: string): void {
  for (const listener of listeners) listener(kind, documentId);
}

/** Calls `onChange` when a change of `kind` is told about any of `documentIds`. */
export function useDocumentChanged(kind: Kind, documentIds: string[], onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  const ids = documentIds.join(",");
  useEffect(() => {
    const wanted = new Set(ids.split(","));
    const listener = (k: Kind, id: string) => {
      if (k === kind && wanted.has(id)) latest.current();
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [kind, ids]);
}

export const announceCommentsChanged = (documentId: string) => announceDocumentChanged("comments", documentId);
export const useCommentsChanged = (documentId: string, onChange: () => void) => useDocumentChanged("comments", [documentId], onChange);
