import type { SerializeFrom } from "@remix-run/node";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { Node } from "@tiptap/pm/model";
import { blocksToReview, createTranslation, markBlockReviewed, saveDocumentBlocks, translationsOf } from "@twinning/db";
import { can, LOCALES, type Locale } from "@twinning/domain";
import { deriveFromNode, editorSchema, jsonToYUpdate, nameBlocks, withBlockIds, type DocJSON } from "@twinning/editor";
import { resources } from "@twinning/i18n";
import { ErrorPage } from "~/components/ErrorPage";
import { TranslationsPanel } from "~/components/document/TranslationsPanel";
import { authorize, authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { liveVersionContent } from "~/lib/versions.server";
import { unlessUnreachable } from "~/lib/unreachable";

/**
 * A document's translations (issue 15): its source and translations with what each has to review
 * (this page, and the data of the document page's Translations panel); adding a translation into
 * another language; catching a translated block up with its source block.
 */

/** The panel's fetcher gets null, not an error page, when the server cannot be reached. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => unlessUnreachable(serverLoader);

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const { source, translations } = await translationsOf(tx, doc);
    const taken = new Set<Locale>([doc.language, ...translations.map((t) => t.language)]);
    return {
      space: { id: space.id, title: space.title },
      doc: { id: doc.id, title: doc.title, language: doc.language },
      source,
      translations,
      toReview: source ? await blocksToReview(tx, doc) : [],
      canReview: can(actor, "document.edit", resource),
      // A translation is not translated again: its source is.
      languagesLeft: source || !can(actor, "document.translate", resource) ? [] : LOCALES.filter((l) => !taken.has(l)),
    };
  });
}

export type TranslationsData = SerializeFrom<typeof loader>;

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx) => {
    const { space, actor, doc, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const input = readAction("routes/s.$spaceId_.docs.$docId_.translations", formData);
    if (!input.ok) return data({ intent: input.intent, error: input.error }, { status: 400 });
    switch (input.intent) {
      case "addTranslation": {
        authorize(actor, "document.translate", resource);
        const { language } = input.data;
        // Blocks without an id get one in the live source first (through the collaboration server, as any
        // change), so the copy aligns with them; a signed source keeps its text as it is.
        await context.applyServerChange(doc.id, user.id, (ydoc) => void nameBlocks(ydoc));
        // The copy starts as the source is now: its structure and text, its blocks' ids.
        const live = (await liveVersionContent(tx, doc.id)).content;
        const sourceBlocks = deriveFromNode(Node.fromJSON(editorSchema, live)).topBlocks;
        await saveDocumentBlocks(tx, { documentId: doc.id, blocks: sourceBlocks });
        const copy = withBlockIds(live) as DocJSON;
        const blocks = deriveFromNode(Node.fromJSON(editorSchema, copy)).topBlocks;
        const name = resources[language].translation.languages[language];
        const created = await createTranslation(tx, {
          source: doc,
          language,
          title: `${doc.title} (${name})`,
          initialState: jsonToYUpdate(copy),
          blocks,
          actorId: user.id,
        });
        if (!created) return data({ intent: input.intent, error: "translations.taken" }, { status: 409 });
        context.log.info({ documentId: doc.id, translationId: created.id, language }, "translation added");
        throw redirect(`/s/${space.id}/docs/${created.id}`);
      }
      case "markReviewed": {
        authorize(actor, "document.edit", resource);
        if (!(await markBlockReviewed(tx, { translation: doc, blockId: input.data.blockId, actorId: user.id }))) notFound();
        return { intent: input.intent, notice: "reviewed" as const };
      }
    }
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function DocumentTranslations() {
  const initial = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <article className="stack translations-page">
      <h1>{t("translations.of", { title: initial.doc.title })}</h1>
      <TranslationsPanel spaceId={initial.space.id} documentId={initial.doc.id} initial={initial} standalone />
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
