import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import {
  answerNetworkRequest,
  changeMember,
  createInvitation,
  findTenantById,
  membersOf,
  namedApprovers,
  networkMembersOf,
  networkRequestsFrom,
  networkRequestsTo,
  networksOf,
  pendingInvitations,
  requestNetworkMembership,
  loadSpaceFacts,
  respondToPartnerInvitation,
  revokeInvitation,
  setApprover,
  spacesOfTenant,
} from "@twinning/db";
import {
  can,
  invitationOpen,
  canGrantRole,
  canManageMembers,
  inviteSchema,
  LIMITS,
  TENANT_ROLES,
  type TenantRole,
} from "@twinning/domain";
import { createI18n } from "@twinning/i18n";
import { FormMessage, Notice, SelectField, TextField } from "~/components/Field";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErrorPage } from "~/components/ErrorPage";
import { TenantFacts } from "~/components/TenantFacts";
import { authorizeTenant, notFound, requireUser } from "~/lib/access.server";
import { readAction } from "~/lib/actions.server";
import { useT } from "~/lib/i18n";
import { TableScroller } from "~/components/TableScroller";

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return context.tx(async (tx) => {
    const { tenant, role, actor } = await authorizeTenant(tx, user, params.slug, "tenant.view");
    const admin = can(actor, "tenant.manageMembers", { type: "tenant", tenantId: tenant.id });
    const manageNetwork = can(actor, "tenant.manageNetwork", { type: "tenant", tenantId: tenant.id });
    const nameApprovers = can(actor, "tenant.nameApprovers", { type: "tenant", tenantId: tenant.id });
    const [members, invitations, network, parent, spaces, networks, requestsTo, requestsFrom, approvers] = await Promise.all([
      membersOf(tx, tenant.id),
      admin ? pendingInvitations(tx, tenant.id) : [],
      networkMembersOf(tx, tenant.id),
      tenant.parentId ? findTenantById(tx, tenant.parentId) : undefined,
      spacesOfTenant(tx, tenant.id),
      networksOf(tx, tenant.id),
      manageNetwork && tenant.kind === "network" ? networkRequestsTo(tx, tenant.id) : [],
      manageNetwork ? networkRequestsFrom(tx, tenant.id) : [],
      namedApprovers(tx, [tenant.id]),
    ]);
    const approverIds = new Set(approvers.get(tenant.id) ?? []);
    return {
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, kind: tenant.kind, country: tenant.country, description: tenant.description },
      parent: parent ? { slug: parent.slug, name: parent.name } : null,
      network: network.map((n) => ({ slug: n.slug, name: n.name })),
      networks: networks.map((n) => ({ slug: n.slug, name: n.name })),
      manageNetwork,
      requestsTo: requestsTo.map((r) => ({ tenantId: r.memberId, slug: r.slug, name: r.name, kind: r.kind, country: r.country, createdAt: r.createdAt })),
      requestsFrom: requestsFrom.map((r) => ({ slug: r.slug, name: r.name, createdAt: r.createdAt })),
      role,
      admin,
      userId: user.id,
      isCurrent: user.currentTenantId === tenant.id,
      members: members.map((m) => ({ ...m, email: admin ? m.email : null, approver: approverIds.has(m.userId) })),
      nameApprovers,
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
      if (!can(actor, "invitation.create", { type: "invitation", tenantId: tenant.id, role: submission.value.role })) {
        return data({ intent, result: submission.reply({ fieldErrors: { role: ["forbidden"] } }) }, { status: 403 });
      }
      const created = await createInvitation(tx, { tenantId: tenant.id, invitedBy: user.id, ...submission.value });
      if (!created.ok) return data({ intent, result: submission.reply({ fieldErrors: { email: [created.error] } }) }, { status: 400 });
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

    const input = readAction("routes/t.$slug", formData);
    // The network's short name as typed comes back with its message.
    if (!input.ok) return data({ intent, error: input.error, network: String(formData.get("network") ?? "") }, { status: 400 });
    switch (input.intent) {
      case "changeRole":
      case "removeMember": {
        const next = input.intent === "changeRole" ? input.data.role : null;
        const targetId = input.data.userId;
        const error = await changeMember(tx, { tenantId: tenant.id, actorId: user.id, targetId, next });
        if (error === "notMember") notFound();
        if (error) return data({ intent, error }, { status: error === "lastOwner" ? 409 : 403 });
        context.log.info({ tenantId: tenant.id, targetId, next }, "membership changed");
        if (targetId === user.id && next === null) throw redirect("/");
        return { intent, notice: input.intent === "changeRole" ? "roleChanged" : "memberRemoved" };
      }
      case "setApprover": {
        if (!can(actor, "tenant.nameApprovers", { type: "tenant", tenantId: tenant.id })) return data({ intent, error: "forbidden" }, { status: 403 });
        const approver = input.data.approver === "1";
        const error = await setApprover(tx, { tenantId: tenant.id, userId: input.data.userId, approver, actorId: user.id });
        // Someone who is not a member of this tenant is not found here.
        if (error === "notMember") notFound();
        if (error) return data({ intent, error }, { status: 400 });
        context.log.info({ tenantId: tenant.id, targetId: input.data.userId, approver }, "approver named");
        return { intent, notice: approver ? "approverNamed" : "approverUnnamed" };
      }
      case "acceptSpace":
      case "declineSpace": {
        const spaceId = input.data.spaceId;
        const facts = await loadSpaceFacts(tx, spaceId);
        const partner = facts?.partners.find((p) => p.tenantId === tenant.id);
        if (!facts || !partner || partner.status !== "invited") return data({ intent, error: "invitationNotFound" }, { status: 404 });
        if (!invitationOpen(partner)) return data({ intent, error: "invitationExpired" }, { status: 410 });
        if (!can(actor, "partner.respond", { type: "partner", space: facts, tenantId: tenant.id })) return data({ intent, error: "forbidden" }, { status: 403 });
        const accept = input.intent === "acceptSpace";
        await respondToPartnerInvitation(tx, { spaceId, tenantId: tenant.id, accept, actorId: user.id });
        context.log.info({ spaceId, tenantId: tenant.id, accept }, "space invitation answered");
        if (accept) throw redirect(`/s/${spaceId}/partners/${tenant.id}?notice=accepted`);
        return { intent, notice: "spaceDeclined" };
      }
      case "requestNetwork":
      case "acceptNetworkMember":
      case "declineNetworkMember": {
        if (!can(actor, "tenant.manageNetwork", { type: "tenant", tenantId: tenant.id })) return data({ intent, error: "forbidden" }, { status: 403 });
        if (input.intent === "requestNetwork") {
          const asked = await requestNetworkMembership(tx, { memberId: tenant.id, networkSlug: input.data.network, actorId: user.id });
          if (!asked.ok) return data({ intent, error: asked.error, network: input.data.network }, { status: 400 });
          context.log.info({ tenantId: tenant.id, networkId: asked.network.id }, "network membership requested");
          return { intent, notice: "networkRequested" };
        }
        const accept = input.intent === "acceptNetworkMember";
        if (!(await answerNetworkRequest(tx, { networkId: tenant.id, memberId: input.data.tenantId, accept, actorId: user.id }))) notFound();
        context.log.info({ networkId: tenant.id, memberId: input.data.tenantId, accept }, "network membership answered");
        return { intent, notice: accept ? "networkMemberAccepted" : "networkMemberDeclined" };
      }
      case "revokeInvitation": {
        if (!can(actor, "tenant.manageMembers", { type: "tenant", tenantId: tenant.id })) return data({ intent, error: "forbidden" }, { status: 403 });
        if (!(await revokeInvitation(tx, { tenantId: tenant.id, invitationId: input.data.invitationId, actorId: user.id }))) notFound();
        return { intent, notice: "invitationRevoked" };
      }
    }
    throw new Response("Bad Request", { status: 400 });
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.tenant.name} — Twinning` : "Twinning" }];

export default function TenantPage() {
  const { tenant, parent, network, role, members, invitations, userId, isCurrent, spaces, admin, networks, manageNetwork, requestsTo, requestsFrom, nameApprovers } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, date } = useT();
  const networkError = actionData?.intent === "requestNetwork" && "error" in actionData ? actionData : null;
  const error = actionData && "error" in actionData && !networkError ? actionData.error : null;
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

      <TenantNames heading={t("tenant.networkMembers")} tenants={network} />
      <TenantNames heading={t("tenant.memberOfNetworks")} tenants={networks} />

      {requestsTo.length ? (
        <>
          <h2>{t("tenant.networkRequestsHeading")}</h2>
          <ul>
            {requestsTo.map((r) => (
              <li key={r.tenantId} className="inline-form">
                <TenantFacts tenant={r} />
                <Form method="post" className="inline-form">
                  <input type="hidden" name="tenantId" value={r.tenantId} />
                  <button type="submit" name="intent" value="acceptNetworkMember" aria-label={t("tenant.acceptNetworkMemberNamed", { tenant: r.name })}>
                    {t("tenant.acceptNetworkMember")}
                  </button>
                  <button type="submit" name="intent" value="declineNetworkMember" className="secondary" aria-label={t("tenant.declineNetworkMemberNamed", { tenant: r.name })}>
                    {t("tenant.declineNetworkMember")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {manageNetwork && tenant.kind !== "network" ? (
        <Form method="post" className="card" aria-labelledby="request-network-heading">
          <h2 id="request-network-heading">{t("tenant.requestNetworkHeading")}</h2>
          <input type="hidden" name="intent" value="requestNetwork" />
          {requestsFrom.map((r) => (
            <p key={r.slug} className="muted">
              {t("tenant.networkRequestPending", { network: r.name })}
            </p>
          ))}
          <div className="field">
            <label htmlFor="request-network">{t("tenant.requestNetworkLabel")}</label>
            <input
              id="request-network"
              name="network"
              defaultValue={networkError && "network" in networkError ? String(networkError.network) : ""}
              maxLength={LIMITS.slugLength}
              autoComplete="off"
              aria-describedby={networkError ? "request-network-hint request-network-error" : "request-network-hint"}
              aria-invalid={networkError ? true : undefined}
            />
            <p id="request-network-hint" className="hint">
              {t("tenant.requestNetworkHint")}
            </p>
            <FormMessage id="request-network-error" errors={networkError ? [networkError.error] : undefined} />
          </div>
          <button type="submit">{t("tenant.requestNetworkButton")}</button>
        </Form>
      ) : null}

      <h2 id="members-heading">{t("tenant.members")}</h2>
      <p id="approvers-hint" className="hint">
        {t("tenant.approversHint")}
      </p>
      <TableScroller label={t("tenant.members")}>
        <table aria-labelledby="members-heading">
          <thead>
            <tr>
              <th scope="col">{t("tenant.memberName")}</th>
              {admin ? <th scope="col">{t("tenant.memberEmail")}</th> : null}
              <th scope="col">{t("tenant.memberRole")}</th>
              <th scope="col">{t("tenant.approverCol")}</th>
              <th scope="col">{t("tenant.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow key={m.userId} member={m} actorRole={role} self={m.userId === userId} showEmail={admin} nameApprovers={nameApprovers} tenantName={tenant.name} />
            ))}
          </tbody>
        </table>
      </TableScroller>

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

function MemberRow({
  member,
  actorRole,
  self,
  showEmail,
  nameApprovers,
  tenantName,
}: {
  member: Member;
  actorRole: TenantRole;
  self: boolean;
  showEmail: boolean;
  nameApprovers: boolean;
  tenantName: string;
}) {
  const { t } = useT();
  // Admins approve anyway and viewers never do: only members are named (or unnamed, should a named one have become a viewer).
  const approves = member.role === "owner" || member.role === "admin" || (member.approver && member.role === "member");
  const manage = canManageMembers(actorRole) && (member.role !== "owner" || actorRole === "owner");
  const selectId = `role-${member.userId}`;
  return (
    <tr>
      <td>
        {member.name} {self ? <span className="muted">{t("tenant.you")}</span> : null}
      </td>
      {showEmail ? <td>{member.email}</td> : null}
      <td>{t(`roles.${member.role}`)}</td>
      <td>{approves ? t("tenant.approverYes") : "—"}</td>
      <td>
        <div className="inline-form">
          {nameApprovers && (member.role === "member" || member.approver) && member.role !== "owner" && member.role !== "admin" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="setApprover" />
              <input type="hidden" name="userId" value={member.userId} />
              <input type="hidden" name="approver" value={member.approver ? "0" : "1"} />
              <button
                type="submit"
                className="secondary"
                aria-label={t(member.approver ? "tenant.unnameApproverFor" : "tenant.nameApproverFor", { name: member.name })}
                aria-describedby="approvers-hint"
              >
                {t(member.approver ? "tenant.unnameApprover" : "tenant.nameApprover")}
              </button>
            </Form>
          ) : null}
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
            <ConfirmAction
              label={self ? `${t("tenant.leave")}…` : t("confirm.removeMemberOpen")}
              ariaLabel={self ? undefined : t("tenant.removeFrom", { name: member.name })}
              title={t("confirm.removeMemberTitle", { name: member.name, tenant: tenantName })}
              message={t("confirm.removeMember", { name: member.name, tenant: tenantName })}
              confirm={self ? t("tenant.leave") : t("tenant.remove")}
              fields={{ intent: "removeMember", userId: member.userId }}
            />
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

/** A heading and the names of some tenants (network members, networks), or nothing when there are none. */
function TenantNames({ heading, tenants }: { heading: string; tenants: { slug: string; name: string }[] }) {
  if (!tenants.length) return null;
  return (
    <>
      <h2>{heading}</h2>
      <ul>
        {tenants.map((n) => (
          <li key={n.slug}>{n.name}</li>
        ))}
      </ul>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
