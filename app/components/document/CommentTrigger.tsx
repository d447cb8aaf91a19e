import type { Editor } from "@tiptap/react";
import { MessageSquarePlus } from "lucide-react";
import { useEffect, useState } from "react";
import { anchorOf } from "@twinning/editor/comments";
import { useT } from "~/lib/i18n";
import type { PendingThread } from "./CommentsPanel";

/**
 * "Comment" beside the text selected in the editor (editors and commenters alike: a read-only editor
 * still selects), and Ctrl+Alt+M for the same. It hands the selection's anchor to the page, which
 * opens the comments panel with a new thread.
 */
export function CommentTrigger({ editor, onStart }: { editor: Editor; onStart: (pending: PendingThread) => void }) {
  const { t } = useT();
  const [at, setAt] = useState<{ top: number } | null>(null);
  useEffect(() => {
    const selected = () => {
      const { from, to, empty } = editor.state.selection;
      return empty || editor.state.doc.textBetween(from, to, "\n", " ").trim() === "" ? null : { from, to };
    };
    const start = () => {
      const range = selected();
      if (range)
        onStart({
          ...anchorOf(editor.state.doc, range.from, range.to),
          near: range.from,
        });
    };
    const place = () => {
      const range = selected();
      const text = editor.view.dom.closest(".document-text");
      if (!range || !text) return setAt(null);
      const coords = editor.view.coordsAtPos(range.to);
      setAt({ top: coords.top - text.getBoundingClientRect().top });
    };
    const onKey = (event: KeyboardEvent) => {
      const inEditor = editor.view.dom.contains(document.getSelection()?.anchorNode ?? null);
      if (inEditor && event.ctrlKey && event.altKey && event.key.toLowerCase() === "m") {
        event.preventDefault();
        start();
      }
    };
    // A read-only editor's selection reaches ProseMirror too; the browser's selection is the trigger's cue.
    const onSelectionChange = () => requestAnimationFrame(place);
    editor.on("selectionUpdate", place);
    document.addEventListener("selectionchange", onSelectionChange);
    document.addEventListener("keydown", onKey);
    return () => {
      editor.off("selectionUpdate", place);
      document.removeEventListener("selectionchange", onSelectionChange);
      document.removeEventListener("keydown", onKey);
    };
  }, [editor, onStart]);
  if (!at) return null;
  return (
    <button
      type="button"
      className="comment-trigger icon-button"
      style={{ top: at.top }}
      aria-label={t("comments.add")}
      data-tooltip={`${t("comments.add")} (Ctrl+Alt+M)`}
      data-tip-align="end"
      // Keeps the selection: the click does not take focus from the text first.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => {
        const { from, to } = editor.state.selection;
        onStart({ ...anchorOf(editor.state.doc, from, to), near: from });
      }}
    >
      <MessageSquarePlus aria-hidden="true" size={18} />
    </button>
  );
}
