import type { SerializeFrom } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { endPartnership, invitePartner, partnersOf, searchTenants, setArchived, updateSpace } from "@twinning/db";
import { invitePartnerSchema, LIMITS, SPACE_ROLES, updateSpaceSchema } from "@twinning/domain";
import { FormMessage, Notice, TextField } from "~/components/Field";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorPage } from "~/components/ErrorPage";
import { SpaceLookFields } from "~/components/SpaceLook";
import { TenantFacts } from "~/components/TenantFacts";
import { authorizePartner, authorizeSpace, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { errorKey, translateMessage } from "~/lib/forms";
import { spaceCrumbs, type CrumbsHandle } from "~/lib/breadcrumbs";
import { useT } from "~/lib/i18n";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/lib/meta";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, LIMITS.searchLength);
  return context.tx(async (tx) => {
    const { space } = await authorizeSpace(tx, user, params.spaceId, "space.manage");
    const [partners, results] = await Promise.all([partnersOf(tx, space.id), q ? searchTenants(tx, q) : []]);
    return {
      space: { id: space.id, title: space.title, purpose: space.purpose ?? "", color: space.color, icon: space.icon, private: space.private, archived: space.archivedAt !== null },
      partners: partners.filter((p) => p.status === "active" || p.status === "invited"),
      q,
      results,
    };
  });
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  return context.tx(async (tx) => {
    if (intent === "update") {
      const { space } = await authorizeSpace(tx, user, params.spaceId, "space.update");
      const submission = parseWithZod(formData, { schema: updateSpaceSchema });
      if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
      await updateSpace(tx, { ...submission.value, spaceId: space.id, actorId: user.id });
      return { intent, notice: "saved" };
    }
    if (intent === "invitePartner") {
      const { space } = await authorizeSpace(tx, user, params.spaceId, "space.invitePartner");
      const parsed = invitePartnerSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ intent, error: "tenantNotFound" }, { status: 400 });
      const result = await invitePartner(tx, { spaceId: space.id, tenantSlug: parsed.data.tenant, role: parsed.data.role, actorId: user.id });
      if (!result.ok) return data({ intent, error: result.error }, { status: 400 });
      context.log.info({ spaceId: space.id, partner: parsed.data.tenant }, "partner invited");
      return { intent, notice: errorKey("partnerInvited", { tenant: result.tenantName }) };
    }
    if (intent === "removePartner") {
      const input = readAction("routes/s.$spaceId_.settings", formData);
      if (!input.ok || input.intent !== "removePartner") throw new Response("Bad Request", { status: 400 });
      const { space, tenantId } = await authorizePartner(tx, user, params.spaceId, input.data.tenantId, "partner.remove");
      await endPartnership(tx, { spaceId: space.id, tenantId, actorId: user.id, by: "host" });
      context.log.info({ spaceId: space.id, tenantId }, "partner removed");
      return { intent, notice: "partnerRemoved" };
    }
    if (intent === "archive" || intent === "restore") {
      const { space } = await authorizeSpace(tx, user, params.spaceId, "space.archive");
      await setArchived(tx, { spaceId: space.id, archived: intent === "archive", actorId: user.id });
      return { intent, notice: intent === "archive" ? "archivedDone" : "restoredDone" };
    }
    throw new Response("Bad Request", { status: 400 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "space.settingsTitle");

export const handle: CrumbsHandle<SerializeFrom<typeof loader>> = { crumbs: ({ space }) => spaceCrumbs(space) };

export default function SpaceSettings() {
  const { space, partners, q, results } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const [params] = useSearchParams();
  const update = actionData?.intent === "update" && "result" in actionData ? actionData.result : undefined;
  const [form, fields] = useForm({
    id: "space-settings",
    lastResult: update,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: updateSpaceSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { title: space.title, purpose: space.purpose, color: space.color, icon: space.icon },
  });
  const error = actionData && "error" in actionData ? actionData.error : null;
  const notice = actionData && "notice" in actionData ? actionData.notice : null;
  return (
    <section className="stack">
      <h1>{t("space.settingsTitle")}</h1>
      <FormMessage id="settings-error" errors={error ? [error] : undefined} />
      {notice ? <Notice>{translateMessage(t, "space.notices", notice)}</Notice> : null}

      <Form method="post" {...getFormProps(form)} className="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">{t("space.details")}</h2>
        <FormMessage id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="update" />
        <TextField field={fields.title} label={t("space.title")} maxLength={LIMITS.spaceTitleLength} autoComplete="off" />
        <TextField field={fields.purpose} label={t("space.purpose")} maxLength={LIMITS.descriptionLength} autoComplete="off" />
        <SpaceLookFields color={fields.color} icon={fields.icon} />
        <button type="submit">{t("account.save")}</button>
      </Form>

      <h2 id="partners-heading">{t("space.partners")}</h2>
      {partners.length ? (
        <ul>
          {partners.map((p) => (
            <li key={p.tenantId} className="inline-form">
              <span>
                {p.name} — {t(`spaceRoles.${p.role}`)}
                {p.status === "invited" ? ` (${t("space.statusInvited")})` : ""}
              </span>
              <ConfirmAction
                label={t("confirm.removePartnerOpen")}
                ariaLabel={t("space.removePartnerNamed", { tenant: p.name })}
                title={t("confirm.removePartnerTitle", { tenant: p.name })}
                message={t("confirm.removePartner", { tenant: p.name })}
                confirm={t("space.removePartner")}
                fields={{ intent: "removePartner", tenantId: p.tenantId }}
              />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("space.noPartners")}</p>
      )}

      {space.private ? (
        <p className="muted">{t("space.privateHint")}</p>
      ) : (
        <>
          <h2 id="invite-partner-heading">{t("space.invitePartner")}</h2>
          <Form method="get" className="inline-form" role="search" aria-labelledby="invite-partner-heading">
            <label htmlFor="partner-search">{t("space.searchTenant")}</label>
            <input id="partner-search" name="q" type="search" defaultValue={params.get("q") ?? ""} maxLength={LIMITS.searchLength} />
            <button type="submit" className="secondary">
              {t("space.search")}
            </button>
          </Form>
          {q ? (
            results.length ? (
              <ul className="search-results">
                {results.map((r) => (
                  <li key={r.slug}>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="invitePartner" />
                      <input type="hidden" name="tenant" value={r.slug} />
                      <TenantFacts tenant={r} memberCount={r.memberCount} />
                      <label htmlFor={`role-${r.slug}`} className="visually-hidden">
                        {t("space.roleFor", { tenant: `${r.name} (${r.slug})` })}
                      </label>
                      <select id={`role-${r.slug}`} name="role" defaultValue="editor">
                        {SPACE_ROLES.map((role) => (
                          <option key={role} value={role}>
                            {t(`spaceRoles.${role}`)}
                          </option>
                        ))}
                      </select>
                      <button type="submit" aria-label={t("space.inviteNamed", { tenant: `${r.name} (${r.slug})` })}>
                        {t("space.invite")}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t("space.noResults")}</p>
            )
          ) : null}
        </>
      )}

      <h2 id="webhooks-heading">{t("webhooks.title")}</h2>
      <p className="muted">
        {t("webhooks.settingsHint")} <Link to={`/s/${space.id}/webhooks`}>{t("webhooks.manage")}</Link>
      </p>

      <h2>{space.archived ? t("space.restoreHeading") : t("space.archiveHeading")}</h2>
      <p className="muted">{space.archived ? t("space.restoreHint") : t("space.archiveHint")}</p>
      {space.archived ? (
        <Form method="post">
          <button type="submit" name="intent" value="restore" className="secondary">
            {t("space.restore")}
          </button>
        </Form>
      ) : (
        <ConfirmAction
          label={`${t("space.archive")}…`}
          title={t("confirm.archiveSpaceTitle", { space: space.title })}
          message={t("confirm.archiveSpace")}
          confirm={t("space.archive")}
          fields={{ intent: "archive" }}
        />
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
