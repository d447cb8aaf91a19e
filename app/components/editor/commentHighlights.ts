import { Extension } from "@tiptap/core";
import type { Editor } from "@tiptap/react";
import type { Node } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { COMMENT_MARK } from "@twinning/editor/comments";

/**
 * How comment anchors look in the editor beyond their mark: a resolved thread's text is not
 * highlighted, the thread open in the panel is highlighted more. Decorations only: the document does
 * not change when a thread is resolved or chosen.
 */
interface Highlights {
  resolved: ReadonlySet<string>;
  active: string | null;
}

const key = new PluginKey<{
  highlights: Highlights;
  decorations: DecorationSet;
}>("commentHighlights");

function decorate(doc: Node, { resolved, active }: Highlights): DecorationSet {
  if (!resolved.size && !active) return DecorationSet.empty;
  const decorations: Decoration[] = [];
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type.name !== COMMENT_MARK) continue;
      const id = String(mark.attrs.threadId);
      if (id === active)
        decorations.push(
          Decoration.inline(pos, pos + node.nodeSize, {
            class: "comment-active",
          })
        );
      else if (resolved.has(id))
        decorations.push(
          Decoration.inline(pos, pos + node.nodeSize, {
            class: "comment-resolved",
          })
        );
    }
    return false;
  });
  return DecorationSet.create(doc, decorations);
}

const plugin = () =>
  new Plugin({
    key,
    state: {
      init: (_, state) => {
        const highlights: Highlights = {
          resolved: new Set<string>(),
          active: null,
        };
        return { highlights, decorations: decorate(state.doc, highlights) };
      },
      apply: (tr, value, _old, state) => {
        const next = tr.getMeta(key) as Highlights | undefined;
        if (next) return { highlights: next, decorations: decorate(state.doc, next) };
        return tr.docChanged
          ? {
              highlights: value.highlights,
              decorations: decorate(state.doc, value.highlights),
            }
          : value;
      },
    },
    props: { decorations: (state) => key.getState(state)?.decorations },
  });

/**
 * In the editor's extensions from the start: registering the plugin later would reconfigure the
 * editor, which redraws node views and loses what was set on them (a backlink's highlighted card).
 */
export const CommentHighlights = Extension.create({
  name: "commentHighlights",
  addProseMirrorPlugins: () => [plugin()],
});

/** Sets which threads are resolved and which one is active (a transaction of its own; the text is unchanged). */
export function setCommentHighlights(editor: Editor, highlights: Highlights): void {
  if (editor.isDestroyed || !key.getState(editor.state)) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, highlights));
}
