import * as Y from "yjs";
import { BLOCK_ID, BLOCK_TYPES, newBlockId } from "./block-ids";
import { FRAGMENT } from "./schema";

/** The same on a live Yjs document (a server change through the collaboration server); how many blocks were named. */
export function nameBlocks(ydoc: Y.Doc): number {
  let named = 0;
  const seen = new Set<string>();
  ydoc.transact(() => {
    for (const child of ydoc.getXmlFragment(FRAGMENT).toArray()) {
      if (!(child instanceof Y.XmlElement) || !BLOCK_TYPES.includes(child.nodeName)) continue;
      const id = child.getAttribute(BLOCK_ID);
      if (typeof id === "string" && id && !seen.has(id)) {
        seen.add(id);
        continue;
      }
      const fresh = newBlockId();
      seen.add(fresh);
      child.setAttribute(BLOCK_ID, fresh);
      named++;
    }
  });
  return named;
}

/** Whether `nameBlocks` would name anything (a read, cheap beside naming: no transaction). */
export function hasUnnamedBlocks(ydoc: Y.Doc): boolean {
  const seen = new Set<string>();
  for (const child of ydoc.getXmlFragment(FRAGMENT).toArray()) {
    if (!(child instanceof Y.XmlElement) || !BLOCK_TYPES.includes(child.nodeName)) continue;
    const id = child.getAttribute(BLOCK_ID);
    if (typeof id !== "string" || !id || seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}
