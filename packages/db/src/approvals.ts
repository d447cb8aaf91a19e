import type { DocumentStatus, Locale } from "@twinning/domain";
import { announceAccess } from "./access";
import { recordAudit } from "./audit";
import type { DocumentRef, DocumentRow } from "./documents";
import { notify, type NotificationKind } from "./inbox";
import type { Queryable } from "./client";
import { apiDocument } from "./public-shapes";
import { blocksBehind, liveTranslations, type DerivedBlock } from "./translations";
import { saveNamedVersion, type VersionContent } from "./versions";
import { queueWebhookEvent } from "./webhooks";

/**
 * Approval and signing of a document. The host's admins send a saved version to chosen tenants (a
 * round); each tenant's admins approve it or request changes; an approval binds to the version's
 * content hash; signing records who signed and when on the round whose version is the frozen text;
 * an amendment ends the signed round and makes the document a draft again. A round covers every
 * language: it sends a version of each translation with the source's (each caught up with it), binds
 * to all their hashes and signs them all (migration 00021). Every command takes the
 * document its caller authorised and finds rounds, versions and parties only inside it, in its own SQL.
 * The callers ask the permission policy first (`document.requestApproval`, `document.approve`,
 * `document.sign`, `document.amend`) with the facts `approvalFacts` gives.
 */

/** Where approval state changes are announced: the space's event streams send an `approval` event. */
export const APPROVAL_CHANNEL = "twinning_approval";

export type Decision = "approved" | "changes_requested";

export interface ApprovalParty {
  tenantId: string;
  tenantName: string;
  decision: Decision | null;
  comment: string | null;
  /** The hash the decision bound to (the round's, when it was made in it). */
  contentHash: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
}

/** A translation sent with a round: the version of it saved then, and that version's hash. */
export interface RoundTranslation {
  documentId: string;
  title: string;
  language: Locale;
  versionId: string;
  contentHash: string;
}

export interface ApprovalRound {
  id: string;
  documentId: string;
  versionId: string;
  versionName: string | null;
  versionCreatedAt: Date;
  contentHash: string;
  requestedBy: string | null;
  requestedByName: string | null;
  requestedAt: Date;
  endedAt: Date | null;
  signedBy: string | null;
  signedByName: string | null;
  signedAt: Date | null;
  parties: ApprovalParty[];
  /** The translations sent with the source, by language: the round's approvals bind to their hashes too. */
  translations: RoundTranslation[];
}

/** A command that could not be done, as an i18n key under `approval.errors`. */
export type ApprovalRefusal = "versionNotFound" | "partyNotInSpace" | "noParties" | "roundChanged" | "stale" | "translationStale";

const selectRounds = (sql: Queryable) => sql`
  select r.id, r.document_id, r.version_id, v.name as version_name, v.created_at as version_created_at, r.content_hash,
         r.requested_by, ru.name as requested_by_name, r.requested_at, r.ended_at, r.signed_by, su.name as signed_by_name, r.signed_at,
         coalesce((
           select json_agg(json_build_object(
             'tenantId', p.tenant_id, 'tenantName', t.name, 'decision', p.decision, 'comment', p.comment, 'contentHash', p.content_hash,
             'decidedBy', p.decided_by, 'decidedByName', du.name, 'decidedAt', p.decided_at) order by t.name)
           from approval_parties p join tenants t on t.id = p.tenant_id left join users du on du.id = p.decided_by
           where p.round_id = r.id), '[]') as parties,
         coalesce((
           select json_agg(json_build_object(
             'documentId', a.document_id, 'title', d.title, 'language', d.language, 'versionId', a.version_id, 'contentHash', a.content_hash) order by d.language)
           from approval_translations a join documents d on d.id = a.document_id and d.space_id = a.space_id
           where a.round_id = r.id), '[]') as translations
  from approval_rounds r
  join document_versions v on v.id = r.version_id and v.document_id = r.document_id
  left join users ru on ru.id = r.requested_by
  left join users su on su.id = r.signed_by`;

function withDates(round: ApprovalRound): ApprovalRound {
  return { ...round, parties: round.parties.map((p) => ({ ...p, decidedAt: p.decidedAt ? new Date(p.decidedAt) : null })) };
}

/** The document's open round (in review, approved or signed), if any. */
export async function openRound(sql: Queryable, doc: DocumentRef): Promise<ApprovalRound | undefined> {
  const [round] = await sql<ApprovalRound[]>`
    ${selectRounds(sql)} where r.document_id = ${doc.id} and r.space_id = ${doc.spaceId} and r.ended_at is null`;
  return round && withDates(round);
}

/** The document's signed rounds, newest first (an amended document keeps the versions it was signed as). */
export async function signedRounds(sql: Queryable, doc: DocumentRef): Promise<ApprovalRound[]> {
  const rounds = await sql<ApprovalRound[]>`
    ${selectRounds(sql)} where r.document_id = ${doc.id} and r.space_id = ${doc.spaceId} and r.signed_at is not null order by r.signed_at desc`;
  return rounds.map(withDates);
}

/**
 * The policy's facts of a round: who is asked, who approved its hashes, and whether any of its texts
 * moved on since (`liveHashes`: each document's committed hash now, the source's and its translations').
 */
export function approvalFacts(
  round: ApprovalRound | undefined,
  liveHashes: ReadonlyMap<string, string> | null,
): { required: string[]; approved: string[]; stale: boolean } | null {
  if (!round || round.signedAt) return round ? { required: round.parties.map((p) => p.tenantId), approved: round.parties.map((p) => p.tenantId), stale: false } : null;
  return {
    required: round.parties.map((p) => p.tenantId),
    approved: round.parties.filter((p) => p.decision === "approved" && p.contentHash === round.contentHash).map((p) => p.tenantId),
    stale: liveHashes !== null && roundTexts(round).some((text) => liveHashes.get(text.documentId) !== text.contentHash),
  };
}

/** Every text a round binds to: the source's version and each translation's, with their hashes. */
export function roundTexts(round: ApprovalRound): { documentId: string; contentHash: string }[] {
  return [{ documentId: round.documentId, contentHash: round.contentHash }, ...round.translations];
}

/**
 * The admins of `tenantIds` who take part in the space (host, or active partner that has them taking
 * part) — and, `withApprovers`, the members those tenants named as approvers.
 */
async function partyAdmins(tx: Queryable, spaceId: string, tenantIds: readonly string[], withApprovers = false): Promise<string[]> {
  if (!tenantIds.length) return [];
  const rows = await tx<{ userId: string }[]>`
    select distinct m.user_id from memberships m join spaces s on s.id = ${spaceId}
    where m.tenant_id = any(${[...tenantIds]}::uuid[])
      and (m.role in ('owner', 'admin') or (${withApprovers} and m.role = 'member' and exists (
        select 1 from tenant_approvers a where a.tenant_id = m.tenant_id and a.user_id = m.user_id)))
      and (m.tenant_id = s.host_tenant_id or exists (
        select 1 from space_partners p where p.space_id = s.id and p.tenant_id = m.tenant_id and p.status = 'active' and not s.private
          and (p.member_selection = 'all' or exists (
            select 1 from space_members sm where sm.space_id = p.space_id and sm.tenant_id = p.tenant_id and sm.user_id = m.user_id))))`;
  return rows.map((r) => r.userId);
}

async function hostTenantOf(tx: Queryable, spaceId: string): Promise<string> {
  const [space] = await tx<{ hostTenantId: string }[]>`select host_tenant_id from spaces where id = ${spaceId}`;
  return space.hostTenantId;
}

async function announce(tx: Queryable, doc: DocumentRef): Promise<void> {
  await tx`select pg_notify(${APPROVAL_CHANNEL}, ${JSON.stringify({ spaceId: doc.spaceId, documentId: doc.id })})`;
}

async function statusOf(tx: Queryable, doc: DocumentRef): Promise<{ title: string; status: DocumentStatus }> {
  const [row] = await tx<{ title: string; status: DocumentStatus }[]>`select title, status from documents where id = ${doc.id} and space_id = ${doc.spaceId}`;
  return row;
}

async function tell(tx: Queryable, doc: DocumentRef, input: { userIds: string[]; kind: NotificationKind; actorId: string; tenantId?: string; details: Record<string, string> }) {
  await notify(tx, { ...input, spaceId: doc.spaceId, documentId: doc.id });
}

/**
 * Sends a saved version of the document for approval to the chosen tenants, each taking part in the
 * space: ends an open unsigned round, starts a new one bound to the version's hash, sets the status to
 * in review, and tells the tenants' admins. Each translation goes with it — refused, naming the
 * language, while one has not caught up with the version's blocks — as a version saved now, whose
 * hash the round binds to as well.
 */
export async function requestApproval(
  tx: Queryable,
  input: {
    doc: DocumentRef;
    versionId: string;
    tenantIds: readonly string[];
    actorId: string;
    /** A version's top-level blocks as the collaboration server derives them (the app has the editor schema). */
    blocksOf: (content: VersionContent["content"]) => DerivedBlock[];
    /** A translation's committed content now, as a version stores it. */
    liveContent: (documentId: string) => Promise<VersionContent>;
  },
): Promise<{ ok: true; roundId: string } | { ok: false; error: ApprovalRefusal; language?: Locale; count?: number }> {
  const { doc } = input;
  if (!input.tenantIds.length) return { ok: false, error: "noParties" };
  const [version] = await tx<{ id: string; name: string | null; contentHash: string; content: VersionContent["content"] }[]>`
    select id, name, content_hash, content from document_versions where id = ${input.versionId} and document_id = ${doc.id} and space_id = ${doc.spaceId}`;
  if (!version) return { ok: false, error: "versionNotFound" };
  const [{ count }] = await tx<{ count: number }[]>`
    select count(*)::int as count from (
      select s.host_tenant_id as tenant_id from spaces s where s.id = ${doc.spaceId}
      union
      select p.tenant_id from space_partners p join spaces s on s.id = p.space_id
      where p.space_id = ${doc.spaceId} and p.status = 'active' and not s.private
    ) taking_part where tenant_id = any(${[...input.tenantIds]}::uuid[])`;
  if (count !== new Set(input.tenantIds).size) return { ok: false, error: "partyNotInSpace" };
  const translations = await liveTranslations(tx, doc);
  if (translations.length) {
    const blocks = input.blocksOf(version.content);
    for (const translation of translations) {
      const behind = await blocksBehind(tx, translation, blocks);
      if (behind) return { ok: false, error: "translationStale", language: translation.language, count: behind };
    }
  }

  await tx`update approval_rounds set ended_at = now() where document_id = ${doc.id} and space_id = ${doc.spaceId} and ended_at is null and signed_at is null`;
  const [round] = await tx<{ id: string }[]>`
    insert into approval_rounds (document_id, space_id, version_id, content_hash, requested_by)
    values (${doc.id}, ${doc.spaceId}, ${version.id}, ${version.contentHash}, ${input.actorId}) returning id`;
  for (const translation of translations) {
    const saved = await saveNamedVersion(tx, {
      doc: translation,
      name: version.name ?? translation.title,
      actorId: input.actorId,
      content: await input.liveContent(translation.id),
    });
    await tx`
      insert into approval_translations (round_id, space_id, document_id, version_id, content_hash)
      values (${round.id}, ${doc.spaceId}, ${translation.id}, ${saved.id}, ${saved.contentHash})`;
  }
  await tx`
    insert into approval_parties (round_id, space_id, tenant_id)
    select ${round.id}, ${doc.spaceId}, t from unnest(${[...new Set(input.tenantIds)]}::uuid[]) as t`;
  const [{ title }] = await tx<{ title: string }[]>`update documents set status = 'in_review' where id = ${doc.id} and space_id = ${doc.spaceId} returning title`;
  const details = { title, status: "in_review", version: version.name ?? "" };
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.approvalRequested", details });
  for (const tenantId of new Set(input.tenantIds)) {
    await tell(tx, doc, { userIds: await partyAdmins(tx, doc.spaceId, [tenantId], true), kind: "approvalRequested", actorId: input.actorId, tenantId, details });
  }
  await announce(tx, doc);
  return { ok: true, roundId: round.id };
}

/**
 * One tenant's decision on the open round (approve, or request changes with a comment), bound to the
 * round's hash; the status follows (approved once every party approved). Tells the host's admins and
 * whoever sent the round. `versionId` is the version the decision was made on: if another was sent
 * meanwhile (or it was signed), nothing changes.
 */
export async function decideApproval(
  tx: Queryable,
  input: { doc: DocumentRef; versionId: string; tenantId: string; decision: Decision; comment: string | null; actorId: string },
): Promise<{ ok: true; status: DocumentStatus } | { ok: false; error: ApprovalRefusal }> {
  const { doc } = input;
  const rows = await tx<{ tenantId: string; requestedBy: string | null }[]>`
    update approval_parties p
    set decision = ${input.decision}, comment = ${input.comment}, content_hash = r.content_hash, decided_by = ${input.actorId}, decided_at = now()
    from approval_rounds r
    where p.round_id = r.id and r.version_id = ${input.versionId} and r.document_id = ${doc.id} and r.space_id = ${doc.spaceId}
      and r.ended_at is null and r.signed_at is null and p.tenant_id = ${input.tenantId}
    returning p.tenant_id, r.requested_by`;
  if (!rows.length) return { ok: false, error: "roundChanged" };
  const { title, status } = await statusOf(tx, doc);
  const [tenant] = await tx<{ name: string }[]>`select name from tenants where id = ${input.tenantId}`;
  const details: Record<string, string> = { title, status, tenant: tenant?.name ?? "" };
  if (input.comment) details.comment = input.comment;
  const approved = input.decision === "approved";
  await recordAudit(tx, { actorId: input.actorId, tenantId: input.tenantId, spaceId: doc.spaceId, action: approved ? "document.approved" : "document.changesRequested", details });
  const [round] = rows;
  const hostAdmins = await partyAdmins(tx, doc.spaceId, [await hostTenantOf(tx, doc.spaceId)]);
  const userIds = round.requestedBy ? [round.requestedBy, ...hostAdmins] : hostAdmins;
  await tell(tx, doc, { userIds, kind: approved ? "approved" : "changesRequested", actorId: input.actorId, tenantId: input.tenantId, details });
  await announce(tx, doc);
  return { ok: true, status };
}

/**
 * Signs the document as the open round's version (the caller checked that every party approved that
 * very text): records signer and time, sets the status to signed — read-only for everyone, announced
 * to open editors — and tells every party's admins. The translations sent with the round are signed
 * with it, each checked against its version's hash as the source is. `versionId` is what the signer saw: if another
 * version was sent meanwhile, nothing changes.
 */
export async function signDocument(
  tx: Queryable,
  input: {
    doc: DocumentRef;
    versionId: string;
    actorId: string;
    /** A document's committed content hash, read after the lock (the app computes it with the editor schema). */
    liveContentHash: (documentId: string) => Promise<string>;
  },
): Promise<{ ok: true; contentHash: string } | { ok: false; error: ApprovalRefusal }> {
  const { doc } = input;
  // The sign lock, the signing side: the document's row, locked until commit. Appends to its log
  // key-share-lock it (`appendUpdatesUnlessLocked`), so they wait; those committed before are in the text
  // checked here, and those after see it signed and store nothing. What is signed is what is stored.
  // The round's translations are locked the same way (rows in id order, as appends lock them).
  const [locked] = await tx<{ id: string }[]>`select id from documents where id = ${doc.id} and space_id = ${doc.spaceId} for update`;
  if (!locked) return { ok: false, error: "roundChanged" };
  const [open] = await tx<{ id: string; contentHash: string }[]>`
    select id, content_hash from approval_rounds
    where document_id = ${doc.id} and space_id = ${doc.spaceId} and version_id = ${input.versionId} and ended_at is null and signed_at is null`;
  if (!open) return { ok: false, error: "roundChanged" };
  const translations = await tx<{ documentId: string; contentHash: string; language: Locale }[]>`
    select d.id as document_id, a.content_hash, d.language from approval_translations a
    join documents d on d.id = a.document_id and d.space_id = a.space_id
    where a.round_id = ${open.id} and a.space_id = ${doc.spaceId} order by d.id for update of d`;
  for (const text of [{ documentId: doc.id, contentHash: open.contentHash }, ...translations]) {
    if ((await input.liveContentHash(text.documentId)) !== text.contentHash) return { ok: false, error: "stale" };
  }
  const [round] = await tx<{ id: string; contentHash: string }[]>`
    update approval_rounds r set signed_at = now(), signed_by = ${input.actorId}
    where r.document_id = ${doc.id} and r.space_id = ${doc.spaceId} and r.version_id = ${input.versionId} and r.ended_at is null and r.signed_at is null
      and not exists (
        select 1 from approval_parties p where p.round_id = r.id and (p.decision is distinct from 'approved' or p.content_hash is distinct from r.content_hash))
    returning r.id, r.content_hash`;
  if (!round) return { ok: false, error: "roundChanged" };
  const [signed] = await tx<DocumentRow[]>`update documents set status = 'signed' where id = ${doc.id} and space_id = ${doc.spaceId} returning *`;
  const translationIds = translations.map((t) => t.documentId);
  if (translationIds.length) await tx`update documents set status = 'signed' where id = any(${translationIds}::uuid[]) and space_id = ${doc.spaceId}`;
  const title = signed.title;
  const [{ name }] = await tx<{ name: string | null }[]>`select name from document_versions where id = ${input.versionId}`;
  const details: Record<string, string> = { title, status: "signed", version: name ?? "", hash: round.contentHash };
  if (translations.length) details.translations = translations.map((t) => `${t.language} ${t.contentHash}`).join(", ");
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.signed", details });
  const parties = await tx<{ tenantId: string }[]>`select tenant_id from approval_parties where round_id = ${round.id}`;
  const userIds = [
    ...(await partyAdmins(tx, doc.spaceId, [await hostTenantOf(tx, doc.spaceId)])),
    ...(await partyAdmins(tx, doc.spaceId, parties.map((p) => p.tenantId), true)),
  ];
  await tell(tx, doc, { userIds, kind: "signed", actorId: input.actorId, details });
  const [signer] = await tx<{ name: string; signedAt: Date }[]>`
    select u.name, r.signed_at from approval_rounds r join users u on u.id = r.signed_by where r.id = ${round.id}`;
  const signature = {
    versionId: input.versionId,
    versionName: name,
    contentHash: round.contentHash,
    signedByName: signer?.name ?? null,
    signedAt: signer?.signedAt ?? null,
    translations: translations.map((t) => ({ documentId: t.documentId, language: t.language, contentHash: t.contentHash })),
  };
  await queueWebhookEvent(tx, doc.spaceId, "document.signed", { document: apiDocument(signed), signature, parties: parties.map((p) => p.tenantId) });
  for (const documentId of [doc.id, ...translationIds]) await announceAccess(tx, { spaceId: doc.spaceId, documentId });
  await announce(tx, doc);
  return { ok: true, contentHash: round.contentHash };
}

/**
 * Starts an amendment: a new draft from the signed version. The signed round ends (its version stays
 * as it was, and reachable); the document is a draft again and writable, announced to open editors.
 */
export async function amendDocument(tx: Queryable, input: { doc: DocumentRef; actorId: string }): Promise<boolean> {
  const { doc } = input;
  const ended = await tx<{ id: string }[]>`
    update approval_rounds set ended_at = now()
    where document_id = ${doc.id} and space_id = ${doc.spaceId} and ended_at is null and signed_at is not null returning id`;
  if (!ended.length) return false;
  const [{ title }] = await tx<{ title: string }[]>`update documents set status = 'draft' where id = ${doc.id} and space_id = ${doc.spaceId} returning title`;
  // The translations signed with it are drafts again too (their signed versions stay as they were).
  const translations = await tx<{ id: string }[]>`
    update documents d set status = 'draft' from approval_translations a
    where a.round_id = ${ended[0].id} and a.space_id = ${doc.spaceId} and d.id = a.document_id and d.space_id = a.space_id and d.status = 'signed'
    returning d.id`;
  await recordAudit(tx, { actorId: input.actorId, spaceId: doc.spaceId, action: "document.amended", details: { title, status: "draft" } });
  for (const documentId of [doc.id, ...translations.map((t) => t.id)]) await announceAccess(tx, { spaceId: doc.spaceId, documentId });
  await announce(tx, doc);
  return true;
}

/** A row of a document's update log, as the collaboration server appends it. */
export interface UpdateLogRow {
  documentId: string;
  update: Uint8Array;
  userId: string;
}

/**
 * The sign lock, the collaboration side: appends update-log rows in one statement (one round trip,
 * one transaction), key-share-locking their documents' rows until it commits and storing only the
 * rows of documents neither signed nor archived. Signing and archiving lock the row `for update`, so
 * they wait for appends in flight, and an append after them sees the document signed or archived: no
 * update is stored between that commit and the sockets turning read-only. A key-share lock, not a
 * share lock: the row's other updates (derived text, who edited last, a rename) do not conflict with
 * it, so they never hold up the appends of every document written in the same statement.
 * With `doorbell`, the same statement rings it for other instances, once per document stored:
 * `pg_notify(channel, prefix || documentId || ':' || lowest seq || ':' || highest seq)`, sent by
 * PostgreSQL at the commit — no transaction of its own, and never for rows that were not committed. Returns, per row in order, its seq or why its
 * document refused it; a document that does not exist fails the statement, as its foreign key would.
 */
export async function appendUpdatesUnlessLocked(
  sql: Queryable,
  rows: readonly UpdateLogRow[],
  doorbell?: { channel: string; prefix: string },
): Promise<(number | "signed" | "archived")[]> {
  if (!rows.length) return [];
  const ids = [...new Set(rows.map((r) => r.documentId))];
  const values = rows.map((r, i) => [i, r.documentId, r.update, r.userId]);
  const [result] = await sql<{ seqs: string[]; refused: Record<string, "signed" | "archived">; found: number }[]>`
    with docs as (
      select id, space_id, case when archived_at is not null then 'archived' when status = 'signed' then 'signed' end as refused
      from documents where id = any(${ids}::uuid[]) order by id for key share
    ), inserted as (
      insert into document_updates (space_id, document_id, update, user_id)
      select d.space_id, v.document_id::uuid, v.update::bytea, v.user_id::text
      from (values ${sql(values as never)}) as v (ord, document_id, update, user_id)
      join docs d on d.id = v.document_id::uuid and d.refused is null
      order by v.ord::int
      returning seq, document_id
    ), rung as (
      select pg_notify(${doorbell?.channel ?? ""}, ${doorbell?.prefix ?? ""} || document_id || ':' || min(seq) || ':' || max(seq))
      from inserted where ${doorbell !== undefined} group by document_id
    )
    select (select coalesce(json_agg(seq::text order by seq), '[]'::json) from inserted) as seqs,
           (select count(*)::int from rung) as rung,
           (select coalesce(json_object_agg(id, refused) filter (where refused is not null), '{}'::json) from docs) as refused,
           (select count(*)::int from docs) as found`;
  if (result.found !== ids.length) throw new Error(`update log: ${ids.length - result.found} of ${ids.length} documents not found`);
  let next = 0;
  return rows.map((r) => result.refused[r.documentId] ?? Number(result.seqs[next++]));
}

/** The tenants that may be asked: the host and the active partners, by name. */
export async function tenantsTakingPart(sql: Queryable, spaceId: string): Promise<{ id: string; name: string; host: boolean }[]> {
  return sql<{ id: string; name: string; host: boolean }[]>`
    select t.id, t.name, true as host from spaces s join tenants t on t.id = s.host_tenant_id where s.id = ${spaceId}
    union all
    select t.id, t.name, false from space_partners p join spaces s on s.id = p.space_id join tenants t on t.id = p.tenant_id
    where p.space_id = ${spaceId} and p.status = 'active' and not s.private
    order by host desc, name`;
}

/** The document's named versions that can be sent for approval, newest first. */
export async function versionsToSend(sql: Queryable, doc: DocumentRef, limit = 20): Promise<{ id: string; name: string; contentHash: string; createdAt: Date }[]> {
  return sql<{ id: string; name: string; contentHash: string; createdAt: Date }[]>`
    select id, name, content_hash, created_at from document_versions
    where document_id = ${doc.id} and space_id = ${doc.spaceId} and kind = 'named'
    order by created_at desc, id limit ${limit}`;
}

/**
 * The members each of `tenantIds` named as approvers (row-level security shows them to whoever may see
 * the tenant's people): the policy's `approvers` of a round's parties.
 */
export async function namedApprovers(sql: Queryable, tenantIds: readonly string[]): Promise<Map<string, string[]>> {
  const named = new Map<string, string[]>();
  if (!tenantIds.length) return named;
  const rows = await sql<{ tenantId: string; userId: string }[]>`
    select tenant_id, user_id from tenant_approvers where tenant_id = any(${[...tenantIds]}::uuid[]) order by named_at, user_id`;
  for (const row of rows) named.set(row.tenantId, [...(named.get(row.tenantId) ?? []), row.userId]);
  return named;
}

/** Why naming or unnaming an approver was refused: not a member of this tenant, or a viewer (who never approves). */
export type ApproverRefusal = "notMember" | "viewerCannotApprove";

/**
 * Names (or unnames) a member of the tenant as one who approves documents for it; the caller asked the
 * policy (`tenant.nameApprovers`). The person is looked up in this tenant only: anyone else is not a
 * member. Naming twice or unnaming someone not named changes nothing. Audit-logged.
 */
export async function setApprover(
  tx: Queryable,
  input: { tenantId: string; userId: string; approver: boolean; actorId: string },
): Promise<ApproverRefusal | null> {
  const [member] = await tx<{ role: string; name: string }[]>`
    select m.role, u.name from memberships m join users u on u.id = m.user_id where m.tenant_id = ${input.tenantId} and m.user_id = ${input.userId}`;
  if (!member) return "notMember";
  if (input.approver) {
    if (member.role === "viewer") return "viewerCannotApprove";
    const added = await tx`
      insert into tenant_approvers (tenant_id, user_id, named_by) values (${input.tenantId}, ${input.userId}, ${input.actorId})
      on conflict do nothing returning user_id`;
    if (added.length) await recordAudit(tx, { actorId: input.actorId, tenantId: input.tenantId, action: "member.approverNamed", details: { member: member.name } });
  } else {
    const removed = await tx`delete from tenant_approvers where tenant_id = ${input.tenantId} and user_id = ${input.userId} returning user_id`;
    if (removed.length) await recordAudit(tx, { actorId: input.actorId, tenantId: input.tenantId, action: "member.approverUnnamed", details: { member: member.name } });
  }
  return null;
}
