import type { SerializeFrom } from "@remix-run/node";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { ArrowLeft } from "lucide-react";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { listBoards, renameDocument, setDocumentArchived, setDocumentLanguage, setDocumentType, type DocumentRow } from "@twinning/db";
import { APPROVAL_DOCUMENT_TYPES, can, colorFor } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { ApprovalPanel, ApprovalSummary, useApprovalLive } from "~/components/document/ApprovalPanel";
import { CommentsPanel, type PendingThread, useDocumentComments } from "~/components/document/CommentsPanel";
import { CommentTrigger } from "~/components/document/CommentTrigger";
import { DocumentLayout, type PanelId } from "~/components/document/DocumentLayout";
import { SignedBanner } from "~/components/document/SignedBanner";
import { DocumentMenu } from "~/components/document/DocumentMenu";
import { DocumentTitle, type DocumentTitleHandle } from "~/components/document/DocumentTitle";
import { HistoryPanel } from "~/components/document/HistoryPanel";
import { TranslationsPanel, useTranslations } from "~/components/document/TranslationsPanel";
import { setBlocksToReview } from "~/components/editor/reviewHighlights";
import type { LiveEditor } from "~/components/editor/CollabEditor";
import { setCommentHighlights } from "~/components/editor/commentHighlights";
import { DocumentOutline } from "~/components/editor/DocumentOutline";
import { useBlockJump } from "~/components/editor/useBlockJump";
import { Presence } from "~/components/editor/Presence";
import { StaticContent } from "~/components/editor/StaticContent";
import { authorizeDocument, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { approvalView, withApproval } from "~/lib/approvals.server";
import { renderDocument } from "~/lib/documents.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";

// The editor (Tiptap, Yjs) is a large bundle of its own, loaded only on document pages.
const CollabEditor = lazy(() => import("~/components/editor/CollabEditor"));

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const found = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const { space, actor, doc, resource } = found;
    // Only the beginning of a long document: the editor brings the rest.
    const content = await renderDocument(tx, doc, context.log, { preview: true });
    return {
      space: { id: space.id, title: space.title },
      doc: publicDoc(doc),
      canEdit: can(actor, "document.edit", resource),
      canManage: can(actor, "document.manage", resource),
      canStartThread: can(actor, "document.startThread", resource),
      html: content.html,
      // Content that could not be converted whole is shown read-only, and no editor opens on it.
      contentIntact: content.intact,
      contentPartial: content.partial,
      boards: (await listBoards(tx, space.id)).map((b) => ({ id: b.id, title: b.title })),
      user: { id: user.id, name: user.name, color: colorFor(user.id) },
      approval: await approvalView(tx, await withApproval(tx, found), actor),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { doc } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.manage");
    const input = readAction("routes/s.$spaceId_.docs.$docId", formData);
    const intent = input.intent;
    if (!input.ok) return data({ intent, error: input.error, title: String(formData.get("title") ?? "") }, { status: 400 });
    switch (input.intent) {
      case "rename":
        await renameDocument(tx, { doc, title: input.data.title, actorId: user.id });
        break;
      case "setType":
        await setDocumentType(tx, { doc, type: input.data.type, actorId: user.id });
        break;
      case "setLanguage":
        await setDocumentLanguage(tx, { doc, language: input.data.language, actorId: user.id });
        break;
      case "archive":
      case "restore":
        await setDocumentArchived(tx, { doc, archived: intent === "archive", actorId: user.id });
        break;
    }
    context.log.info({ documentId: doc.id, intent }, "document changed");
    return { intent, notice: "saved" };
  });
}

function publicDoc(doc: DocumentRow) {
  return { id: doc.id, title: doc.title, type: doc.type, status: doc.status, language: doc.language, archived: doc.archivedAt !== null, outline: doc.outline };
}

// Comments change only the comments panel's data (its own fetcher): the document's page data stays.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction?.endsWith("/comments") ? false : defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function DocumentPage() {
  const { space, doc, canEdit, canManage, canStartThread, html, contentIntact, contentPartial, user, boards, approval } = useLoaderData<typeof loader>();
  const { t } = useT();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [live, setLive] = useState<LiveEditor | null>(null);
  const [saved, setSaved] = useState(false);
  const title = useRef<DocumentTitleHandle>(null);
  const onSaved = useCallback(() => setSaved(true), []);
  // Agreements and MoUs show the approval flow from the start; any other document once it is in one
  // (or was signed) — the host's admins start it from the "⋯" menu, on the approval page.
  const approvalShown = APPROVAL_DOCUMENT_TYPES.includes(doc.type) || !!approval.round || approval.signed.length > 0;
  const text = <StaticContent html={html} language={doc.language} />;
  useApprovalLive(space.id, doc.id, live?.provider.doc ?? null, approval);
  const comments = useDocumentComments(space.id, doc.id);
  const [pending, setPending] = useState<PendingThread | null>(null);
  const [focusThread, setFocusThread] = useState<string | null>(null);
  const [openRequest, setOpenRequest] = useState<{ panel: PanelId; seq: number } | null>(null);
  const openComments = useCallback(() => setOpenRequest((r) => ({ panel: "comments", seq: (r?.seq ?? 0) + 1 })), []);
  const startThread = useCallback(
    (next: PendingThread) => {
      setPending(next);
      openComments();
    },
    [openComments],
  );
  const threads = comments.data?.threads;
  const resolved = useMemo(() => new Set((threads ?? []).filter((th) => th.resolvedAt).map((th) => th.id)), [threads]);
  const editor = live?.editor ?? null;
  useEffect(() => {
    if (editor) setCommentHighlights(editor, { resolved, active: focusThread });
  }, [editor, resolved, focusThread]);
  // Choosing commented text shows its thread.
  useEffect(() => {
    if (!editor) return;
    const onClick = (event: MouseEvent) => {
      const id = (event.target as Element | null)?.closest?.("[data-thread]")?.getAttribute("data-thread");
      if (!id || !threads?.some((th) => th.id === id)) return;
      setFocusThread(id);
      openComments();
    };
    const dom = editor.view.dom;
    dom.addEventListener("click", onClick);
    return () => dom.removeEventListener("click", onClick);
  }, [editor, threads, openComments]);
  const openThreads = threads?.filter((th) => !th.resolvedAt).length ?? 0;
  // A translation's blocks whose source changed are marked in the text, and counted on the panel's toggle.
  const translations = useTranslations(space.id, doc.id);
  const toReview = translations.data?.toReview;
  // A bilingual export beside each linked document, the source on the left.
  const linked = translations.data;
  const bilingual = useMemo(
    () =>
      linked?.source
        ? [{ id: linked.source.id, left: linked.source.language, right: doc.language }]
        : (linked?.translations ?? []).map((tr) => ({ id: tr.id, left: doc.language, right: tr.language })),
    [linked, doc.language],
  );
  useEffect(() => {
    if (editor) setBlocksToReview(editor, new Set((toReview ?? []).filter((b) => b.state === "changed").map((b) => b.blockId)));
  }, [editor, toReview]);
  const showBlock = useCallback(
    (blockId: string) => editor?.view.dom.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`)?.scrollIntoView({ block: "center", behavior: "smooth" }),
    [editor],
  );
  // Arriving from the inbox (a mention, a reply): its thread is shown.
  const [search] = useSearchParams();
  const linkedThread = search.get("thread");
  useEffect(() => {
    if (!linkedThread) return;
    setFocusThread(linkedThread);
    openComments();
  }, [linkedThread, openComments]);
  // Arriving from a search hit: its block is shown.
  useBlockJump(editor, search.get("block"));
  return (
    <DocumentLayout
      title={<DocumentTitle ref={title} title={doc.title} canRename={canManage} />}
      facts={
        <p className="document-facts-line">
          <span>{t(`documentTypes.${doc.type}`)}</span>
          <span lang={doc.language}>{t(`languages.${doc.language}`)}</span>
          <span className={`badge status-badge status-${doc.status}`}>{t(`documentStatuses.${doc.status}`)}</span>
          {doc.archived ? <span className="badge status-badge status-archived">{t("document.archived")}</span> : null}
        </p>
      }
      approval={<ApprovalSummary approval={approval} />}
      commentsPanel={<CommentsPanel comments={comments} editor={editor} pending={pending} onPendingDone={() => setPending(null)} focusThread={focusThread} />}
      openRequest={openRequest}
      counts={{ comments: openThreads, translations: toReview?.length ?? 0 }}
      historyPanel={<HistoryPanel spaceId={space.id} documentId={doc.id} />}
      translationsPanel={<TranslationsPanel spaceId={space.id} documentId={doc.id} initial={translations.data} onShowBlock={showBlock} />}
      approvalPanel={approvalShown ? <ApprovalPanel spaceId={space.id} documentId={doc.id} documentTitle={doc.title} approval={approval} inPanel /> : undefined}
      presence={live ? <Presence provider={live.provider} selfId={user.id} /> : null}
      menu={
        <DocumentMenu
          doc={doc}
          canManage={canManage}
          exportPath={`/s/${space.id}/docs/${doc.id}`}
          bilingual={bilingual}
          onRename={() => title.current?.edit()}
          onSaved={onSaved}
          startApproval={canManage && !approvalShown && approval.canRequest ? `/s/${space.id}/docs/${doc.id}/approval` : undefined}
        />
      }
      notices={
        <>
          {doc.archived ? <p className="notice">{t("document.archivedNotice")}</p> : null}
          <SignedBanner approval={approval} documentPath={`/s/${space.id}/docs/${doc.id}`} />
          {contentIntact ? null : <p className="notice">{t("document.contentLimitNotice")}</p>}
          {contentPartial && !live ? (
            <p className="notice">
              {t("document.previewNotice", contentPartial)} <a href={`/s/${space.id}/docs/${doc.id}/export?format=html`}>{t("document.previewWhole")}</a>
            </p>
          ) : null}
          <div role="status" className="document-saved">
            {saved ? <p className="notice">{t("document.saved")}</p> : null}
          </div>
        </>
      }
      outline={live ? <DocumentOutline editor={live.editor} /> : null}
    >
      {editor && canStartThread ? <CommentTrigger editor={editor} onStart={startThread} /> : null}
      {hydrated && contentIntact ? (
        <Suspense fallback={text}>
          <CollabEditor documentId={doc.id} spaceId={space.id} boards={boards} readOnly={!canEdit} language={doc.language} fallbackHtml={html} user={user} onLive={setLive} />
        </Suspense>
      ) : (
        text
      )}
    </DocumentLayout>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
