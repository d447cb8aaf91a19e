import { useEditorState, type Editor } from "@tiptap/react";
import {
  BetweenHorizontalEnd,
  BetweenVerticalEnd,
  Bold,
  ClipboardPlus,
  Columns2,
  Grid2x2X,
  Heading1,
  Heading2,
  Heading3,
  Italic,
  Link,
  List,
  ListOrdered,
  ListTodo,
  Pilcrow,
  Redo2,
  Rows2,
  SeparatorHorizontal,
  SquareKanban,
  Strikethrough,
  Table,
  TextQuote,
  Underline,
  Undo2,
  Unlink,
  X,
  type LucideIcon,
} from "lucide-react";
import { useReducer, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useT } from "~/lib/i18n";

interface Tool {
  id: string;
  label: string;
  keys?: string;
  icon: ReactNode;
  active?: boolean;
  run: () => void;
  enabled?: boolean;
}

interface Group {
  id: string;
  label: string;
  tools: Tool[];
}

/** The nodes and marks whose tools show whether the selection is in (or has) them. */
const SHOWN = ["paragraph", "bold", "italic", "underline", "strike", "bulletList", "orderedList", "taskList", "blockquote", "table", "link"] as const;

const icon = (Icon: LucideIcon) => <Icon aria-hidden="true" focusable="false" size={18} strokeWidth={2} />;
/** An icon with a small "remove" mark (delete row, delete column): lucide has no single icon for these. */
const removing = (Icon: LucideIcon) => (
  <span className="icon-stack" aria-hidden="true">
    <Icon focusable="false" size={18} strokeWidth={2} />
    <X className="icon-badge" focusable="false" size={11} strokeWidth={3} />
  </span>
);

/**
 * The formatting toolbar: groups (text style, lists, insert, table, history) of icon buttons from lucide,
 * each with an accessible name and a tooltip (CSS, shown on hover and keyboard focus, Escape hides it)
 * that also names its shortcut. One tab stop: arrow keys, Home and End move between tools, as WAI-ARIA
 * toolbars do. Table tools appear while the cursor is in a table. It re-renders only when what it
 * shows changes, not with every keystroke: with the focus in the editor each React commit walks the
 * editor's whole DOM to save and restore the selection (7 ms at 10 MB).
 */
export function Toolbar({
  editor,
  onLink,
  onLinkCard,
  onCardFromSelection,
  canCreateCard,
}: {
  editor: Editor;
  /** Opens the link dialog (the toolbar removes an existing link itself). */
  onLink: () => void;
  onLinkCard: () => void;
  onCardFromSelection: (title: string) => void;
  canCreateCard: boolean;
}) {
  const { t } = useT();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [quiet, setQuiet] = useState(false);
  // What the tools show, compared deeply after each transaction (Tiptap's default).
  const shown = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      is: Object.fromEntries(SHOWN.map((name) => [name, e.isActive(name)])) as Record<(typeof SHOWN)[number], boolean>,
      headings: ([1, 2, 3] as const).map((level) => e.isActive("heading", { level })),
      selected: !e.state.selection.empty,
      undo: e.can().undo(),
      redo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const { table: inTable, link: inLink } = shown.is;
  const groups: Group[] = [
    {
      id: "text",
      label: t("editor.groups.text"),
      tools: [
        { id: "paragraph", label: t("editor.paragraph"), keys: "Ctrl+Alt+0", icon: icon(Pilcrow), active: shown.is.paragraph, run: () => chain().setParagraph().run() },
        ...([1, 2, 3] as const).map((level) => ({
          id: `h${level}`,
          label: t("editor.heading", { level }),
          keys: `Ctrl+Alt+${level}`,
          icon: icon([Heading1, Heading2, Heading3][level - 1]),
          active: shown.headings[level - 1],
          run: () => chain().toggleHeading({ level }).run(),
        })),
        { id: "bold", label: t("editor.bold"), keys: "Ctrl+B", icon: icon(Bold), active: shown.is.bold, run: () => chain().toggleBold().run() },
        { id: "italic", label: t("editor.italic"), keys: "Ctrl+I", icon: icon(Italic), active: shown.is.italic, run: () => chain().toggleItalic().run() },
        { id: "underline", label: t("editor.underline"), keys: "Ctrl+U", icon: icon(Underline), active: shown.is.underline, run: () => chain().toggleUnderline().run() },
        { id: "strike", label: t("editor.strike"), keys: "Ctrl+Shift+S", icon: icon(Strikethrough), active: shown.is.strike, run: () => chain().toggleStrike().run() },
      ],
    },
    {
      id: "lists",
      label: t("editor.groups.lists"),
      tools: [
        { id: "bullets", label: t("editor.bulletList"), keys: "Ctrl+Shift+8", icon: icon(List), active: shown.is.bulletList, run: () => chain().toggleBulletList().run() },
        { id: "numbers", label: t("editor.orderedList"), keys: "Ctrl+Shift+7", icon: icon(ListOrdered), active: shown.is.orderedList, run: () => chain().toggleOrderedList().run() },
        { id: "tasks", label: t("editor.taskList"), keys: "Ctrl+Shift+9", icon: icon(ListTodo), active: shown.is.taskList, run: () => chain().toggleTaskList().run() },
        { id: "quote", label: t("editor.blockquote"), keys: "Ctrl+Shift+B", icon: icon(TextQuote), active: shown.is.blockquote, run: () => chain().toggleBlockquote().run() },
      ],
    },
    {
      id: "insert",
      label: t("editor.groups.insert"),
      tools: [
        inLink
          ? { id: "unlink", label: t("editor.removeLink"), icon: icon(Unlink), run: () => chain().extendMarkRange("link").unsetLink().run() }
          : { id: "link", label: t("editor.link"), keys: "Ctrl+K", icon: icon(Link), run: onLink },
        { id: "rule", label: t("editor.horizontalRule"), icon: icon(SeparatorHorizontal), run: () => chain().setHorizontalRule().run() },
        { id: "table", label: t("editor.insertTable"), icon: icon(Table), run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), enabled: !inTable },
        { id: "linkCard", label: t("board.linkCard"), keys: "/", icon: icon(SquareKanban), run: onLinkCard },
        {
          id: "cardFromSelection",
          label: t("board.createFromSelection"),
          icon: icon(ClipboardPlus),
          enabled: canCreateCard && shown.selected,
          run: () => {
            const { from, to } = editor.state.selection;
            onCardFromSelection(editor.state.doc.textBetween(from, to, " ").trim());
          },
        },
      ],
    },
    ...(inTable
      ? [
          {
            id: "table",
            label: t("editor.groups.table"),
            tools: [
              { id: "addRow", label: t("editor.addRow"), icon: icon(BetweenHorizontalEnd), run: () => chain().addRowAfter().run() },
              { id: "addColumn", label: t("editor.addColumn"), icon: icon(BetweenVerticalEnd), run: () => chain().addColumnAfter().run() },
              { id: "deleteRow", label: t("editor.deleteRow"), icon: removing(Rows2), run: () => chain().deleteRow().run() },
              { id: "deleteColumn", label: t("editor.deleteColumn"), icon: removing(Columns2), run: () => chain().deleteColumn().run() },
              { id: "deleteTable", label: t("editor.deleteTable"), icon: icon(Grid2x2X), run: () => chain().deleteTable().run() },
            ],
          },
        ]
      : []),
    {
      id: "history",
      label: t("editor.groups.history"),
      tools: [
        { id: "undo", label: t("editor.undo"), keys: "Ctrl+Z", icon: icon(Undo2), run: () => chain().undo().run(), enabled: shown.undo },
        { id: "redo", label: t("editor.redo"), keys: "Ctrl+Shift+Z", icon: icon(Redo2), run: () => chain().redo().run(), enabled: shown.redo },
      ],
    },
  ];
  const tools = groups.flatMap((g) => g.tools);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const focusIndex = useRef(0);
  if (focusIndex.current >= tools.length) focusIndex.current = 0;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") return setQuiet(true);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    const jump = event.key === "Home" ? 0 : event.key === "End" ? tools.length - 1 : null;
    if (!step && jump === null) return;
    event.preventDefault();
    setQuiet(false);
    focusIndex.current = jump ?? (focusIndex.current + step + tools.length) % tools.length;
    refs.current[focusIndex.current]?.focus();
    rerender();
  };
  // A tooltip near an edge of the window opens towards the middle, so it never widens the page.
  const placeTip = (el: HTMLElement) => {
    const box = el.getBoundingClientRect();
    el.dataset.tipAlign = box.left < 120 ? "start" : window.innerWidth - box.right < 120 ? "end" : "center";
  };
  let index = 0;
  return (
    <div role="toolbar" aria-label={t("editor.toolbar")} className={`toolbar${quiet ? " quiet" : ""}`} onKeyDown={onKeyDown} onPointerMove={() => quiet && setQuiet(false)}>
      {groups.map((group) => (
        <div key={group.id} role="group" aria-label={group.label} className={`tool-group tool-group-${group.id}`}>
            {group.tools.map((tool) => {
              const i = index++;
              const label = tool.keys ? t("editor.shortcut", { label: tool.label, keys: tool.keys }) : tool.label;
              const enabled = tool.enabled ?? true;
              return (
                <button
                  key={tool.id}
                  ref={(el) => {
                    refs.current[i] = el;
                  }}
                  type="button"
                  className={`tool tool-${tool.id}`}
                  aria-label={tool.label}
                  aria-keyshortcuts={tool.keys && tool.keys !== "/" ? tool.keys.replace(/Ctrl/g, "Control") : undefined}
                  data-tooltip={label}
                  aria-pressed={tool.active}
                  aria-disabled={!enabled || undefined}
                  tabIndex={i === focusIndex.current ? 0 : -1}
                  onFocus={(e) => {
                    focusIndex.current = i;
                    placeTip(e.currentTarget);
                  }}
                  onMouseEnter={(e) => placeTip(e.currentTarget)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => enabled && tool.run()}
                >
                  {tool.icon}
                </button>
              );
            })}
        </div>
      ))}
    </div>
  );
}
