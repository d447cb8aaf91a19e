import { EditorState, TextSelection } from "@tiptap/pm/state";
import { describe, expect, it } from "vitest";
import { BLOCK_ID, nameUnnamedBlocks, withoutBlockIds } from "./block-ids";
import { editorSchema, type DocJSON } from "./schema";

const paragraphs = (count: number, id: (i: number) => string | null): DocJSON => ({
  type: "doc",
  content: Array.from({ length: count }, (_, i) => ({
    type: "paragraph",
    ...(id(i) ? { attrs: { [BLOCK_ID]: id(i) } } : {}),
    content: [{ type: "text", text: `Afsnit ${i + 1}` }],
  })),
});

describe("naming blocks", () => {
  it("names 2,000 unnamed blocks in one step, keeps unique ids and the text, renames a duplicate, and keeps the selection", () => {
    // Block 3 named, block 7 a duplicate of it, the rest unnamed.
    const doc = editorSchema.nodeFromJSON(paragraphs(2_000, (i) => (i === 3 || i === 7 ? "kept0001" : null)));
    const at = doc.child(0).nodeSize + doc.child(1).nodeSize + 4;
    const state = EditorState.create({ doc, selection: TextSelection.create(doc, at) });
    const tr = nameUnnamedBlocks(state)!;
    // One step, not one per block (which is quadratic in the number of blocks).
    expect(tr.steps).toHaveLength(1);
    const ids: string[] = [];
    tr.doc.forEach((node) => ids.push(node.attrs[BLOCK_ID]));
    expect(ids[3]).toBe("kept0001");
    expect(ids[7]).not.toBe("kept0001");
    expect(new Set(ids).size).toBe(2_000);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(withoutBlockIds(tr.doc.toJSON())).toEqual(withoutBlockIds(doc.toJSON()));
    expect(tr.selection.from).toBe(at);
    // Named now, so nothing more to do.
    expect(nameUnnamedBlocks(state.apply(tr))).toBeNull();
  });

  it("names a lone new block with an attribute step", () => {
    const doc = editorSchema.nodeFromJSON(paragraphs(3, (i) => (i === 1 ? null : `block000${i}`)));
    const tr = nameUnnamedBlocks(EditorState.create({ doc }))!;
    expect(tr.steps).toHaveLength(1);
    expect(tr.doc.child(0).attrs[BLOCK_ID]).toBe("block0000");
    expect(tr.doc.child(1).attrs[BLOCK_ID]).toMatch(/^[0-9a-f]{12}$/);
  });
});
