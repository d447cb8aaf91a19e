import type { SerializeFrom } from "@remix-run/node";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { amendDocument, decideApproval, findVersion, requestApproval, signDocument } from "@twinning/db";
import { ApprovalPanel, type ApprovalResult } from "~/components/document/ApprovalPanel";
import { SignedBanner } from "~/components/document/SignedBanner";
import { ErrorPage } from "~/components/ErrorPage";
import { notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { approvalView, authorizeWithApproval, liveContentHash, refusal } from "~/lib/approvals.server";
import { liveVersionContent, versionBlocks } from "~/lib/versions.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";

/**
 * The approval flow of one document: send a saved version for approval, approve or request changes
 * for a tenant, sign, start an amendment. The document page shows the same panel (posting here); this
 * page is where a form lands without JavaScript, and a plain view of the rounds.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const scope = await authorizeWithApproval(tx, user, params);
    return {
      space: { id: scope.space.id, title: scope.space.title },
      doc: { id: scope.doc.id, title: scope.doc.title, status: scope.doc.status },
      approval: await approvalView(tx, scope, scope.actor),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  return context.tx(async (tx): Promise<ApprovalResult | ReturnType<typeof data<ApprovalResult>>> => {
    const scope = await authorizeWithApproval(tx, user, params);
    const input = readAction("routes/s.$spaceId_.docs.$docId_.approval", formData);
    const intent = input.intent;
    if (!input.ok) return data({ intent, error: input.error, field: input.field, comment: String(formData.get("body") ?? "") }, { status: 400 });
    // A version that is not this document's is not found, whatever the step.
    if ("versionId" in input.data && !(await findVersion(tx, scope.doc, input.data.versionId))) notFound();
    // Each step is the policy's; a refusal says why, in the user's language, and changes nothing.
    const refused = refusal(scope, input);
    if (refused) return data({ intent, error: refused, comment: String(formData.get("body") ?? "") }, { status: 403 });
    const doc = scope.doc;
    let outcome: { ok: true } | { ok: false; error: string; language?: string; count?: number };
    switch (input.intent) {
      case "requestApproval":
        outcome = await requestApproval(tx, {
          doc,
          versionId: input.data.versionId,
          tenantIds: input.data.tenantIds,
          actorId: user.id,
          blocksOf: versionBlocks,
          liveContent: (documentId) => liveVersionContent(tx, documentId),
        });
        break;
      case "approve":
      case "requestChanges":
        outcome = await decideApproval(tx, {
          doc,
          versionId: input.data.versionId,
          tenantId: input.data.tenantId,
          decision: input.intent === "approve" ? "approved" : "changes_requested",
          comment: input.intent === "requestChanges" ? input.data.body : null,
          actorId: user.id,
        });
        break;
      case "sign":
        outcome = await signDocument(tx, { doc, versionId: input.data.versionId, actorId: user.id, liveContentHash: (documentId) => liveContentHash(tx, documentId) });
        break;
      case "amend":
        outcome = (await amendDocument(tx, { doc, actorId: user.id })) ? { ok: true } : { ok: false, error: "roundChanged" };
        break;
    }
    if (!outcome.ok) {
      // A version that is not this document's is not found; a round that moved on is a message.
      if (outcome.error === "versionNotFound") throw new Response("Not Found", { status: 404 });
      const values = outcome.language ? { language: outcome.language, count: outcome.count ?? 0 } : undefined;
      return data({ intent, error: outcome.error, values }, { status: outcome.error === "partyNotInSpace" || outcome.error === "noParties" ? 400 : 409 });
    }
    context.log.info({ documentId: doc.id, intent }, "document approval step");
    return { intent, notice: intent };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => documentCrumbs(space, doc) };

export default function ApprovalPage() {
  const { space, doc, approval } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  return (
    <article className="stack">
      <h1>{t("approval.pageTitle", { title: doc.title })}</h1>
      <SignedBanner approval={approval} documentPath={`/s/${space.id}/docs/${doc.id}`} />
      <ApprovalPanel spaceId={space.id} documentId={doc.id} documentTitle={doc.title} approval={approval} result={result as ApprovalResult | undefined} />
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
