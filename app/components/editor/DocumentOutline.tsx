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
    const read = ({ transaction }: { transaction: { docChanged: boolean } }) => {
      if (transaction.docChanged) setEntries(headings(editor));
    };
    setEntries(headings(editor));
    editor.on("transaction", read);
    return () => {
      editor.off("transaction", read);
    };
  }, [editor]);
  if (!entries.length) return null;
  const go = (entry: Entry) => {
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
        {entries.map((entry) => (
          <li key={entry.pos} className={`outline-level-${Math.min(entry.level, 3)}`}>
            <button type="button" className="outline-link" onClick={() => go(entry)}>
              {entry.text}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
