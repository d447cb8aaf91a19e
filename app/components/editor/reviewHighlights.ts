import { Extension } from "@tiptap/core";
import type { Node } from "@tiptap/pm/model";
import type { Editor } from "@tiptap/react";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { topBlocks } from "@twinning/editor/block-ids";

/**
 * A translation's blocks whose source block changed since they were translated (issue 15), marked in
 * the text: decorations only, so marking or clearing them changes nothing in the document.
 */
const key = new PluginKey<{ ids: ReadonlySet<string>; decorations: DecorationSet }>("reviewHighlights");

function decorate(doc: Node, ids: ReadonlySet<string>): DecorationSet {
  if (!ids.size) return DecorationSet.empty;
  const decorations: Decoration[] = [];
  const wanted = new Set(
    topBlocks(doc)
      .filter((b) => ids.has(b.id))
      .map((b) => b.node),
  );
  doc.forEach((node, offset) => {
    if (wanted.has(node)) decorations.push(Decoration.node(offset, offset + node.nodeSize, { class: "block-to-review" }));
  });
  return DecorationSet.create(doc, decorations);
}

/** In the editor's extensions from the start (registering a plugin later reconfigures the editor). */
export const ReviewHighlights = Extension.create({
  name: "reviewHighlights",
  addProseMirrorPlugins: () => [
    new Plugin({
      key,
      state: {
        init: () => ({ ids: new Set<string>() as ReadonlySet<string>, decorations: DecorationSet.empty }),
        apply: (tr, value, _old, state) => {
          const next = tr.getMeta(key) as ReadonlySet<string> | undefined;
          if (next) return { ids: next, decorations: decorate(state.doc, next) };
          return tr.docChanged ? { ids: value.ids, decorations: decorate(state.doc, value.ids) } : value;
        },
      },
      props: { decorations: (state) => key.getState(state)?.decorations },
    }),
  ],
});

/** Sets which blocks are to review (a transaction of its own; the text is unchanged). */
export function setBlocksToReview(editor: Editor, ids: ReadonlySet<string>): void {
  if (editor.isDestroyed || !key.getState(editor.state)) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, ids));
}
