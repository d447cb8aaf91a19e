/**
 * The header's inbox count, shared by the streams of a page: the browser holds few connections to
 * one site (six over HTTP/1.1, for all its tabs together), so a page that holds a space's stream does
 * not open another for the count — that stream sends it too. `useSpaceEvents` tells this module while
 * a space stream is open and passes the counts on; the header (`useInboxCount`) opens the user's own
 * stream only while none is.
 */
let spaceStreams = 0;
const listeners = new Set<() => void>();
const counts = new Set<(count: number) => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

/** A space stream opened on this page; the returned function says it closed. */
export function spaceStreamOpened(): () => void {
  spaceStreams++;
  changed();
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    spaceStreams--;
    changed();
  };
}

/** How many space streams this page holds now. */
export function openSpaceStreams(): number {
  return spaceStreams;
}

/** Calls `listener` whenever that number changes. */
export function onSpaceStreams(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A stream of this page sent the user's inbox count. */
export function reportInboxCount(count: number): void {
  for (const listener of counts) listener(count);
}

/** Calls `listener` with every count a stream of this page sends. */
export function onInboxCount(listener: (count: number) => void): () => void {
  counts.add(listener);
  return () => counts.delete(listener);
}
