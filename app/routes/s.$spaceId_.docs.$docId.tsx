import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { findDocument, listBoards, renameDocument, setDocumentArchived, setDocumentStatus, type DocumentRow, type Queryable } from "@twinning/db";
import { can, colorFor, DOCUMENT_STATUSES, documentStatusSchema, LIMITS, renameDocumentSchema, isUuid } from "@twinning/domain";
import { FormMessage, Notice } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { StaticContent } from "~/components/editor/StaticContent";
import { authorizeSpace, forbidden, notFound, requireUser } from "~/lib/access.server";
import { renderDocumentHtml } from "~/lib/documents.server";
import { useT } from "~/lib/i18n";
import type { SessionUser } from "@twinning/auth";

// The editor (Tiptap, Yjs) is a large bundle of its own, loaded only on document pages.
const CollabEditor = lazy(() => import("~/components/editor/CollabEditor"));

async function authorizeDocument(tx: Queryable, user: SessionUser, spaceId: string | undefined, documentId: string | undefined) {
  const { space, facts, actor } = await authorizeSpace(tx, user, spaceId, "space.view");
  const doc = isUuid(documentId) ? await findDocument(tx, documentId) : undefined;
  if (!doc || doc.spaceId !== space.id) notFound();
  const resource = { type: "document" as const, space: facts, document: { archived: doc.archivedAt !== null, status: doc.status } };
  return { space, doc, can: (action: "document.edit" | "document.manage" | "document.comment") => can(actor, action, resource) };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, doc, can } = await authorizeDocument(tx, user, params.spaceId, params.docId);
    return {
      space: { id: space.id, title: space.title },
      doc: publicDoc(doc),
      canEdit: can("document.edit"),
      canManage: can("document.manage"),
      html: await renderDocumentHtml(tx, doc.id),
      boards: (await listBoards(tx, space.id)).map((b) => ({ id: b.id, title: b.title })),
      user: { name: user.name, color: colorFor(user.id) },
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  return context.tx(async (tx) => {
    const { doc, can } = await authorizeDocument(tx, user, params.spaceId, params.docId);
    if (!can("document.manage")) forbidden();
    if (intent === "rename") {
      const parsed = renameDocumentSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ intent, error: parsed.error.issues[0].message, title: String(formData.get("title") ?? "") }, { status: 400 });
      await renameDocument(tx, { documentId: doc.id, title: parsed.data.title, actorId: user.id });
    } else if (intent === "status") {
      const parsed = documentStatusSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ intent, error: "required", title: "" }, { status: 400 });
      await setDocumentStatus(tx, { documentId: doc.id, status: parsed.data.status, actorId: user.id });
    } else if (intent === "archive" || intent === "restore") {
      await setDocumentArchived(tx, { documentId: doc.id, archived: intent === "archive", actorId: user.id });
    } else {
      throw new Response("Bad Request", { status: 400 });
    }
    // Open editors reconnect and are authorised afresh (e.g. read-only once signed or archived).
    await tx`select pg_notify('twinning_access', ${JSON.stringify({ spaceId: doc.spaceId, documentId: doc.id })})`;
    context.log.info({ documentId: doc.id, intent }, "document changed");
    return { intent, notice: "saved" };
  });
}

function publicDoc(doc: DocumentRow) {
  return { id: doc.id, title: doc.title, type: doc.type, status: doc.status, language: doc.language, archived: doc.archivedAt !== null, outline: doc.outline };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export default function DocumentPage() {
  const { space, doc, canEdit, canManage, html, user, boards } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const error = actionData && "error" in actionData ? actionData.error : null;
  return (
    <article className="stack document-page">
      <p>
        <Link to={`/s/${space.id}`}>← {space.title}</Link>
      </p>
      <header>
        <h1>{doc.title}</h1>
        <p className="muted">
          {t(`documentTypes.${doc.type}`)} · {t(`documentStatuses.${doc.status}`)} · <span lang={doc.language}>{t(`languages.${doc.language}`)}</span>
        </p>
      </header>
      {doc.archived ? <p className="notice">{t("document.archivedNotice")}</p> : doc.status === "signed" ? <p className="notice">{t("document.signedNotice")}</p> : null}
      {hydrated ? (
        <Suspense fallback={<StaticContent html={html} language={doc.language} />}>
          <CollabEditor documentId={doc.id} spaceId={space.id} boards={boards} readOnly={!canEdit} language={doc.language} fallbackHtml={html} user={user} />
        </Suspense>
      ) : (
        <StaticContent html={html} language={doc.language} />
      )}
      {canManage ? (
        <details className="card document-settings">
          <summary>{t("document.manage")}</summary>
          <FormMessage id="document-error" errors={error ? [error] : undefined} />
          {actionData && "notice" in actionData ? <Notice>{t("document.saved")}</Notice> : null}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="rename" />
            <label htmlFor="document-title">{t("document.title")}</label>
            <input id="document-title" name="title" defaultValue={actionData && "title" in actionData && actionData.title ? actionData.title : doc.title} maxLength={LIMITS.documentTitleLength} required />
            <button type="submit" className="secondary">
              {t("document.rename")}
            </button>
          </Form>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="status" />
            <label htmlFor="document-status">{t("document.status")}</label>
            <select id="document-status" name="status" defaultValue={doc.status}>
              {DOCUMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`documentStatuses.${s}`)}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary">
              {t("document.setStatus")}
            </button>
          </Form>
          <Form method="post">
            <button type="submit" name="intent" value={doc.archived ? "restore" : "archive"} className="secondary">
              {doc.archived ? t("document.restore") : t("document.archive")}
            </button>
          </Form>
        </details>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
