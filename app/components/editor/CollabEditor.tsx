import { Collaboration } from "@tiptap/extension-collaboration";
import { CollaborationCaret } from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, ReactNodeViewRenderer, useEditor, type Editor } from "@tiptap/react";
import { useEffect, useRef, useState } from "react";
import type { WebsocketProvider } from "y-websocket";
import { schemaExtensions } from "@twinning/editor";
import { pageNonce } from "~/lib/csp";
import { AccessLostNotice } from "~/components/AccessLostNotice";
import { useAccessLost } from "~/lib/access-lost";
import { useT } from "~/lib/i18n";
import { keepPageForOffline } from "~/lib/offline";
import { CardDialog, type CardDialogMode } from "./CardDialog";
import { CardDataContext, CardNode, HighlightedCardContext } from "./CardNode";
import { CommentHighlights } from "./commentHighlights";
import { ReviewHighlights } from "./reviewHighlights";
import { DocumentEnds } from "./documentEnds";
import { LongDocument } from "./longDocument";
import { LinkDialog } from "./LinkDialog";
import { useCardSummaries } from "./useCardSummaries";
import { StaticContent } from "./StaticContent";
import { Toolbar } from "./Toolbar";
import { useCollabSession, type CollabSession, type SaveState, type SaveStatus } from "./useCollabSession";

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
  /**
   * Told when the live editor is there (and when it goes): the page shows presence, the outline and
   * other panels from it, beside the text rather than inside it.
   */
  onLive?: (live: LiveEditor | null) => void;
}

/** The live editor and its connection, for what the page shows around the text. */
export interface LiveEditor {
  editor: Editor;
  provider: WebsocketProvider;
}

/** The live editor: Tiptap bound to the document's Y.Doc, with toolbar, presence and save status. */
export default function CollabEditor(props: Props) {
  const session = useCollabSession(props.documentId, props.spaceId, props.readOnly);
  const lost = useAccessLost(props.spaceId);
  useEffect(() => {
    void keepPageForOffline().catch(() => {});
  }, [props.documentId]);
  // Access ended while open: say why (a live region), show nothing more of the space, stop reconnecting.
  if (lost) return <AccessLostNotice spaceId={props.spaceId} />;
  if (!session) return <StaticContent html={props.fallbackHtml} language={props.language} />;
  return <BoundEditor key={session.ydoc.guid} session={session} {...props} readOnly={session.readOnly} />;
}

function BoundEditor({ session, readOnly, language, fallbackHtml, user, spaceId, boards, onLive }: Props & { session: CollabSession }) {
  const { t } = useT();
  const { ydoc, provider, connection, status, localLoaded, changedTo, refused } = session;
  const [dialog, setDialog] = useState<CardDialogMode | null>(null);
  const [linkDialog, setLinkDialog] = useState<{ href: string; askText: boolean } | null>(null);
  const linkInserted = useRef(false);
  const cards = useCardSummaries(ydoc, spaceId);
  // Until the server answers, what the browser holds is shown read-only; never a blank page.
  const editable = !readOnly && connection !== "unreachable" && connection !== "connecting";
  const editor = useEditor(
    {
      immediatelyRender: false,
      // Tiptap's own stylesheet is an inline <style>: it carries the page's nonce to pass the policy.
      injectNonce: pageNonce(),
      editable,
      extensions: [
        ...schemaExtensions({ cardView: ReactNodeViewRenderer(CardNode) }),
        Collaboration.configure({ document: ydoc }),
        CollaborationCaret.configure({ provider, user }),
        Placeholder.configure({ placeholder: t("editor.placeholder") }),
        DocumentEnds,
        CommentHighlights,
        ReviewHighlights,
        LongDocument,
      ],
      editorProps: {
        attributes: { "aria-label": t("editor.label"), role: "textbox", "aria-multiline": "true", class: "document-body", lang: language },
        // "/" at the start of an empty line opens "Link a card".
        handleKeyDown: (view, event) => {
          if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k" && view.editable) {
            event.preventDefault();
            openLinkDialog.current();
            return true;
          }
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
  // The document's language can change while it is open (the "⋯" menu): the text's lang follows.
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.view.dom.setAttribute("lang", language);
  }, [editor, language]);
  useEffect(() => {
    if (!editor || !onLive) return;
    onLive({ editor, provider });
    return () => onLive(null);
  }, [editor, provider, onLive]);
  const openLinkDialog = useRef(() => {});
  openLinkDialog.current = () => {
    if (!editor) return;
    const href = editor.isActive("link") ? String(editor.getAttributes("link").href ?? "") : "";
    linkInserted.current = false;
    setLinkDialog({ href, askText: editor.state.selection.empty && !href });
  };
  const [hasContent, setHasContent] = useState(false);
  useEffect(() => {
    const check = () => setHasContent(ydoc.getXmlFragment("default").length > 0);
    check();
    ydoc.on("update", check);
    return () => ydoc.off("update", check);
  }, [ydoc]);
  // A backlink from a card (…#card-<id>) lands on the card's node once the live document is shown.
  // The highlight is the card node's own state (a class set from outside React would be lost when the
  // node re-renders, e.g. once the card's data arrives).
  const jumped = useRef(false);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  useEffect(() => {
    const target = window.location.hash.startsWith("#card-") ? document.getElementById(window.location.hash.slice(1)) : null;
    if (jumped.current || !hasContent || !target) return;
    jumped.current = true;
    target.scrollIntoView({ block: "center" });
    setHighlighted(window.location.hash.slice("#card-".length));
  }, [hasContent, cards]);
  const showFallback = !hasContent && (connection === "unreachable" || connection === "connecting" || !localLoaded);
  return (
    <div className="editor">
      <div className="editor-top">
        {editor && editable ? (
          <Toolbar
            editor={editor}
            onLink={() => openLinkDialog.current()}
            onLinkCard={() => setDialog({ kind: "link" })}
            onCardFromSelection={(title) => setDialog({ kind: "create", title })}
            canCreateCard={boards.length > 0}
          />
        ) : null}
        <SaveStatusLine status={status} readOnly={readOnly} />
      </div>
      <AccessLostNotice spaceId={spaceId} />
      <AccessChange changedTo={changedTo} refused={refused} />
      {connection === "unreachable" ? (
        <p role="alert" className="form-error">
          {t("editor.unreachable")}
        </p>
      ) : null}
      {showFallback ? <StaticContent html={fallbackHtml} language={language} /> : null}
      <CardDataContext.Provider value={cards}>
        <HighlightedCardContext.Provider value={highlighted}>
          <div hidden={showFallback}>
            <EditorContent editor={editor} />
          </div>
        </HighlightedCardContext.Provider>
      </CardDataContext.Provider>
      {linkDialog && editor ? (
        <LinkDialog
          initialHref={linkDialog.href}
          askText={linkDialog.askText}
          returnFocus={() => (linkInserted.current ? editor.view.dom : null)}
          onClose={() => setLinkDialog(null)}
          onInsert={({ href, text }) => {
            linkInserted.current = true;
            setLinkDialog(null);
            const chain = editor.chain().focus();
            if (linkDialog.askText) chain.insertContent({ type: "text", text: text || href, marks: [{ type: "link", attrs: { href } }] }).run();
            else chain.extendMarkRange("link").setLink({ href }).run();
          }}
        />
      ) : null}
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

const CHANGED_KEYS = {
  signed: "liveAccess.nowSigned",
  archived: "liveAccess.nowArchived",
  spaceArchived: "liveAccess.nowSpaceArchived",
  role: "liveAccess.nowReadOnly",
  writable: "liveAccess.nowWritable",
} as const;

/** What changed while the page was open (a live region): locked, or writable again; refused local changes. */
function AccessChange({ changedTo, refused }: { changedTo: CollabSession["changedTo"]; refused: boolean }) {
  const { t } = useT();
  return (
    <div role="status" aria-live="polite" className="access-change">
      {changedTo ? (
        <p className="notice" data-changed-to={changedTo}>
          {t(CHANGED_KEYS[changedTo])}
        </p>
      ) : null}
      {refused ? (
        <p className="notice" data-refused="1">
          {t("liveAccess.refused")}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The save status, written into its element as it changes, without a React commit (see `SaveStatus`).
 * What a screen reader is told is a live region of its own: going offline or reconnecting, and being
 * saved again after that — not the saving and saved that alternate with each keystroke.
 */
function SaveStatusLine({ status, readOnly }: { status: SaveStatus; readOnly: boolean }) {
  const { t } = useT();
  const line = useRef<HTMLParagraphElement>(null);
  const announcer = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    let announced: SaveState | null = null;
    const show = (state: SaveState) => {
      const label = readOnly && (state === "saved" || state === "saving") ? t("document.readOnlyNotice") : t(`editor.${state === "unreachable" ? "offline" : state}`);
      if (line.current) {
        line.current.dataset.state = state;
        line.current.textContent = label;
      }
      const trouble = state === "offline" || state === "reconnecting" || state === "unreachable";
      const recovered = state === "saved" && announced !== null && announced !== "saved";
      if ((trouble && state !== announced) || recovered) {
        announced = state;
        if (announcer.current) announcer.current.textContent = label;
      }
    };
    show(status.get());
    return status.subscribe(show);
  }, [status, readOnly, t]);
  return (
    <>
      <p ref={line} className="save-status" />
      <p ref={announcer} className="visually-hidden" role="status" />
    </>
  );
}
