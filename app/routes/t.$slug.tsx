import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import {
  changeMember,
  createInvitation,
  findTenantById,
  membersOf,
  networkMembersOf,
  pendingInvitations,
  loadSpaceFacts,
  respondToPartnerInvitation,
  revokeInvitation,
  spacesOfTenant,
} from "@twinning/db";
import {
  can,
  invitationOpen,
  canGrantRole,
  canManageMembers,
  changeRoleSchema,
  inviteSchema,
  LIMITS,
  removeMemberSchema,
  revokeInvitationSchema,
  TENANT_ROLES,
  type TenantRole,
  isUuid,
} from "@twinning/domain";
import { createI18n } from "@twinning/i18n";
import { FormMessage, Notice, SelectField, TextField } from "~/components/Field";
import { ErrorPage } from "~/components/ErrorPage";
import { authorizeTenant, requireUser } from "~/lib/access.server";
import { useT } from "~/lib/i18n";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { tenant, role, actor } = await authorizeTenant(tx, user, params.slug, "tenant.view");
    const admin = can(actor, "tenant.manageMembers", { type: "tenant", tenantId: tenant.id });
    const [members, invitations, network, parent, spaces] = await Promise.all([
      membersOf(tx, tenant.id),
      admin ? pendingInvitations(tx, tenant.id) : [],
      networkMembersOf(tx, tenant.id),
      tenant.parentId ? findTenantById(tx, tenant.parentId) : undefined,
      spacesOfTenant(tx, tenant.id),
    ]);
    return {
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, kind: tenant.kind, country: tenant.country, description: tenant.description },
      parent: parent ? { slug: parent.slug, name: parent.name } : null,
      network: network.map((n) => ({ slug: n.slug, name: n.name })),
      role,
      admin,
      userId: user.id,
      isCurrent: user.currentTenantId === tenant.id,
      members: members.map((m) => ({ ...m, email: admin ? m.email : null })),
      invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt })),
      // Pending space invitations are for the tenant's admins to answer.
      spaces: spaces
        .filter((s) => s.status !== "invited" || admin)
        .map((s) => ({ id: s.id, title: s.title, hostName: s.hostName, role: s.role, status: s.status, private: s.private, archived: s.archivedAt !== null, expiresAt: s.expiresAt, color: s.color })),
    };
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  return context.tx(async (tx) => {
    const { tenant, actor } = await authorizeTenant(tx, user, params.slug, "tenant.view");

    if (intent === "invite") {
      const submission = parseWithZod(formData, { schema: inviteSchema });
      if (submission.status !== "success") return data({ intent, result: submission.reply() }, { status: 400 });
      const created = await createInvitation(tx, { tenantId: tenant.id, invitedBy: user.id, ...submission.value });
      if (!created.ok) {
        const status = created.error === "forbidden" ? 403 : 400;
        const field = created.error === "forbidden" ? "role" : "email";
        return data({ intent, result: submission.reply({ fieldErrors: { [field]: [created.error] } }) }, { status });
      }
      const link = `${new URL(request.url).origin}/invitations/${created.token}`;
      const email = created.invitation.email;
      context.log.info({ tenantId: tenant.id, invitationId: created.invitation.id }, "invitation created");
      if (context.mailer) {
        const i18n = createI18n(context.locale);
        await context.mailer.send({
          to: email,
          subject: `${tenant.name} — Twinning`,
          text: `${i18n.t("invitation.lead", { tenant: tenant.name, role: i18n.t(`roles.${created.invitation.role}`) })}\n\n${link}`,
        });
      }
      return { intent, result: submission.reply({ resetForm: true }), sentTo: email, link: context.mailer ? null : link, expiresAt: created.invitation.expiresAt };
    }

    if (intent === "changeRole" || intent === "removeMember") {
      const parsed = (intent === "changeRole" ? changeRoleSchema : removeMemberSchema).safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ intent, error: "forbidden" }, { status: 400 });
      const next = "role" in parsed.data ? (parsed.data.role as TenantRole) : null;
      const error = await changeMember(tx, { tenantId: tenant.id, actorId: user.id, targetId: parsed.data.userId, next });
      if (error) return data({ intent, error: error === "notMember" ? "forbidden" : error }, { status: error === "lastOwner" ? 409 : 403 });
      context.log.info({ tenantId: tenant.id, targetId: parsed.data.userId, next }, "membership changed");
      if (parsed.data.userId === user.id && next === null) throw redirect("/");
      return { intent, notice: intent === "changeRole" ? "roleChanged" : "memberRemoved" };
    }

    if (intent === "acceptSpace" || intent === "declineSpace") {
      const spaceId = String(formData.get("spaceId") ?? "");
      const facts = isUuid(spaceId) ? await loadSpaceFacts(tx, spaceId) : undefined;
      const partner = facts?.partners.find((p) => p.tenantId === tenant.id);
      if (!facts || !partner || partner.status !== "invited") return data({ intent, error: "invitationNotFound" }, { status: 404 });
      if (!invitationOpen(partner)) return data({ intent, error: "invitationExpired" }, { status: 410 });
      if (!can(actor, "partner.respond", { type: "partner", space: facts, tenantId: tenant.id })) return data({ intent, error: "forbidden" }, { status: 403 });
      const accept = intent === "acceptSpace";
      await respondToPartnerInvitation(tx, { spaceId, tenantId: tenant.id, accept, actorId: user.id });
      context.log.info({ spaceId, tenantId: tenant.id, accept }, "space invitation answered");
      if (accept) throw redirect(`/s/${spaceId}/partners/${tenant.id}?notice=accepted`);
      return { intent, notice: "spaceDeclined" };
    }

    if (intent === "revokeInvitation") {
      const parsed = revokeInvitationSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success || !can(actor, "tenant.manageMembers", { type: "tenant", tenantId: tenant.id })) {
        return data({ intent, error: "forbidden" }, { status: 403 });
      }
      await revokeInvitation(tx, { tenantId: tenant.id, invitationId: parsed.data.invitationId, actorId: user.id });
      return { intent, notice: "invitationRevoked" };
    }

    throw new Response("Bad Request", { status: 400 });
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.tenant.name} — Twinning` : "Twinning" }];

export default function TenantPage() {
  const { tenant, parent, network, role, members, invitations, userId, isCurrent, spaces, admin } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, date } = useT();
  const error = actionData && "error" in actionData ? actionData.error : null;
  const notice = actionData && "notice" in actionData ? actionData.notice : null;
  return (
    <section className="stack">
      <h1>{tenant.name}</h1>
      <p className="muted">
        {t("tenant.kindLabel", { kind: t(`kinds.${tenant.kind}`) })} · {t("tenant.countryLabel", { country: t(`countries.${tenant.country}`, { defaultValue: tenant.country }) })}
        {parent ? (
          <>
            {" · "}
            {t("tenant.parentLabel", { parent: parent.name })}
          </>
        ) : null}
      </p>
      {tenant.description ? <p>{tenant.description}</p> : null}
      {isCurrent ? (
        <p className="badge">{t("tenant.current")}</p>
      ) : (
        <Form method="post" action="/switch-tenant">
          <input type="hidden" name="tenantId" value={tenant.id} />
          <input type="hidden" name="redirectTo" value={`/t/${tenant.slug}`} />
          <button type="submit" className="secondary">
            {t("tenant.workIn")}
          </button>
        </Form>
      )}
      <FormMessage id="member-error" errors={error ? [error] : undefined} />
      {notice ? <Notice>{t(`tenant.${notice}`)}</Notice> : null}

      {network.length ? (
        <>
          <h2>{t("tenant.networkMembers")}</h2>
          <ul>
            {network.map((n) => (
              <li key={n.slug}>{n.name}</li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="members-heading">{t("tenant.members")}</h2>
      <div className="table-wrap">
        <table aria-labelledby="members-heading">
          <thead>
            <tr>
              <th scope="col">{t("tenant.memberName")}</th>
              {admin ? <th scope="col">{t("tenant.memberEmail")}</th> : null}
              <th scope="col">{t("tenant.memberRole")}</th>
              <th scope="col">{t("tenant.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow key={m.userId} member={m} actorRole={role} self={m.userId === userId} showEmail={admin} />
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t("tenant.spaces")}</h2>
      <SpaceList spaces={spaces} />
      {admin ? (
        <p className="inline-form">
          <Link className="button" to={`/t/${tenant.slug}/spaces/new`}>
            {t("space.create")}
          </Link>
          <Link to={`/t/${tenant.slug}/audit`}>{t("audit.tenantLink")}</Link>
        </p>
      ) : null}

      {admin ? (
        <>
          <h2>{t("tenant.invitations")}</h2>
          {invitations.length ? (
            <ul>
              {invitations.map((i) => (
                <li key={i.id} className="inline-form">
                  <span>
                    {i.email} — {t("tenant.invitedAs", { role: t(`roles.${i.role}`) })}, {t("tenant.expires", { date: date(i.expiresAt) })}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="revokeInvitation" />
                    <input type="hidden" name="invitationId" value={i.id} />
                    <button type="submit" className="link-button">
                      {t("tenant.revoke")}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("tenant.noInvitations")}</p>
          )}
          <InviteForm actorRole={role} />
        </>
      ) : null}
    </section>
  );
}

type TenantSpaceItem = ReturnType<typeof useLoaderData<typeof loader>>["spaces"][number];

function SpaceList({ spaces }: { spaces: TenantSpaceItem[] }) {
  const { t, date } = useT();
  if (!spaces.length) return <p className="muted">{t("tenant.noSpaces")}</p>;
  return (
    <ul className="grid">
      {spaces.map((s) => (
        <li key={s.id} className={`card space-card color-${s.color}`}>
          {s.status === "invited" ? (
            <>
              <p>
                <strong>{s.title}</strong>
              </p>
              <p>{t("space.invitedBy", { host: s.hostName, role: t(`spaceRoles.${s.role}`) })}</p>
              <p className="muted">{t("tenant.expires", { date: date(s.expiresAt!) })}</p>
              <Form method="post" className="inline-form">
                <input type="hidden" name="spaceId" value={s.id} />
                <button type="submit" name="intent" value="acceptSpace" aria-label={t("space.acceptNamed", { space: s.title })}>
                  {t("space.accept")}
                </button>
                <button type="submit" name="intent" value="declineSpace" className="secondary" aria-label={t("space.declineNamed", { space: s.title })}>
                  {t("space.decline")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <Link to={`/s/${s.id}`}>{s.title}</Link>
              <p className="muted">
                {s.status === "host" ? (s.private ? t("space.privateHost") : t("space.host")) : t("space.partnerAs", { host: s.hostName, role: t(`spaceRoles.${s.role}`) })}
                {s.archived ? ` · ${t("space.archived")}` : ""}
              </p>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

type Member = ReturnType<typeof useLoaderData<typeof loader>>["members"][number];

function MemberRow({ member, actorRole, self, showEmail }: { member: Member; actorRole: TenantRole; self: boolean; showEmail: boolean }) {
  const { t } = useT();
  const manage = canManageMembers(actorRole) && (member.role !== "owner" || actorRole === "owner");
  const selectId = `role-${member.userId}`;
  return (
    <tr>
      <td>
        {member.name} {self ? <span className="muted">{t("tenant.you")}</span> : null}
      </td>
      {showEmail ? <td>{member.email}</td> : null}
      <td>{t(`roles.${member.role}`)}</td>
      <td>
        <div className="inline-form">
          {manage ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="changeRole" />
              <input type="hidden" name="userId" value={member.userId} />
              <label htmlFor={selectId} className="visually-hidden">
                {t("tenant.changeRoleFor", { name: member.name })}
              </label>
              <select id={selectId} name="role" defaultValue={member.role}>
                {TENANT_ROLES.filter((r) => canGrantRole(actorRole, r)).map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
              <button type="submit" className="secondary">
                {t("tenant.changeRole")}
              </button>
            </Form>
          ) : null}
          {manage || self ? (
            <Form method="post">
              <input type="hidden" name="intent" value="removeMember" />
              <input type="hidden" name="userId" value={member.userId} />
              <button type="submit" className="danger" aria-label={self ? t("tenant.leave") : t("tenant.removeFrom", { name: member.name })}>
                {self ? t("tenant.leave") : t("tenant.remove")}
              </button>
            </Form>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

function InviteForm({ actorRole }: { actorRole: TenantRole }) {
  const { t, date } = useT();
  const actionData = useActionData<typeof action>();
  const invite = actionData?.intent === "invite" ? actionData : undefined;
  const [form, fields] = useForm({
    id: "invite",
    lastResult: invite && "result" in invite ? invite.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { role: "member" },
  });
  const [copied, setCopied] = useState(false);
  const sent = invite && "sentTo" in invite ? invite : null;
  return (
    <>
      <h2 id="invite-heading">{t("tenant.inviteHeading")}</h2>
      {sent?.link ? (
        <div className="notice" role="status">
          <p>
            <label htmlFor="invite-link">{t("tenant.inviteLink", { email: sent.sentTo, date: date(sent.expiresAt!) })}</label>
          </p>
          <div className="copy-row">
            <input id="invite-link" readOnly value={sent.link} onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              className="secondary"
              onClick={() => void navigator.clipboard?.writeText(sent.link!).then(() => setCopied(true))}
            >
              {copied ? t("tenant.copied") : t("tenant.copyLink")}
            </button>
          </div>
        </div>
      ) : sent ? (
        <Notice>{t("tenant.inviteSent", { email: sent.sentTo })}</Notice>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="card" aria-labelledby="invite-heading">
        <input type="hidden" name="intent" value="invite" />
        <TextField field={fields.email} label={t("tenant.inviteEmail")} type="email" autoComplete="off" maxLength={LIMITS.emailLength} />
        <SelectField
          field={fields.role}
          label={t("tenant.inviteRole")}
          options={TENANT_ROLES.filter((r) => canGrantRole(actorRole, r)).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        />
        <button type="submit">{t("tenant.inviteButton")}</button>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
