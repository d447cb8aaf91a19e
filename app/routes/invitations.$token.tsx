import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { acceptInvitation, invitationProblem, previewInvitation } from "@twinning/db";
import { FormMessage } from "~/components/Field";
import { requireUser } from "~/lib/access.server";
import { errorKey } from "~/lib/forms";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const invitation = await previewInvitation(context.sql, params.token ?? "");
  const problem = invitationProblem(invitation, context.user?.email);
  const here = new URL(request.url).pathname;
  if (!invitation || (problem && problem !== "invitationWrongEmail")) {
    return data({ problem: problem ?? "invitationNotFound", invitation: null, signedIn: Boolean(context.user), here }, { status: problem === "invitationNotFound" ? 404 : 410 });
  }
  return {
    problem: problem ? errorKey(problem, { email: invitation.email }) : null,
    invitation: { tenantName: invitation.tenantName, role: invitation.role, email: invitation.email },
    signedIn: Boolean(context.user),
    here,
  };
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const result = await context.tx((tx) => acceptInvitation(tx, { token: params.token ?? "", userId: user.id, email: user.email }));
  if (!result.ok) return data({ problem: errorKey(result.error, { email: result.email ?? "" }) }, { status: 400 });
  context.log.info({ tenantId: result.invitation.tenantId, userId: user.id }, "invitation accepted");
  throw redirect("/?notice=joined");
}

export const meta: MetaFunction = (args) => pageTitle(args, "invitation.title");

export default function InvitationPage() {
  const { problem, invitation, signedIn, here } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const shownProblem = actionData?.problem ?? problem;
  return (
    <section className="narrow stack">
      <h1>{t("invitation.title")}</h1>
      {invitation ? <p>{t("invitation.lead", { tenant: invitation.tenantName, role: t(`roles.${invitation.role}`) })}</p> : null}
      <FormMessage id="invitation-error" errors={shownProblem ? [shownProblem] : undefined} />
      {invitation && !signedIn ? (
        <>
          <p>{t("invitation.signUpFirst", { email: invitation.email })}</p>
          <p className="inline-form">
            <Link className="button" to={`/signup?${new URLSearchParams({ email: invitation.email, redirectTo: here })}`}>
              {t("nav.signUp")}
            </Link>
            <Link to={`/login?${new URLSearchParams({ redirectTo: here })}`}>{t("nav.logIn")}</Link>
          </p>
        </>
      ) : null}
      {invitation && signedIn && !shownProblem ? (
        <Form method="post">
          <button type="submit">{t("invitation.accept")}</button>
        </Form>
      ) : null}
    </section>
  );
}
