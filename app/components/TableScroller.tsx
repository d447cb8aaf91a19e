import type { ReactNode } from "react";

/**
 * A wide table's own horizontal scroller (the page never scrolls sideways): a labelled region that
 * takes keyboard focus, so someone without a mouse can scroll it with the arrow keys.
 */
export function TableScroller({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
