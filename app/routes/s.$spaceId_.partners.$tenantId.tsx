import type { SerializeFrom } from "@remix-run/node";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { chooseMembers, endPartnership, findTenantById, membersOf } from "@twinning/db";
import { FormMessage, Notice } from "~/components/Field";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizePartner, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

/** A partner tenant's admins choose who of their members take part, or leave the space. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { space, facts, tenantId } = await authorizePartner(tx, user, params.spaceId, params.tenantId, "partner.chooseMembers");
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
  return context.tx(async (tx) => {
    const input = readAction("routes/s.$spaceId_.partners.$tenantId", formData);
    const { space, tenantId } = await authorizePartner(tx, user, params.spaceId, params.tenantId, input.intent === "leave" ? "partner.leave" : "partner.chooseMembers");
    // What the user chose comes back with a refusal, so the form shows it again (also without JavaScript).
    const typed = { selection: String(formData.get("selection") ?? ""), userIds: [...new Set(formData.getAll("userIds").map(String))] };
    if (!input.ok) return data({ error: input.error, typed }, { status: 400 });
    switch (input.intent) {
      case "choose": {
        const result = await chooseMembers(tx, { spaceId: space.id, tenantId, ...input.data, actorId: user.id });
        if (!result.ok) return data({ error: result.error, typed }, { status: 400 });
        return { notice: "membersChosen" };
      }
      case "leave": {
        await endPartnership(tx, { spaceId: space.id, tenantId, actorId: user.id, by: "partner" });
        context.log.info({ spaceId: space.id, tenantId }, "partner left the space");
        const tenant = await findTenantById(tx, tenantId);
        throw redirect(`/t/${tenant!.slug}`);
      }
    }
  });
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle({ matches }, "partner.title", { tenant: data?.tenant.name ?? "" });

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function PartnerPage() {
  const { space, tenant, selection, chosen, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const typed = actionData && "typed" in actionData ? actionData.typed : null;
  const [mode, setMode] = useState(typed?.selection === "all" || typed?.selection === "chosen" ? typed.selection : selection);
  const checked = typed?.userIds ?? chosen;
  const [params] = useSearchParams();
  const accepted = params.get("notice") === "accepted";
  return (
    <section className="narrow stack">
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
              <input type="checkbox" id={`member-${m.userId}`} name="userIds" value={m.userId} defaultChecked={checked.includes(m.userId)} />
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
      <ConfirmAction
        label={t("confirm.leaveOpen")}
        title={t("confirm.leaveTitle", { space: space.title })}
        message={t("confirm.leave", { tenant: tenant.name })}
        confirm={t("partner.leave")}
        fields={{ intent: "leave" }}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
