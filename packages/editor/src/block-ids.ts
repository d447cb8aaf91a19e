import { Extension } from "@tiptap/core";
import type { Node } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";

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
        appendTransaction: (transactions, _old, state) => {
          // Only an editor that may change the text names blocks (a viewer's change would be refused).
          if (!editor?.isEditable || !transactions.some((tr) => tr.docChanged)) return null;
          const seen = new Set<string>();
          const tr = state.tr;
          state.doc.forEach((node, offset) => {
            if (!BLOCK_TYPES.includes(node.type.name)) return;
            const id = node.attrs[BLOCK_ID];
            if (typeof id === "string" && id && !seen.has(id)) return void seen.add(id);
            const fresh = newBlockId();
            seen.add(fresh);
            tr.setNodeAttribute(offset, BLOCK_ID, fresh);
          });
          return tr.docChanged ? tr.setMeta("addToHistory", false) : null;
        },
      }),
    ];
  },
});

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
