import type { Editor } from "@tiptap/react";
import { ChevronDown, ChevronRight } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { useT } from "~/lib/i18n";

interface Entry {
  level: number;
  text: string;
  pos: number;
}

function headings(editor: Editor): Entry[] {
  const found: Entry[] = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === "heading") {
      const text = node.textContent.trim();
      if (text) found.push({ level: Number(node.attrs.level), text, pos });
      return false;
    }
    return !node.isTextblock;
  });
  return found;
}

/**
 * On wide screens the outline starts open beside the text; on narrower ones it starts folded above it.
 * The page's three columns need 1100 px beside the 15rem sidebar (styles.css, the document page container).
 */
const WIDE = "(min-width: 1340px)";

// How long after the last change the outline is read again.
const OUTLINE_DELAY_MS = 250;

/**
 * The document's headings, live from the editor (every change, local or from others), as a navigation
 * list. Choosing one scrolls to the heading and puts the cursor (or, read-only, focus) on it.
 */
export function DocumentOutline({ editor }: { editor: Editor }) {
  const { t } = useT();
  const id = useId();
  const [entries, setEntries] = useState<Entry[]>(() => headings(editor));
  const [open, setOpen] = useState(() => window.matchMedia(WIDE).matches);
  useEffect(() => {
    // Read once typing pauses, not per keystroke: in a long document the walk and the list's
    // re-render cost more than the keystroke itself. The list changes only when the headings do
    // (positions are read again when one is chosen).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const same = (a: Entry[], b: Entry[]) => a.length === b.length && a.every((e, i) => e.level === b[i].level && e.text === b[i].text);
    const refresh = () => {
      const next = headings(editor);
      setEntries((old) => (same(old, next) ? old : next));
    };
    const read = ({ transaction }: { transaction: { docChanged: boolean } }) => {
      if (!transaction.docChanged) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, OUTLINE_DELAY_MS);
    };
    refresh();
    editor.on("transaction", read);
    return () => {
      clearTimeout(timer);
      editor.off("transaction", read);
    };
  }, [editor]);
  if (!entries.length) return null;
  const go = (index: number) => {
    const entry = headings(editor)[index];
    if (!entry) return;
    const dom = editor.view.nodeDOM(entry.pos);
    if (!(dom instanceof HTMLElement)) return;
    dom.scrollIntoView({ block: "start" });
    if (editor.isEditable) {
      editor.chain().setTextSelection(entry.pos + 1).focus(undefined, { scrollIntoView: false }).run();
    } else {
      dom.setAttribute("tabindex", "-1");
      dom.focus({ preventScroll: true });
    }
    if (!window.matchMedia(WIDE).matches) setOpen(false);
  };
  return (
    <nav className="document-outline" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="outline-title">
        <button type="button" className="outline-toggle" aria-expanded={open} aria-controls={`${id}-list`} onClick={() => setOpen((o) => !o)}>
          {open ? <ChevronDown aria-hidden="true" size={16} /> : <ChevronRight aria-hidden="true" size={16} />}
          {t("document.outline")}
        </button>
      </h2>
      <ol id={`${id}-list`} hidden={!open}>
        {entries.map((entry, index) => (
          <li key={index} className={`outline-level-${Math.min(entry.level, 3)}`}>
            <button type="button" className="outline-link" onClick={() => go(index)}>
              {entry.text}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
