import { Extension } from "@tiptap/core";
import type { Node } from "@tiptap/pm/model";
import { Plugin, PluginKey, Selection, type EditorState, type Transaction } from "@tiptap/pm/state";

/**
 * Stable ids on a document's top-level blocks (issue 15): a heading in Danish and its Chinese
 * translation carry the same id, so the two align block by block whatever is inserted, deleted or
 * moved around them. The id is an attribute (`data-block-id` in HTML), kept in the Yjs document like
 * any other; a split block's new half gets no copy of it (`keepOnSplit: false`). An editable editor
 * gives every top-level block without an id, or with one another block has, a new one.
 */
export const BLOCK_TYPES = ["paragraph", "heading", "bulletList", "orderedList", "taskList", "blockquote", "codeBlock", "table", "horizontalRule"];

export const BLOCK_ID = "blockId";

export const newBlockId = () => globalThis.crypto.randomUUID().slice(0, 8) + globalThis.crypto.randomUUID().slice(9, 13);

/** The top-level blocks of a document with their ids, in order (blocks without one are left out). */
export function topBlocks(doc: Node): { id: string; node: Node }[] {
  const blocks: { id: string; node: Node }[] = [];
  doc.forEach((node) => {
    const id = node.attrs[BLOCK_ID];
    if (typeof id === "string" && id) blocks.push({ id, node });
  });
  return blocks;
}

export const BlockIds = Extension.create({
  name: "blockIds",

  addGlobalAttributes() {
    return [
      {
        types: BLOCK_TYPES,
        attributes: {
          [BLOCK_ID]: {
            default: null,
            keepOnSplit: false,
            parseHTML: (element) => element.getAttribute("data-block-id"),
            renderHTML: (attributes) => (attributes[BLOCK_ID] ? { "data-block-id": attributes[BLOCK_ID] } : {}),
          },
        },
      },
    ];
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: new PluginKey("blockIds"),
        appendTransaction: (transactions, _old, state) =>
          // Only an editor that may change the text names blocks (a viewer's change would be refused).
          editor?.isEditable && transactions.some((tr) => tr.docChanged) ? nameUnnamedBlocks(state) : null,
      }),
    ];
  },
});

/**
 * The transaction that gives each top-level block without an id (or with one an earlier block has) a
 * new one, or null when all are named. Many at once (a document from before block ids, or made on the
 * server) take one step over their span: a step per block copies and checks the whole top level each
 * time, which is quadratic (seconds for 5,000 blocks).
 */
export function nameUnnamedBlocks(state: EditorState): Transaction | null {
  const seen = new Set<string>();
  const unnamed: { offset: number; node: Node }[] = [];
  state.doc.forEach((node, offset) => {
    if (!BLOCK_TYPES.includes(node.type.name)) return;
    const id = node.attrs[BLOCK_ID];
    if (typeof id === "string" && id && !seen.has(id)) return void seen.add(id);
    unnamed.push({ offset, node });
  });
  if (!unnamed.length) return null;
  const fresh = () => {
    const id = newBlockId();
    seen.add(id);
    return id;
  };
  const tr = state.tr.setMeta("addToHistory", false);
  if (unnamed.length === 1) return tr.setNodeAttribute(unnamed[0].offset, BLOCK_ID, fresh());
  const todo = new Set(unnamed.map((u) => u.offset));
  const last = unnamed[unnamed.length - 1];
  const [from, to] = [unnamed[0].offset, last.offset + last.node.nodeSize];
  const blocks: Node[] = [];
  state.doc.nodesBetween(from, to, (node, pos) => {
    blocks.push(todo.has(pos) ? node.type.create({ ...node.attrs, [BLOCK_ID]: fresh() }, node.content, node.marks) : node);
    return false;
  });
  tr.replaceWith(from, to, blocks);
  // Same sizes, so the same positions: the selection stays, and no text counts as typed (autolink).
  return tr.setSelection(Selection.fromJSON(tr.doc, state.selection.toJSON())).setMeta("preventAutolink", true);
}

type JSONNode = { type?: string; attrs?: Record<string, unknown>; content?: JSONNode[] };

/**
 * The JSON without block ids, as it was before blocks had them: naming blocks does not change a text,
 * so what "unchanged" and approvals compare (contentHash) leaves them out.
 */
export function withoutBlockIds<T>(json: T): T {
  const strip = (node: JSONNode): JSONNode => {
    const out: JSONNode = { ...node };
    if (node.attrs && BLOCK_ID in node.attrs) {
      const { [BLOCK_ID]: _, ...rest } = node.attrs;
      if (Object.keys(rest).length) out.attrs = rest;
      else delete out.attrs;
    }
    if (node.content) out.content = node.content.map(strip);
    return out;
  };
  return strip(json as JSONNode) as T;
}

/** The JSON with an id on each top-level block that has none (or one another block has): a copy made on the server. */
export function withBlockIds<T>(json: T): T {
  const doc = json as JSONNode & { content?: (JSONNode & { type?: string })[] };
  const seen = new Set<string>();
  const content = (doc.content ?? []).map((node) => {
    if (!BLOCK_TYPES.includes(String(node.type))) return node;
    const id = node.attrs?.[BLOCK_ID];
    if (typeof id === "string" && id && !seen.has(id)) return seen.add(id), node;
    const fresh = newBlockId();
    seen.add(fresh);
    return { ...node, attrs: { ...node.attrs, [BLOCK_ID]: fresh } };
  });
  return { ...doc, content } as T;
}
