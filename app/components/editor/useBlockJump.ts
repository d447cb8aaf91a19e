import type { Editor } from "@tiptap/react";
import { useEffect } from "react";

/**
 * Arriving from a search hit (`?block=N`): once the editor holds the document, scrolls to its Nth text
 * block — counted as the derive step counts them (every text block in document order, from 0) — and
 * puts the cursor (or, read-only, focus) there. Waits for the content to sync rather than for a time.
 */
export function useBlockJump(editor: Editor | null, block: string | null): void {
  useEffect(() => {
    const n = Number(block);
    if (!editor || block === null || !Number.isInteger(n) || n < 0) return;
    // Read-only until the server answers: focus goes on the block then, and the cursor once it turns editable.
    let done: "no" | "focused" | "cursor" = "no";
    const jump = () => {
      if (done === "cursor" || (done === "focused" && !editor.isEditable)) return;
      let index = 0;
      let target = -1;
      editor.state.doc.descendants((node, pos) => {
        if (target >= 0) return false;
        if (!node.isTextblock) return true;
        if (index++ === n) target = pos;
        return false;
      });
      const dom = target >= 0 ? editor.view.nodeDOM(target) : null;
      if (!(dom instanceof HTMLElement)) return;
      dom.scrollIntoView({ block: "center" });
      if (editor.isEditable) {
        done = "cursor";
        editor.chain().setTextSelection(target + 1).focus(undefined, { scrollIntoView: false }).run();
      } else {
        done = "focused";
        dom.setAttribute("tabindex", "-1");
        dom.focus({ preventScroll: true });
      }
    };
    jump();
    editor.on("transaction", jump);
    editor.on("update", jump);
    return () => {
      editor.off("transaction", jump);
      editor.off("update", jump);
    };
  }, [editor, block]);
}
