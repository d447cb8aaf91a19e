import type { SerializeFrom } from "@remix-run/node";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { findThread, listThreads, peopleOfSpace, replyToThread, setThreadResolved, startThread } from "@twinning/db";
import { can } from "@twinning/domain";
import { convertYDoc, findAnchor, withCommentMark } from "@twinning/editor";
import { replaceContent } from "@twinning/editor/versions";
import { randomUUID } from "node:crypto";
import { CommentThreads, type CommentResult, type SerializedThread } from "~/components/document/CommentsPanel";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeDocument, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import { unlessUnreachable } from "~/lib/unreachable";

/**
 * A document's comment threads: the document page's comments panel loads and posts here; without
 * JavaScript this page lists the threads and answers, resolves and reopens them (starting a thread
 * needs a selection in the editor). Starting one: the server finds the quoted text in the live
 * document and marks it, for commenters as for editors (a commenter's own updates are dropped).
 */
/** The panel's fetcher gets null, not an error page, when the server cannot be reached. */
export const clientLoader = ({ serverLoader }: ClientLoaderFunctionArgs) => unlessUnreachable(serverLoader);

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, doc, actor, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const canComment = can(actor, "document.comment", resource);
    return {
      space: { id: space.id, title: space.title },
      doc: { id: doc.id, title: doc.title },
      threads: (await listThreads(tx, doc)).map(serializeThread),
      canComment,
      canStartThread: can(actor, "document.startThread", resource),
      // Who can be mentioned: the people taking part in the space.
      people: canComment
        ? (await peopleOfSpace(tx, space.id)).people.map((p) => ({
            name: p.name,
            tenantName: p.tenantName,
          }))
        : [],
    };
  });
}

const iso = (value: Date | string) => new Date(value).toISOString();

function serializeThread(thread: Awaited<ReturnType<typeof listThreads>>[number]): SerializedThread {
  return {
    id: thread.id,
    quote: thread.quote,
    createdAt: iso(thread.createdAt),
    resolvedAt: thread.resolvedAt ? iso(thread.resolvedAt) : null,
    resolvedByName: thread.resolvedByName,
    detached: thread.detached,
    comments: thread.comments.map((c) => ({
      id: c.id,
      authorName: c.authorName,
      authorTenant: c.authorTenant,
      body: c.body,
      createdAt: iso(c.createdAt),
    })),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const typed = String(formData.get("body") ?? "");
  return context.tx(async (tx): Promise<CommentResult | ReturnType<typeof data<CommentResult>>> => {
    const { doc, actor, resource } = await authorizeDocument(tx, user, params.spaceId, params.docId, "document.view");
    const input = readAction("routes/s.$spaceId_.docs.$docId_.comments", formData);
    const intent = input.intent;
    const threadId = String(formData.get("threadId") ?? "") || undefined;
    const refuse = (error: string, status: number) => data({ intent, error, body: typed, threadId }, { status });
    if (!input.ok) return refuse(input.error, 400);
    // A thread that is not this document's is not found, whatever the step.
    if ("threadId" in input.data && !(await findThread(tx, doc, input.data.threadId))) notFound();
    if (input.intent === "startThread") {
      if (!can(actor, "document.startThread", resource)) return refuse(resource.document.status === "signed" ? "signed" : "forbidden", 403);
      const anchor = {
        quote: input.data.quote,
        prefix: input.data.prefix,
        suffix: input.data.suffix,
      };
      const id = randomUUID();
      let anchored = false;
      const outcome = await context.applyServerChange(doc.id, user.id, (ydoc) => {
        const { node, truncated } = convertYDoc(ydoc);
        const range = truncated ? null : findAnchor(node, anchor, input.data.near);
        if (!range) return;
        replaceContent(ydoc, withCommentMark(node, range, id));
        anchored = true;
      });
      if (outcome === "missing") notFound();
      if (outcome !== "applied") return refuse(outcome, 409);
      if (!anchored) return refuse("anchorChanged", 409);
      await startThread(tx, {
        id,
        doc,
        title: doc.title,
        anchor,
        body: input.data.body,
        actorId: user.id,
      });
      context.log.info({ documentId: doc.id, threadId: id }, "comment thread started");
      return { intent, notice: "started", threadId: id };
    }
    if (!can(actor, "document.comment", resource)) return refuse("forbidden", 403);
    switch (input.intent) {
      case "reply":
        await replyToThread(tx, {
          doc,
          threadId: input.data.threadId,
          title: doc.title,
          body: input.data.body,
          actorId: user.id,
        });
        break;
      case "resolve":
      case "reopen":
        await setThreadResolved(tx, {
          doc,
          threadId: input.data.threadId,
          resolved: input.intent === "resolve",
          actorId: user.id,
        });
        break;
    }
    context.log.info({ documentId: doc.id, threadId: input.data.threadId, intent }, "comment thread changed");
    return { intent, notice: intent, threadId: input.data.threadId };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function CommentsPage() {
  const { space, doc, threads, canComment, people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const path = `/s/${space.id}/docs/${doc.id}`;
  return (
    <section className="narrow stack">
      <h1>{t("comments.pageTitle", { title: doc.title })}</h1>
      {result?.error && (!result.threadId || !canComment) ? (
        <p className="field-errors" role="alert">
          {String(
            t(`comments.errors.${result.error}`, {
              defaultValue: String(t(`errors.${result.error}`)),
            })
          )}
        </p>
      ) : null}
      <CommentThreads action={`${path}/comments`} threads={threads} canComment={canComment} people={people} result={result ?? null} />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
