import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { chooseMembers, endPartnership, findTenantById, membersOf } from "@twinning/db";
import { chooseMembersSchema } from "@twinning/domain";
import { FormMessage, Notice } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizePartner, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

/** A partner tenant's admins choose who of their members take part, or leave the space. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts } = await authorizePartner(tx, user, params.spaceId, params.tenantId, "partner.chooseMembers");
    const tenantId = params.tenantId!;
    const [tenant, members] = await Promise.all([findTenantById(tx, tenantId), membersOf(tx, tenantId)]);
    const partner = facts.partners.find((p) => p.tenantId === tenantId)!;
    return {
      space: { id: space.id, title: space.title },
      tenant: { id: tenantId, name: tenant!.name },
      selection: partner.selection,
      chosen: partner.chosen,
      members: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role })),
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  return context.tx(async (tx) => {
    const tenantId = params.tenantId!;
    if (intent === "choose") {
      const { space } = await authorizePartner(tx, user, params.spaceId, tenantId, "partner.chooseMembers");
      const submission = chooseMembersSchema.safeParse({ intent, selection: formData.get("selection"), userIds: formData.getAll("userIds") });
      if (!submission.success) return data({ error: "required" }, { status: 400 });
      const result = await chooseMembers(tx, { spaceId: space.id, tenantId, ...submission.data, actorId: user.id });
      if (!result.ok) return data({ error: result.error }, { status: 400 });
      return { notice: "membersChosen" };
    }
    if (intent === "leave") {
      const { space } = await authorizePartner(tx, user, params.spaceId, tenantId, "partner.leave");
      await endPartnership(tx, { spaceId: space.id, tenantId, actorId: user.id, by: "partner" });
      context.log.info({ spaceId: space.id, tenantId }, "partner left the space");
      const tenant = await findTenantById(tx, tenantId);
      throw redirect(`/t/${tenant!.slug}`);
    }
    throw new Response("Bad Request", { status: 400 });
  });
}

export default function PartnerPage() {
  const { space, tenant, selection, chosen, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const [mode, setMode] = useState(selection);
  const [params] = useSearchParams();
  const accepted = params.get("notice") === "accepted";
  return (
    <section className="narrow stack">
      <p>
        <Link to={`/s/${space.id}`}>← {space.title}</Link>
      </p>
      <h1>{t("partner.title", { tenant: tenant.name })}</h1>
      {accepted ? <Notice>{t("partner.accepted", { space: space.title })}</Notice> : null}
      {actionData && "notice" in actionData ? <Notice>{t("partner.membersChosen")}</Notice> : null}
      <FormMessage id="partner-error" errors={actionData && "error" in actionData ? [actionData.error] : undefined} />
      <Form method="post" className="card">
        <input type="hidden" name="intent" value="choose" />
        <fieldset>
          <legend>{t("partner.whoTakesPart")}</legend>
          <div className="field checkbox">
            <input type="radio" id="selection-all" name="selection" value="all" checked={mode === "all"} onChange={() => setMode("all")} />
            <label htmlFor="selection-all">{t("partner.all")}</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id="selection-chosen" name="selection" value="chosen" checked={mode === "chosen"} onChange={() => setMode("chosen")} />
            <label htmlFor="selection-chosen">{t("partner.chosen")}</label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t("partner.members")}</legend>
          {members.map((m) => (
            <div className="field checkbox" key={m.userId}>
              <input type="checkbox" id={`member-${m.userId}`} name="userIds" value={m.userId} defaultChecked={chosen.includes(m.userId)} />
              <label htmlFor={`member-${m.userId}`}>
                {m.name} <span className="muted">({t(`roles.${m.role}`)})</span>
              </label>
            </div>
          ))}
          <p className="hint">{t("partner.membersHint")}</p>
        </fieldset>
        <button type="submit">{t("account.save")}</button>
      </Form>
      <h2>{t("partner.leaveHeading")}</h2>
      <p className="muted">{t("partner.leaveHint")}</p>
      <Form method="post">
        <button type="submit" name="intent" value="leave" className="danger">
          {t("partner.leave")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
