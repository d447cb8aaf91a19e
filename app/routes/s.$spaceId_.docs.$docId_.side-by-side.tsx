import type { SerializeFrom } from "@remix-run/node";
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { listBoards, translationsOf } from "@twinning/db";
import { can, colorFor, isUuid } from "@twinning/domain";
import { ErrorPage } from "~/components/ErrorPage";
import { TranslationsPanel, useTranslations } from "~/components/document/TranslationsPanel";
import type { LiveEditor } from "~/components/editor/CollabEditor";
import { setBlocksToReview } from "~/components/editor/reviewHighlights";
import { StaticContent } from "~/components/editor/StaticContent";
import { authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { renderDocument } from "~/lib/documents.server";
import { announceDocumentChanged } from "~/lib/comments-live";
import { useT } from "~/lib/i18n";
import { useSpaceEvents } from "~/lib/useSpaceEvents";

const CollabEditor = lazy(() => import("~/components/editor/CollabEditor"));

/**
 * A source and its translation side by side (issue 15): each live-editable by its editors, scrolled
 * together block by block (a block of one is brought level with the block of the same id in the
 * other), the translation's blocks whose source changed marked, and what to review listed below.
 * Opened from a translation (with its source), or from a source (`?with=` one of its translations).
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const asked = new URL(request.url).searchParams.get("with");
  return context.tx(async (tx) => {
    const opened = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const { source, translations } = await translationsOf(tx, opened.doc);
    const pairId = source?.id ?? (isUuid(asked) ? translations.find((t) => t.id === asked)?.id : undefined) ?? translations[0]?.id;
    if (!pairId) notFound();
    const pair = await authorizeDocument(tx, user, params.spaceId, pairId, "document.view");
    const [left, right] = source ? [pair, opened] : [opened, pair];
    const side = async (found: typeof opened) => ({
      id: found.doc.id,
      title: found.doc.title,
      language: found.doc.language,
      canEdit: can(found.actor, "document.edit", found.resource),
      html: (await renderDocument(tx, found.doc, context.log)).html,
    });
    return {
      space: { id: opened.space.id, title: opened.space.title },
      doc: { id: opened.doc.id, title: opened.doc.title },
      source: await side(left),
      translation: await side(right),
      boards: (await listBoards(tx, opened.space.id)).map((b) => ({ id: b.id, title: b.title })),
      user: { id: user.id, name: user.name, color: colorFor(user.id) },
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.source.title} · ${data.translation.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

type Side = SerializeFrom<typeof loader>["source"];

/** The first block whose bottom is below the top of `container`, and how far its top is above the container's. */
function topBlock(container: HTMLElement): { id: string; offset: number } | null {
  const top = container.getBoundingClientRect().top;
  for (const block of container.querySelectorAll<HTMLElement>(".document-body > [data-block-id]")) {
    const rect = block.getBoundingClientRect();
    if (rect.bottom > top) return { id: block.dataset.blockId!, offset: rect.top - top };
  }
  return null;
}

export default function SideBySide() {
  const { space, source, translation, boards, user } = useLoaderData<typeof loader>();
  const { t } = useT();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const panes = useRef<(HTMLDivElement | null)[]>([null, null]);
  const following = useRef<HTMLDivElement | null>(null);
  // Scrolling one pane brings the other's block of the same id level with it.
  useEffect(() => {
    const [a, b] = panes.current;
    if (!a || !b) return;
    const follow = (from: HTMLDivElement, to: HTMLDivElement) => () => {
      if (following.current === from) return void (following.current = null);
      const block = topBlock(from);
      const target = block && to.querySelector<HTMLElement>(`.document-body > [data-block-id="${CSS.escape(block.id)}"]`);
      if (!block || !target) return;
      following.current = to;
      to.scrollTop += target.getBoundingClientRect().top - to.getBoundingClientRect().top - block.offset;
    };
    const fromA = follow(a, b);
    const fromB = follow(b, a);
    a.addEventListener("scroll", fromA, { passive: true });
    b.addEventListener("scroll", fromB, { passive: true });
    return () => {
      a.removeEventListener("scroll", fromA);
      b.removeEventListener("scroll", fromB);
    };
  }, [hydrated]);
  const [live, setLive] = useState<LiveEditor | null>(null);
  // The space's stream tells the review list when either text's blocks change (app/lib/comments-live.ts).
  useSpaceEvents(
    space.id,
    () => {},
    () => false,
    { translations: (id) => announceDocumentChanged("translations", id) },
  );
  const translations = useTranslations(space.id, translation.id);
  const toReview = translations.data?.toReview;
  useEffect(() => {
    if (live) setBlocksToReview(live.editor, new Set((toReview ?? []).filter((b) => b.state === "changed").map((b) => b.blockId)));
  }, [live, toReview]);
  const showBlock = useCallback((blockId: string) => {
    const pane = panes.current[1];
    const target = pane?.querySelector<HTMLElement>(`.document-body > [data-block-id="${CSS.escape(blockId)}"]`);
    if (pane && target) pane.scrollTop += target.getBoundingClientRect().top - pane.getBoundingClientRect().top;
  }, []);
  const pane = (side: Side, index: number, onLive?: (live: LiveEditor | null) => void) => (
    <section className="side-pane" aria-labelledby={`side-${index}-title`}>
      <h2 id={`side-${index}-title`}>
        <span lang={side.language}>{side.title}</span> <span className="muted">({t(`languages.${side.language}`)})</span>
      </h2>
      <div
        className="side-scroll"
        ref={(el) => {
          panes.current[index] = el;
        }}
        tabIndex={0}
        role="region"
        aria-label={t("translations.paneLabel", { language: t(`languages.${side.language}`) })}
      >
        {hydrated ? (
          <Suspense fallback={<StaticContent html={side.html} language={side.language} />}>
            <CollabEditor
              documentId={side.id}
              spaceId={space.id}
              boards={boards}
              readOnly={!side.canEdit}
              language={side.language}
              fallbackHtml={side.html}
              user={user}
              onLive={onLive}
            />
          </Suspense>
        ) : (
          <StaticContent html={side.html} language={side.language} />
        )}
      </div>
    </section>
  );
  return (
    <article className="side-by-side stack">
      <h1>{t("translations.sideBySide")}</h1>
      <div className="side-by-side-grid">
        {pane(source, 0)}
        {pane(translation, 1, setLive)}
      </div>
      <section aria-labelledby="side-review-title" className="side-review">
        <h2 id="side-review-title">{t("translations.toReviewHeading")}</h2>
        <TranslationsPanel spaceId={space.id} documentId={translation.id} initial={translations.data} onShowBlock={showBlock} compact />
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
