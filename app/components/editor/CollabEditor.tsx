import { Collaboration } from "@tiptap/extension-collaboration";
import { CollaborationCaret } from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, ReactNodeViewRenderer, useEditor } from "@tiptap/react";
import { useEffect, useRef, useState } from "react";
import { schemaExtensions } from "@twinning/editor";
import { useT } from "~/lib/i18n";
import { keepPageForOffline } from "~/lib/offline";
import { CardDialog, type CardDialogMode } from "./CardDialog";
import { CardDataContext, CardNode } from "./CardNode";
import { Presence } from "./Presence";
import { useCardSummaries } from "./useCardSummaries";
import { StaticContent } from "./StaticContent";
import { Toolbar } from "./Toolbar";
import { useCollabSession, type CollabSession, type SaveState } from "./useCollabSession";

interface Props {
  documentId: string;
  spaceId: string;
  /** Boards of the space (where a card made from a selection can go). */
  boards: { id: string; title: string }[];
  /** The user may not change this document (role, archived, signed): the server drops their updates too. */
  readOnly: boolean;
  language: string;
  /** Server-rendered last known content, shown until the live copy is there. */
  fallbackHtml: string;
  user: { name: string; color: string };
}

/** The live editor: Tiptap bound to the document's Y.Doc, with toolbar, presence and save status. */
export default function CollabEditor(props: Props) {
  const session = useCollabSession(props.documentId);
  useEffect(() => {
    void keepPageForOffline().catch(() => {});
  }, [props.documentId]);
  if (!session) return <StaticContent html={props.fallbackHtml} language={props.language} />;
  return <BoundEditor key={session.ydoc.guid} session={session} {...props} />;
}

function BoundEditor({ session, readOnly, language, fallbackHtml, user, spaceId, boards }: Props & { session: CollabSession }) {
  const { t } = useT();
  const { ydoc, provider, state, localLoaded } = session;
  const [dialog, setDialog] = useState<CardDialogMode | null>(null);
  const cards = useCardSummaries(ydoc, spaceId);
  // Until the server answers, what the browser holds is shown read-only; never a blank page.
  const editable = !readOnly && state !== "unreachable" && state !== "connecting";
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: [
        ...schemaExtensions({ cardView: ReactNodeViewRenderer(CardNode) }),
        Collaboration.configure({ document: ydoc }),
        CollaborationCaret.configure({ provider, user }),
        Placeholder.configure({ placeholder: t("editor.placeholder") }),
      ],
      editorProps: {
        attributes: { "aria-label": t("editor.label"), role: "textbox", "aria-multiline": "true", class: "document-body", lang: language },
        // "/" at the start of an empty line opens "Link a card".
        handleKeyDown: (view, event) => {
          if (event.key !== "/" || !view.editable) return false;
          const { $from, empty } = view.state.selection;
          if (!empty || $from.parent.textContent.length > 0) return false;
          setDialog({ kind: "link" });
          return true;
        },
      },
    },
    [ydoc, provider],
  );
  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);
  const [hasContent, setHasContent] = useState(false);
  useEffect(() => {
    const check = () => setHasContent(ydoc.getXmlFragment("default").length > 0);
    check();
    ydoc.on("update", check);
    return () => ydoc.off("update", check);
  }, [ydoc]);
  // A backlink from a card (…#card-<id>) lands on the card's node once the live document is shown.
  const jumped = useRef(false);
  useEffect(() => {
    const target = window.location.hash.startsWith("#card-") ? document.getElementById(window.location.hash.slice(1)) : null;
    if (jumped.current || !hasContent || !target) return;
    jumped.current = true;
    target.scrollIntoView({ block: "center" });
    target.classList.add("highlight");
  }, [hasContent, cards]);
  const showFallback = !hasContent && (state === "unreachable" || state === "connecting" || !localLoaded);
  return (
    <div className="editor">
      <div className="editor-bar">
        <Presence provider={provider} />
        <SaveStatus state={state} readOnly={readOnly} />
      </div>
      {state === "unreachable" ? (
        <p role="alert" className="form-error">
          {t("editor.unreachable")}
        </p>
      ) : null}
      {editor && editable ? (
        <Toolbar
          editor={editor}
          onLinkCard={() => setDialog({ kind: "link" })}
          onCardFromSelection={(title) => setDialog({ kind: "create", title })}
          canCreateCard={boards.length > 0}
        />
      ) : null}
      {showFallback ? <StaticContent html={fallbackHtml} language={language} /> : null}
      <CardDataContext.Provider value={cards}>
        <div hidden={showFallback}>
          <EditorContent editor={editor} />
        </div>
      </CardDataContext.Provider>
      {dialog && editor ? (
        <CardDialog
          spaceId={spaceId}
          boards={boards}
          mode={dialog}
          onClose={() => {
            setDialog(null);
            editor.commands.focus();
          }}
          onLink={(cardId) => {
            setDialog(null);
            editor.chain().focus().insertCardLink(cardId).run();
          }}
        />
      ) : null}
    </div>
  );
}

function SaveStatus({ state, readOnly }: { state: SaveState; readOnly: boolean }) {
  const { t } = useT();
  const label = readOnly && (state === "saved" || state === "saving") ? t("document.readOnlyNotice") : t(`editor.${state === "unreachable" ? "offline" : state}`);
  return (
    <p className={`save-status save-${state}`} role="status" aria-live="polite" data-state={state}>
      {label}
    </p>
  );
}
