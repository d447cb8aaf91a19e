import type { PMNode } from "./model";

/**
 * The rows of a bilingual export (issue 15): each top-level block of the source beside the
 * translation's block of the same block id (`blockId`, packages/editor/src/block-ids.ts), in the
 * source's order. A block only in the source has an empty right cell; a block only in the
 * translation gets a row of its own, with an empty left cell, after the row of the translated block
 * before it (or first). Rows whose both sides are empty paragraphs (or missing) are left out.
 */
export type BilingualRow = [source: PMNode | null, translation: PMNode | null];

const idOf = (node: PMNode): string | null => (typeof node.attrs?.blockId === "string" && node.attrs.blockId ? node.attrs.blockId : null);

const blank = (node: PMNode | null) => node === null || (node.type === "paragraph" && !(node.content ?? []).length);

export function pairBlocks(source: PMNode[], translation: PMNode[]): BilingualRow[] {
  const byId = new Map<string, number>();
  translation.forEach((node, i) => {
    const id = idOf(node);
    if (id !== null && !byId.has(id)) byId.set(id, i);
  });
  const rows: BilingualRow[] = [];
  // Which row each translated block went to.
  const rowOf = new Map<number, number>();
  for (const node of source) {
    const id = idOf(node);
    const j = id === null ? undefined : byId.get(id);
    if (j !== undefined && !rowOf.has(j)) {
      rowOf.set(j, rows.length);
      rows.push([node, translation[j]]);
    } else rows.push([node, null]);
  }
  // Blocks only in the translation, by the row they follow (-1: before the first).
  const after = new Map<number, PMNode[]>();
  let anchor = -1;
  translation.forEach((node, j) => {
    const row = rowOf.get(j);
    if (row !== undefined) anchor = row;
    else after.set(anchor, [...(after.get(anchor) ?? []), node]);
  });
  const out: BilingualRow[] = (after.get(-1) ?? []).map((n) => [null, n]);
  rows.forEach((row, i) => {
    out.push(row);
    for (const n of after.get(i) ?? []) out.push([null, n]);
  });
  return out.filter(([a, b]) => !(blank(a) && blank(b)));
}
