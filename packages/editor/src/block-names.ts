import * as Y from "yjs";
import { BLOCK_ID, BLOCK_TYPES, newBlockId } from "./block-ids";
import { FRAGMENT } from "./schema";

/** A live Yjs document's top-level blocks without an id, or with one an earlier block has; and the ids taken. */
function unnamedBlocks(ydoc: Y.Doc): { unnamed: Y.XmlElement[]; taken: Set<string> } {
  const unnamed: Y.XmlElement[] = [];
  const taken = new Set<string>();
  for (const child of ydoc.getXmlFragment(FRAGMENT).toArray()) {
    if (!(child instanceof Y.XmlElement) || !BLOCK_TYPES.includes(child.nodeName)) continue;
    const id = child.getAttribute(BLOCK_ID);
    if (typeof id === "string" && id && !taken.has(id)) taken.add(id);
    else unnamed.push(child);
  }
  return { unnamed, taken };
}

/** The same on a live Yjs document (a server change through the collaboration server); how many blocks were named. */
export function nameBlocks(ydoc: Y.Doc): number {
  const { unnamed, taken } = unnamedBlocks(ydoc);
  if (!unnamed.length) return 0;
  ydoc.transact(() => {
    for (const block of unnamed) {
      let fresh: string;
      do fresh = newBlockId();
      while (taken.has(fresh));
      taken.add(fresh);
      block.setAttribute(BLOCK_ID, fresh);
    }
  });
  return unnamed.length;
}

/** Whether `nameBlocks` would name anything (a read: cheap beside naming, no transaction). */
export function hasUnnamedBlocks(ydoc: Y.Doc): boolean {
  return unnamedBlocks(ydoc).unnamed.length > 0;
}
