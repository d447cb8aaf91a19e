import type { Editor } from "@tiptap/react";
import { useEffect, useReducer, useRef, type KeyboardEvent } from "react";
import { useT } from "~/lib/i18n";

interface Tool {
  id: string;
  label: string;
  keys?: string;
  glyph: string;
  active?: () => boolean;
  run: () => void;
  enabled?: () => boolean;
}

/**
 * The formatting toolbar: one tab stop (arrow keys move between tools, as WAI-ARIA toolbars do),
 * labelled buttons with their shortcuts, pressed state for marks and blocks.
 */
export function Toolbar({
  editor,
  onLinkCard,
  onCardFromSelection,
  canCreateCard,
}: {
  editor: Editor;
  onLinkCard: () => void;
  onCardFromSelection: (title: string) => void;
  canCreateCard: boolean;
}) {
  const { t } = useT();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    editor.on("transaction", rerender);
    return () => {
      editor.off("transaction", rerender);
    };
  }, [editor]);
  const chain = () => editor.chain().focus();
  const inTable = () => editor.isActive("table");
  const tools: Tool[] = [
    { id: "bold", label: t("editor.bold"), keys: "Ctrl+B", glyph: "B", active: () => editor.isActive("bold"), run: () => chain().toggleBold().run() },
    { id: "italic", label: t("editor.italic"), keys: "Ctrl+I", glyph: "I", active: () => editor.isActive("italic"), run: () => chain().toggleItalic().run() },
    { id: "underline", label: t("editor.underline"), keys: "Ctrl+U", glyph: "U", active: () => editor.isActive("underline"), run: () => chain().toggleUnderline().run() },
    { id: "strike", label: t("editor.strike"), keys: "Ctrl+Shift+S", glyph: "S", active: () => editor.isActive("strike"), run: () => chain().toggleStrike().run() },
    ...([1, 2, 3] as const).map((level) => ({
      id: `h${level}`,
      label: t("editor.heading", { level }),
      keys: `Ctrl+Alt+${level}`,
      glyph: `H${level}`,
      active: () => editor.isActive("heading", { level }),
      run: () => chain().toggleHeading({ level }).run(),
    })),
    { id: "paragraph", label: t("editor.paragraph"), keys: "Ctrl+Alt+0", glyph: "¶", active: () => editor.isActive("paragraph"), run: () => chain().setParagraph().run() },
    { id: "bullets", label: t("editor.bulletList"), keys: "Ctrl+Shift+8", glyph: "•", active: () => editor.isActive("bulletList"), run: () => chain().toggleBulletList().run() },
    { id: "numbers", label: t("editor.orderedList"), keys: "Ctrl+Shift+7", glyph: "1.", active: () => editor.isActive("orderedList"), run: () => chain().toggleOrderedList().run() },
    { id: "tasks", label: t("editor.taskList"), keys: "Ctrl+Shift+9", glyph: "☑", active: () => editor.isActive("taskList"), run: () => chain().toggleTaskList().run() },
    { id: "quote", label: t("editor.blockquote"), keys: "Ctrl+Shift+B", glyph: "❝", active: () => editor.isActive("blockquote"), run: () => chain().toggleBlockquote().run() },
    { id: "rule", label: t("editor.horizontalRule"), glyph: "―", run: () => chain().setHorizontalRule().run() },
    {
      id: "link",
      label: editor.isActive("link") ? t("editor.removeLink") : t("editor.link"),
      glyph: "🔗",
      active: () => editor.isActive("link"),
      run: () => {
        if (editor.isActive("link")) return void chain().unsetLink().run();
        const href = window.prompt(t("editor.linkPrompt"), "https://");
        if (href && /^(https?:|mailto:)/i.test(href)) chain().extendMarkRange("link").setLink({ href }).run();
      },
    },
    { id: "table", label: t("editor.insertTable"), glyph: "▦", run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), enabled: () => !inTable() },
    { id: "addRow", label: t("editor.addRow"), glyph: "+≡", run: () => chain().addRowAfter().run(), enabled: inTable },
    { id: "addColumn", label: t("editor.addColumn"), glyph: "+‖", run: () => chain().addColumnAfter().run(), enabled: inTable },
    { id: "deleteRow", label: t("editor.deleteRow"), glyph: "−≡", run: () => chain().deleteRow().run(), enabled: inTable },
    { id: "deleteColumn", label: t("editor.deleteColumn"), glyph: "−‖", run: () => chain().deleteColumn().run(), enabled: inTable },
    { id: "deleteTable", label: t("editor.deleteTable"), glyph: "✕▦", run: () => chain().deleteTable().run(), enabled: inTable },
    { id: "linkCard", label: t("board.linkCard"), keys: "/", glyph: "▣", run: onLinkCard },
    {
      id: "cardFromSelection",
      label: t("board.createFromSelection"),
      glyph: "▣+",
      enabled: () => canCreateCard && !editor.state.selection.empty,
      run: () => {
        const { from, to } = editor.state.selection;
        onCardFromSelection(editor.state.doc.textBetween(from, to, " ").trim());
      },
    },
    { id: "undo", label: t("editor.undo"), keys: "Ctrl+Z", glyph: "↶", run: () => chain().undo().run(), enabled: () => editor.can().undo() },
    { id: "redo", label: t("editor.redo"), keys: "Ctrl+Shift+Z", glyph: "↷", run: () => chain().redo().run(), enabled: () => editor.can().redo() },
  ];
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const focusIndex = useRef(0);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    const jump = event.key === "Home" ? 0 : event.key === "End" ? tools.length - 1 : null;
    if (!step && jump === null) return;
    event.preventDefault();
    focusIndex.current = jump ?? (focusIndex.current + step + tools.length) % tools.length;
    refs.current[focusIndex.current]?.focus();
    rerender();
  };
  return (
    <div role="toolbar" aria-label={t("editor.toolbar")} className="toolbar" onKeyDown={onKeyDown}>
      {tools.map((tool, i) => {
        const label = tool.keys ? t("editor.shortcut", { label: tool.label, keys: tool.keys }) : tool.label;
        const enabled = tool.enabled ? tool.enabled() : true;
        return (
          <button
            key={tool.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            className={`tool tool-${tool.id}`}
            aria-label={label}
            title={label}
            aria-pressed={tool.active ? tool.active() : undefined}
            aria-disabled={!enabled || undefined}
            tabIndex={i === focusIndex.current ? 0 : -1}
            onFocus={() => (focusIndex.current = i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => enabled && tool.run()}
          >
            <span aria-hidden="true">{tool.glyph}</span>
          </button>
        );
      })}
    </div>
  );
}
