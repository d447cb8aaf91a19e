import { Extension } from "@tiptap/core";
import { TextSelection } from "@tiptap/pm/state";

/**
 * Ctrl+Home and Ctrl+End (with Shift: extend the selection) move ProseMirror's own selection to the
 * start or end of the document. Left to the browser, the caret moves in the DOM and ProseMirror reads
 * it back later; on a busy page, ProseMirror's focus handling can write the click position back
 * before it has read the move, and what is typed next lands where the user clicked.
 */
export const DocumentEnds = Extension.create({
  name: "documentEnds",
  addKeyboardShortcuts() {
    const move = (toEnd: boolean, extend: boolean) => () => {
      const { state, view } = this.editor;
      const target = toEnd ? TextSelection.atEnd(state.doc) : TextSelection.atStart(state.doc);
      const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target;
      view.dispatch(state.tr.setSelection(selection).scrollIntoView());
      return true;
    };
    return {
      "Mod-End": move(true, false),
      "Mod-Home": move(false, false),
      "Shift-Mod-End": move(true, true),
      "Shift-Mod-Home": move(false, true),
    };
  },
});
