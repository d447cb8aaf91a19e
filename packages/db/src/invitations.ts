import { createHash, randomBytes } from "node:crypto";
import { LIMITS, type TenantRole } from "@twinning/domain";
import { recordAudit } from "./audit";
import type { Queryable } from "./client";

export interface Invitation {
  id: string;
  tenantId: string;
  email: string;
  role: TenantRole;
  invitedBy: string | null;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface InvitationWithTenant extends Invitation {
  tenantName: string;
  tenantSlug: string;
}

export type InvitationProblem = "invitationNotFound" | "invitationExpired" | "invitationUsed" | "invitationWrongEmail";

/** Only a hash of the token is stored, so a database dump cannot be used to join a tenant. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function pendingInvitations(sql: Queryable, tenantId: string): Promise<Invitation[]> {
  return sql<Invitation[]>`
    select * from invitations
    where tenant_id = ${tenantId} and accepted_at is null and revoked_at is null and expires_at > now()
    order by created_at desc`;
}

export type CreateInvitationResult =
  | { ok: true; token: string; invitation: Invitation }
  | { ok: false; error: "alreadyMember" | "alreadyInvited" };

/** An admin invites an e-mail address with a role (the caller has authorised `invitation.create`); the returned token goes into the link. */
export async function createInvitation(
  tx: Queryable,
  input: { tenantId: string; email: string; role: TenantRole; invitedBy: string; now?: Date },
): Promise<CreateInvitationResult> {
  const email = input.email.toLowerCase();
  const [member] = await tx`
    select 1 from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${input.tenantId} and u.email = ${email}`;
  if (member) return { ok: false, error: "alreadyMember" };
  const [pending] = await tx`
    select 1 from invitations where tenant_id = ${input.tenantId} and email = ${email}
    and accepted_at is null and revoked_at is null and expires_at > now()`;
  if (pending) return { ok: false, error: "alreadyInvited" };
  const token = randomBytes(32).toString("base64url");
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + LIMITS.invitationDays * 86_400_000);
  const [invitation] = await tx<Invitation[]>`
    insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
    values (${input.tenantId}, ${email}, ${input.role}, ${hashToken(token)}, ${input.invitedBy}, ${expiresAt})
    returning *`;
  await recordAudit(tx, { actorId: input.invitedBy, tenantId: input.tenantId, action: "member.invited", details: { email, role: input.role } });
  return { ok: true, token, invitation };
}

export interface InvitationPreview {
  email: string;
  role: TenantRole;
  tenantName: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

/** What an invitation link is for, readable before the visitor has an account (by token only). */
export async function previewInvitation(sql: Queryable, token: string): Promise<InvitationPreview | undefined> {
  const [row] = await sql<InvitationPreview[]>`select * from invitation_preview(${hashToken(token)})`;
  return row;
}

/** Why an invitation cannot be accepted by `email` now, or null when it can. */
export function invitationProblem(
  invitation: Pick<Invitation, "email" | "expiresAt" | "acceptedAt" | "revokedAt"> | undefined,
  email?: string,
  now = new Date(),
): InvitationProblem | null {
  if (!invitation || invitation.revokedAt) return "invitationNotFound";
  if (invitation.acceptedAt) return "invitationUsed";
  if (invitation.expiresAt <= now) return "invitationExpired";
  if (email !== undefined && email.toLowerCase() !== invitation.email) return "invitationWrongEmail";
  return null;
}

export type AcceptResult = { ok: true; invitation: InvitationWithTenant } | { ok: false; error: InvitationProblem; email?: string };

/**
 * Accepts an invitation for the signed-in user: single use (the row is locked and marked accepted in
 * the same transaction that adds the membership), only by the invited address, only before it expires.
 */
export async function acceptInvitation(tx: Queryable, input: { token: string; userId: string; email: string }): Promise<AcceptResult> {
  const [invitation] = await tx<InvitationWithTenant[]>`
    select i.*, t.name as tenant_name, t.slug as tenant_slug
    from invitations i join tenants t on t.id = i.tenant_id
    where i.token_hash = ${hashToken(input.token)} for update of i`;
  // Row-level security hides invitations to other addresses; the preview still says whose it is.
  const seen = invitation ?? (await previewInvitation(tx, input.token));
  const problem = invitationProblem(seen, input.email);
  if (problem || !invitation) return { ok: false, error: problem ?? "invitationNotFound", email: seen?.email };
  await tx`update invitations set accepted_at = now(), accepted_by = ${input.userId} where id = ${invitation.id}`;
  // Not ON CONFLICT: under row-level security that would also check the new row against the read
  // policy, which a not-yet member does not pass.
  const [member] = await tx`select 1 from memberships where tenant_id = ${invitation.tenantId} and user_id = ${input.userId}`;
  if (!member) {
    await tx`insert into memberships (tenant_id, user_id, role) values (${invitation.tenantId}, ${input.userId}, ${invitation.role})`;
  }
  await tx`update users set current_tenant_id = ${invitation.tenantId} where id = ${input.userId}`;
  await recordAudit(tx, { actorId: input.userId, tenantId: invitation.tenantId, action: "member.joined", details: { role: invitation.role } });
  return { ok: true, invitation };
}

export async function revokeInvitation(tx: Queryable, input: { tenantId: string; invitationId: string; actorId: string }): Promise<boolean> {
  const rows = await tx<{ email: string }[]>`
    update invitations set revoked_at = now()
    where id = ${input.invitationId} and tenant_id = ${input.tenantId} and accepted_at is null and revoked_at is null
    returning email`;
  if (rows.length !== 1) return false;
  await recordAudit(tx, { actorId: input.actorId, tenantId: input.tenantId, action: "invitation.revoked", details: { email: rows[0].email } });
  return true;
}
