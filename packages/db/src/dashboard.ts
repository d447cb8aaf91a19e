import type { ColumnKind, DocumentType } from "@twinning/domain";
import type { Queryable } from "./client";
import type { SpaceCardEvent } from "./boards";

/**
 * What the home page and a space's dashboard read: approvals waiting for a user, cards assigned to
 * them, cards due in a space, and card changes over several spaces. Every query takes the spaces its
 * caller may show (the ids `spacesForActor` gave, which the policy chose) and reads only inside them;
 * row-level security applies underneath as everywhere.
 */

/** One tenant's open decision in an approval round, as a candidate: the caller asks the policy whether this user may decide it. */
export interface WaitingApproval {
  roundId: string;
  documentId: string;
  documentTitle: string;
  documentType: DocumentType;
  spaceId: string;
  spaceTitle: string;
  tenantId: string;
  tenantName: string;
  versionId: string;
  versionName: string | null;
  requestedAt: Date;
  requestedByName: string | null;
}

/**
 * Parties of open, unsigned rounds in `spaceIds` that have not decided yet, for tenants where the user
 * is an admin or a named approver (the rule `approvesFor` states; the caller still asks the policy,
 * which also knows about stale versions and archived documents). Oldest requests first: they have waited longest.
 */
export async function approvalsWaitingFor(sql: Queryable, input: { userId: string; spaceIds: readonly string[]; limit?: number }): Promise<WaitingApproval[]> {
  if (!input.spaceIds.length) return [];
  return sql<WaitingApproval[]>`
    select r.id as round_id, r.document_id, d.title as document_title, d.type as document_type, r.space_id, s.title as space_title,
           p.tenant_id, t.name as tenant_name, r.version_id, v.name as version_name, r.requested_at, ru.name as requested_by_name
    from approval_parties p
    join approval_rounds r on r.id = p.round_id and r.space_id = p.space_id
    join documents d on d.id = r.document_id and d.space_id = r.space_id
    join document_versions v on v.id = r.version_id and v.document_id = r.document_id
    join spaces s on s.id = r.space_id
    join tenants t on t.id = p.tenant_id
    join memberships m on m.tenant_id = p.tenant_id and m.user_id = ${input.userId}
    left join users ru on ru.id = r.requested_by
    where r.space_id = any(${[...input.spaceIds]}::uuid[])
      and r.ended_at is null and r.signed_at is null and p.decision is null
      and d.archived_at is null
      and (m.role in ('owner', 'admin') or (m.role = 'member' and exists (
        select 1 from tenant_approvers a where a.tenant_id = m.tenant_id and a.user_id = m.user_id)))
    order by r.requested_at, d.title, t.name
    limit ${input.limit ?? 20}`;
}

/** A card as the dashboards list it: where it is, when it is due, and whether that has passed. */
export interface DueCard {
  id: string;
  title: string;
  boardId: string;
  boardTitle: string;
  spaceId: string;
  spaceTitle: string;
  columnTitle: string;
  columnKind: ColumnKind;
  dueDate: string | null;
  overdue: boolean;
  assignees: string[];
}

const dueCardSelect = (sql: Queryable, today: string) => sql`
  select c.id, c.title, c.board_id, b.title as board_title, b.space_id, s.title as space_title,
         k.title as column_title, k.kind as column_kind, to_char(c.due_date, 'YYYY-MM-DD') as due_date,
         coalesce(c.due_date < ${today}::date, false) as overdue,
         coalesce((select array_agg(u.name order by u.name) from card_assignees a2 join users u on u.id = a2.user_id where a2.card_id = c.id), '{}') as assignees
  from cards c
  join boards b on b.id = c.board_id
  join spaces s on s.id = b.space_id
  join board_columns k on k.id = c.column_id and k.board_id = c.board_id`;

/**
 * The user's live cards that are not done (not in a "done" column), in `spaceIds` that are not
 * archived: overdue first, then by due date (undated last), then the most recently changed.
 * `today` is the reader's date (YYYY-MM-DD), as the boards judge "overdue".
 */
export async function cardsAssignedTo(
  sql: Queryable,
  input: { userId: string; spaceIds: readonly string[]; today: string; limit?: number }
): Promise<DueCard[]> {
  if (!input.spaceIds.length) return [];
  return sql<DueCard[]>`
    ${dueCardSelect(sql, input.today)}
    where b.space_id = any(${[...input.spaceIds]}::uuid[]) and s.archived_at is null
      and c.deleted_at is null and k.kind <> 'done'
      and exists (select 1 from card_assignees a where a.card_id = c.id and a.user_id = ${input.userId})
    order by (c.due_date < ${input.today}::date) desc nulls last, c.due_date nulls last, c.updated_at desc, c.id
    limit ${input.limit ?? 20}`;
}

/** A space's live cards with a due date that are not done: overdue first, then the soonest due. */
export async function cardsDueInSpace(
  sql: Queryable,
  input: { spaceId: string; today: string; limit?: number }
): Promise<{ cards: DueCard[]; total: number; overdue: number }> {
  const [cards, [counts]] = await Promise.all([
    sql<DueCard[]>`
      ${dueCardSelect(sql, input.today)}
      where b.space_id = ${input.spaceId} and c.deleted_at is null and k.kind <> 'done' and c.due_date is not null
      order by c.due_date, c.title, c.id
      limit ${input.limit ?? 8}`,
    sql<{ total: number; overdue: number }[]>`
      select count(*)::int as total, count(*) filter (where c.due_date < ${input.today}::date)::int as overdue
      from cards c join boards b on b.id = c.board_id join board_columns k on k.id = c.column_id
      where b.space_id = ${input.spaceId} and c.deleted_at is null and k.kind <> 'done' and c.due_date is not null`,
  ]);
  return { cards, total: counts.total, overdue: counts.overdue };
}

/** A card change with the space it happened in. */
export interface SpacesCardEvent extends SpaceCardEvent {
  spaceId: string;
  spaceTitle: string;
}

/** The latest changes to live cards over `spaceIds` (everyone taking part in a space sees its card history), newest first. */
export async function recentCardEventsIn(sql: Queryable, spaceIds: readonly string[], limit = 10): Promise<SpacesCardEvent[]> {
  if (!spaceIds.length) return [];
  return sql<SpacesCardEvent[]>`
    select e.id::text, u.name as actor_name, e.at, e.action, e.details, c.id as card_id, c.title as card_title, c.board_id,
           b.space_id, s.title as space_title
    from card_events e join cards c on c.id = e.card_id join boards b on b.id = c.board_id join spaces s on s.id = b.space_id
    left join users u on u.id = e.actor_id
    where b.space_id = any(${[...spaceIds]}::uuid[]) and c.deleted_at is null
    order by e.at desc, e.id desc limit ${limit}`;
}
