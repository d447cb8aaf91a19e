import type { SerializeFrom } from "@remix-run/node";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { can, isUuid } from "@twinning/domain";
import { findVersion } from "@twinning/db";
import { ErrorPage } from "~/components/ErrorPage";
import { SignFacts } from "~/components/document/ApprovalPanel";
import { forbidden, notFound, requireUser } from "~/lib/access.server";
import { authorizeWithApproval, refusal } from "~/lib/approvals.server";
import { documentCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";

/**
 * The signing confirmation as a page of its own (`?versionId=`), for browsers without JavaScript: the
 * approval panel's "Sign…" is a GET form that lands here, where document, version, hash and parties
 * are named before the one button that signs posts to the approval route (with JavaScript the panel
 * shows the same in a dialog, with the same `SignFacts`). Only the host's admins reach it; when the
 * document cannot be signed now (not approved by all, stale, already signed, another version sent)
 * the page says why and offers no button.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const versionId = new URL(request.url).searchParams.get("versionId");
  if (!isUuid(versionId)) notFound();
  return context.tx(async (tx) => {
    const scope = await authorizeWithApproval(tx, user, params);
    const version = await findVersion(tx, scope.doc, versionId);
    if (!version) notFound();
    // Partners never sign: the page is the host's admins'.
    if (!can(scope.actor, "space.update", { type: "space", space: scope.facts })) forbidden();
    const round = scope.round;
    const refused = refusal(scope, { intent: "sign" }) ?? (round && round.versionId !== versionId ? "roundChanged" : null);
    return {
      space: { id: scope.space.id, title: scope.space.title },
      doc: { id: scope.doc.id, title: scope.doc.title },
      version: { id: version.id, name: version.name, contentHash: version.contentHash },
      parties: round && !round.signedAt ? round.parties.map((p) => p.tenantName) : [],
      translations: round && !round.signedAt && round.versionId === versionId ? round.translations : [],
      refused,
    };
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.doc.title} — Twinning` : "Twinning" }];

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space, doc }) => [...documentCrumbs(space, doc), { to: `/s/${space.id}/docs/${doc.id}/approval`, key: "approval.back" }] };

export default function SignConfirmationPage() {
  const { space, doc, version, parties, translations, refused } = useLoaderData<typeof loader>();
  const { t } = useT();
  const docPath = `/s/${space.id}/docs/${doc.id}`;
  const name = version.name ?? t("approval.unnamedVersion");
  return (
    <article className="stack approval-confirm">
      <h1>{t("approval.confirmTitle", { title: doc.title })}</h1>
      {refused ? (
        <p role="alert" className="form-error">
          {t(`approval.errors.${refused}`)}
        </p>
      ) : (
        <>
          <p>{t("approval.confirmPageLead")}</p>
          <SignFacts documentTitle={doc.title} version={name} contentHash={version.contentHash} translations={translations} parties={parties} />
          <Form method="post" action={`${docPath}/approval`} className="inline-form">
            <input type="hidden" name="intent" value="sign" />
            <input type="hidden" name="versionId" value={version.id} />
            <button type="submit">{t("approval.confirmSign", { title: doc.title })}</button>
            <Link to={`${docPath}/approval`} className="button secondary">
              {t("approval.back")}
            </Link>
          </Form>
        </>
      )}
    </article>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
