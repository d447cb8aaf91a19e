import { generateKeyBetween } from "fractional-indexing";
import { DEFAULT_AREAS, isUuid, type ColumnKind, type WebhookEvent } from "@twinning/domain";
import type { Queryable } from "./client";
import { toPage, type Page, type PageRequest } from "./keyset";
import { apiCard } from "./public-shapes";
import { peopleOfSpace } from "./spaces";
import { queueWebhookEvent } from "./webhooks";

/** Channel on which board changes are announced to every instance (and from there to browsers). */
export const BOARD_CHANNEL = "twinning_board";

export interface Board {
  id: string;
  spaceId: string;
  title: string;
  areas: string[];
  createdAt: Date;
}

export interface Column {
  id: string;
  boardId: string;
  title: string;
  kind: ColumnKind;
  position: string;
}

export interface Card {
  id: string;
  boardId: string;
  columnId: string;
  position: string;
  title: string;
  description: string;
  leadTenantId: string | null;
  leadTenantName: string | null;
  startDate: string | null;
  dueDate: string | null;
  area: string | null;
  assignees: { userId: string; name: string }[];
  checklistDone: number;
  checklistTotal: number;
  updatedAt: Date;
}

export interface CardFields {
  title: string;
  description: string;
  leadTenantId?: string;
  startDate?: string;
  dueDate?: string;
  area?: string;
  assignees: string[];
}

export async function listBoards(sql: Queryable, spaceId: string): Promise<(Board & { cards: number })[]> {
  return sql<(Board & { cards: number })[]>`
    select b.*, (select count(*)::int from cards c where c.board_id = b.id and c.deleted_at is null) as cards
    from boards b where b.space_id = ${spaceId} order by b.created_at`;
}

/** A board, found only in the space it is asked for in. */
export async function findBoard(sql: Queryable, spaceId: string, boardId: string): Promise<Board | undefined> {
  const [board] = await sql<Board[]>`select * from boards where id = ${boardId} and space_id = ${spaceId}`;
  return board;
}

/** A column, found only on the board it is asked for on. */
export async function findColumn(sql: Queryable, boardId: string, columnId: string): Promise<Column | undefined> {
  const [column] = await sql<Column[]>`select id, board_id, title, kind, position from board_columns where id = ${columnId} and board_id = ${boardId}`;
  return column;
}

/** A board with the default columns (their titles in the creator's language). */
export async function createBoard(
  tx: Queryable,
  input: { spaceId: string; title: string; columns: [string, string, string]; actorId: string; areas?: readonly string[] },
): Promise<Board> {
  const [board] = await tx<Board[]>`
    insert into boards (space_id, title, areas, created_by)
    values (${input.spaceId}, ${input.title}, ${[...(input.areas ?? DEFAULT_AREAS)]}, ${input.actorId}) returning *`;
  const kinds: ColumnKind[] = ["open", "active", "done"];
  let position: string | null = null;
  for (const [i, title] of input.columns.entries()) {
    position = generateKeyBetween(position, null);
    await tx`insert into board_columns (space_id, board_id, title, kind, position) values (${board.spaceId}, ${board.id}, ${title}, ${kinds[i]}, ${position})`;
  }
  await announce(tx, board.spaceId, board.id, []);
  return board;
}

export async function columnsOf(sql: Queryable, boardId: string): Promise<Column[]> {
  return sql<Column[]>`select id, board_id, title, kind, position from board_columns where board_id = ${boardId} order by position`;
}

const cardSelect = (sql: Queryable) => sql`
  select c.id, c.board_id, c.column_id, c.position, c.title, c.description, c.lead_tenant_id, t.name as lead_tenant_name,
         to_char(c.start_date, 'YYYY-MM-DD') as start_date, to_char(c.due_date, 'YYYY-MM-DD') as due_date, c.area, c.updated_at,
         coalesce((select json_agg(json_build_object('userId', u.id, 'name', u.name) order by u.name)
                   from card_assignees a join users u on u.id = a.user_id where a.card_id = c.id), '[]'::json) as assignees,
         (select count(*)::int from card_checklist k where k.card_id = c.id and k.done) as checklist_done,
         (select count(*)::int from card_checklist k where k.card_id = c.id) as checklist_total
  from cards c left join tenants t on t.id = c.lead_tenant_id`;

/** Every live card of a board, in column order. */
export async function cardsOf(sql: Queryable, boardId: string): Promise<Card[]> {
  return sql<Card[]>`${cardSelect(sql)} where c.board_id = ${boardId} and c.deleted_at is null order by c.position`;
}

/** A page of a board's live cards for the API: column by column in the board's order, each column in its order (keyset on the two positions and the id). */
export async function cardsPage(sql: Queryable, boardId: string, page: PageRequest): Promise<Page<Card>> {
  // The page's ids first (from the board's index), then the card fields for those only.
  const rows = await sql<(Card & { sortKey: string[] })[]>`
    with p as (
      select c.id, k.position as column_position, c.position
      from cards c join board_columns k on k.id = c.column_id
      where c.board_id = ${boardId} and c.deleted_at is null
        ${page.after ? sql`and (k.position, c.position, c.id) > (${page.after[0]} collate "C", ${page.after[1]} collate "C", ${page.after[2]}::uuid)` : sql``}
      order by k.position, c.position, c.id limit ${page.limit + 1})
    select x.*, array[p.column_position, p.position, p.id::text] as sort_key
    from (${cardSelect(sql)} where c.board_id = ${boardId} and c.id in (select id from p)) x join p on p.id = x.id
    order by p.column_position, p.position, p.id`;
  return toPage(rows, page.limit);
}

/** Changed cards for an event payload: live ones with every field shown on a board, removed ones flagged. */
export async function cardsByIds(sql: Queryable, boardId: string, ids: string[]): Promise<(Card & { deleted: boolean })[]> {
  if (!ids.length) return [];
  return sql<(Card & { deleted: boolean })[]>`
    select x.*, c2.deleted_at is not null as deleted from (${cardSelect(sql)} where c.board_id = ${boardId} and c.id = any(${ids})) x
    join cards c2 on c2.id = x.id`;
}

/** A card (live or removed), found only on the board it is asked for on. */
export async function findCard(sql: Queryable, boardId: string, cardId: string): Promise<(Card & { deletedAt: Date | null; spaceId: string }) | undefined> {
  const [card] = await sql<(Card & { deletedAt: Date | null; spaceId: string })[]>`
    select x.*, c2.deleted_at, b.space_id from (${cardSelect(sql)} where c.id = ${cardId} and c.board_id = ${boardId}) x
    join cards c2 on c2.id = x.id join boards b on b.id = x.board_id`;
  return card;
}

export type CardProblem = "columnGone" | "assigneeNotInSpace" | "leadNotInSpace" | "cardNotFound";

/** Assignees must take part in the card's space and the lead tenant be one of its tenants (ids from a request). */
async function checkCardPeople(tx: Queryable, board: BoardRef, fields: Pick<CardFields, "assignees" | "leadTenantId">): Promise<CardProblem | null> {
  if (!fields.assignees.length && !fields.leadTenantId) return null;
  const space = await peopleOfSpace(tx, board.spaceId);
  const people = new Set(space.people.map((p) => p.userId));
  if (fields.assignees.some((a) => !people.has(a))) return "assigneeNotInSpace";
  if (fields.leadTenantId && !space.tenants.some((t) => t.id === fields.leadTenantId)) return "leadNotInSpace";
  return null;
}

/** Serialises changes to one board, so concurrent moves end in one order for everyone. */
async function lockBoard(tx: Queryable, boardId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`board:${boardId}`}))`;
}

export async function createCard(
  tx: Queryable,
  input: CardFields & { board: BoardRef; columnId?: string; actorId: string },
): Promise<{ ok: true; card: { id: string } } | { ok: false; error: CardProblem }> {
  const boardId = input.board.id;
  const problem = await checkCardPeople(tx, input.board, input);
  if (problem) return { ok: false, error: problem };
  await lockBoard(tx, boardId);
  // The column must be one of this board's (a column id from another board is "gone").
  const columns = await columnsOf(tx, boardId);
  const column = input.columnId ? columns.find((c) => c.id === input.columnId) : columns[0];
  if (!column) return { ok: false, error: "columnGone" };
  const [last] = await tx<{ position: string }[]>`
    select position from cards where column_id = ${column.id} and deleted_at is null order by position desc limit 1`;
  const [card] = await tx<{ id: string }[]>`
    insert into cards (space_id, board_id, column_id, position, title, description, lead_tenant_id, start_date, due_date, area, created_by)
    values (${input.board.spaceId}, ${boardId}, ${column.id}, ${generateKeyBetween(last?.position ?? null, null)}, ${input.title}, ${input.description},
            ${input.leadTenantId ?? null}, ${input.startDate ?? null}, ${input.dueDate ?? null}, ${input.area ?? null}, ${input.actorId})
    returning id`;
  await setAssignees(tx, card.id, input.assignees);
  await cardEvent(tx, card.id, input.actorId, "created", { title: input.title, column: column.title });
  await announce(tx, input.board.spaceId, boardId, [card.id]);
  await tellWebhooks(tx, input.board, card.id, "card.created");
  return { ok: true, card: { id: card.id } };
}

export async function updateCard(
  tx: Queryable,
  input: CardFields & { board: BoardRef; cardId: string; actorId: string },
): Promise<{ ok: true } | { ok: false; error: CardProblem }> {
  const before = await findCard(tx, input.board.id, input.cardId);
  if (!before || before.deletedAt) return { ok: false, error: "cardNotFound" };
  const problem = await checkCardPeople(tx, input.board, input);
  if (problem) return { ok: false, error: problem };
  await tx`
    update cards set title = ${input.title}, description = ${input.description}, lead_tenant_id = ${input.leadTenantId ?? null},
      start_date = ${input.startDate ?? null}, due_date = ${input.dueDate ?? null}, area = ${input.area ?? null}, updated_at = now()
    where id = ${input.cardId} and board_id = ${input.board.id}`;
  await tx`delete from card_assignees where card_id = ${input.cardId}`;
  await setAssignees(tx, input.cardId, input.assignees);
  const changed = (["title", "description", "leadTenantId", "startDate", "dueDate", "area"] as const).filter(
    (field) => (before[field] ?? "") !== (input[field] ?? ""),
  );
  const assigneesChanged = before.assignees.map((a) => a.userId).sort().join() !== [...new Set(input.assignees)].sort().join();
  if (assigneesChanged) changed.push("assignees" as never);
  if (changed.length) await cardEvent(tx, input.cardId, input.actorId, "updated", { fields: changed.join(",") });
  await announce(tx, before.spaceId, before.boardId, [input.cardId]);
  if (changed.length) await tellWebhooks(tx, input.board, input.cardId, "card.updated", { changed });
  return { ok: true };
}

/** The board a command acts on, as the caller authorised it. */
export interface BoardRef {
  id: string;
  spaceId: string;
}

async function setAssignees(tx: Queryable, cardId: string, assignees: string[]): Promise<void> {
  if (!assignees.length) return;
  await tx`
    insert into card_assignees (space_id, card_id, user_id)
    select c.space_id, c.id, u from cards c, unnest(${[...new Set(assignees)]}::text[]) as u where c.id = ${cardId}`;
}

/**
 * Moves a card into `columnId` right after `afterId` (or first). Under the board lock the neighbours
 * are read afresh, so two people moving the same card at once end in one consistent order.
 */
export async function moveCard(
  tx: Queryable,
  input: { board: BoardRef; cardId: string; columnId: string; afterId?: string; actorId: string },
): Promise<{ ok: true } | { ok: false; error: CardProblem }> {
  const board = input.board;
  await lockBoard(tx, board.id);
  const [card] = await tx<{ columnId: string }[]>`
    select column_id from cards where id = ${input.cardId} and board_id = ${board.id} and deleted_at is null`;
  if (!card) return { ok: false, error: "cardNotFound" };
  const column = await findColumn(tx, board.id, input.columnId);
  if (!column) return { ok: false, error: "columnGone" };
  const siblings = await tx<{ id: string; position: string }[]>`
    select id, position from cards where column_id = ${column.id} and deleted_at is null and id <> ${input.cardId} order by position`;
  const index = input.afterId ? siblings.findIndex((s) => s.id === input.afterId) : -1;
  if (input.afterId && index < 0) return { ok: false, error: "cardNotFound" };
  const before = index >= 0 ? siblings[index].position : null;
  const after = siblings[index + 1]?.position ?? null;
  await tx`
    update cards set column_id = ${column.id}, position = ${generateKeyBetween(before, after)}, updated_at = now()
    where id = ${input.cardId} and board_id = ${board.id}`;
  if (card.columnId !== column.id) await cardEvent(tx, input.cardId, input.actorId, "moved", { column: column.title });
  await announce(tx, board.spaceId, board.id, [input.cardId]);
  await tellWebhooks(tx, board, input.cardId, "card.moved", { fromColumnId: card.columnId });
  return { ok: true };
}

/** Removes a card, keeping a tombstone so documents that link to it can say so. */
export async function deleteCard(tx: Queryable, input: { board: BoardRef; cardId: string; actorId: string }): Promise<boolean> {
  const [card] = await tx`
    update cards set deleted_at = now() where id = ${input.cardId} and board_id = ${input.board.id} and deleted_at is null returning id`;
  if (!card) return false;
  await cardEvent(tx, input.cardId, input.actorId, "deleted", {});
  await announce(tx, input.board.spaceId, input.board.id, [input.cardId]);
  return true;
}

export async function addColumn(tx: Queryable, input: { board: BoardRef; title: string }): Promise<void> {
  const boardId = input.board.id;
  await lockBoard(tx, boardId);
  const [last] = await tx<{ position: string }[]>`select position from board_columns where board_id = ${boardId} order by position desc limit 1`;
  await tx`insert into board_columns (space_id, board_id, title, position) values (${input.board.spaceId}, ${boardId}, ${input.title}, ${generateKeyBetween(last?.position ?? null, null)})`;
  await announce(tx, input.board.spaceId, boardId, []);
}

/** Column commands act only on a column of the board they are given: another board's column is not found (false). */
export async function renameColumn(tx: Queryable, input: { board: BoardRef; columnId: string; title: string }): Promise<boolean> {
  const [column] = await tx`update board_columns set title = ${input.title} where id = ${input.columnId} and board_id = ${input.board.id} returning id`;
  if (column) await announce(tx, input.board.spaceId, input.board.id, []);
  return Boolean(column);
}

/** Moves a column one place left (-1) or right (+1). */
export async function shiftColumn(tx: Queryable, input: { board: BoardRef; columnId: string; by: -1 | 1 }): Promise<boolean> {
  const boardId = input.board.id;
  await lockBoard(tx, boardId);
  const columns = await columnsOf(tx, boardId);
  const i = columns.findIndex((c) => c.id === input.columnId);
  if (i < 0) return false;
  const j = i + input.by;
  if (j < 0 || j >= columns.length) return true;
  const [lo, hi] = input.by < 0 ? [columns[j - 1]?.position ?? null, columns[j].position] : [columns[j].position, columns[j + 1]?.position ?? null];
  await tx`update board_columns set position = ${generateKeyBetween(lo, hi)} where id = ${input.columnId} and board_id = ${boardId}`;
  await announce(tx, input.board.spaceId, boardId, []);
  return true;
}

/** Removes a column after moving its cards to the end of another column of the same board. */
export async function removeColumn(tx: Queryable, input: { board: BoardRef; columnId: string; moveTo: string; actorId: string }): Promise<{ ok: boolean }> {
  const boardId = input.board.id;
  if (input.moveTo === input.columnId) return { ok: false };
  await lockBoard(tx, boardId);
  const [column, target] = await Promise.all([findColumn(tx, boardId, input.columnId), findColumn(tx, boardId, input.moveTo)]);
  if (!column || !target) return { ok: false };
  const cards = await tx<{ id: string }[]>`select id from cards where column_id = ${column.id} and board_id = ${boardId} order by position`;
  const [last] = await tx<{ position: string }[]>`select position from cards where column_id = ${target.id} and deleted_at is null order by position desc limit 1`;
  let position = last?.position ?? null;
  for (const card of cards) {
    position = generateKeyBetween(position, null);
    await tx`update cards set column_id = ${target.id}, position = ${position} where id = ${card.id} and board_id = ${boardId}`;
  }
  await tx`delete from board_columns where id = ${column.id} and board_id = ${boardId}`;
  await announce(tx, input.board.spaceId, boardId, []);
  return { ok: true };
}

export async function setAreas(tx: Queryable, input: { board: BoardRef; areas: string[] }): Promise<void> {
  await tx`update boards set areas = ${input.areas} where id = ${input.board.id} and space_id = ${input.board.spaceId}`;
  await announce(tx, input.board.spaceId, input.board.id, []);
}

export interface ChecklistItem {
  id: string;
  text: string;
  done: boolean;
}

export async function checklistOf(sql: Queryable, cardId: string): Promise<ChecklistItem[]> {
  return sql<ChecklistItem[]>`select id, text, done from card_checklist where card_id = ${cardId} order by position`;
}

/** A checklist item, found only on the card it is asked for on. */
export async function findChecklistItem(sql: Queryable, cardId: string, itemId: string): Promise<(ChecklistItem & { cardId: string }) | undefined> {
  const [item] = await sql<(ChecklistItem & { cardId: string })[]>`select id, card_id, text, done from card_checklist where id = ${itemId} and card_id = ${cardId}`;
  return item;
}

/** Card commands below take the card the caller authorised (its id, already scoped to its board). */
export async function addChecklistItem(tx: Queryable, input: { cardId: string; text: string; actorId: string }): Promise<void> {
  await tx`
    insert into card_checklist (space_id, card_id, text, position)
    select space_id, id, ${input.text}, (select coalesce(max(position), 0) + 1 from card_checklist where card_id = ${input.cardId})
    from cards where id = ${input.cardId}`;
  await cardEvent(tx, input.cardId, input.actorId, "checklistAdded", { text: input.text });
  await announceCard(tx, input.cardId);
}

export async function toggleChecklistItem(tx: Queryable, input: { cardId: string; itemId: string; done: boolean; actorId: string }): Promise<boolean> {
  const [item] = await tx<{ text: string }[]>`
    update card_checklist set done = ${input.done} where id = ${input.itemId} and card_id = ${input.cardId} returning text`;
  if (!item) return false;
  await cardEvent(tx, input.cardId, input.actorId, input.done ? "checked" : "unchecked", { text: item.text });
  await announceCard(tx, input.cardId);
  return true;
}

export interface Comment {
  id: string;
  authorName: string | null;
  body: string;
  createdAt: Date;
}

export async function commentsOf(sql: Queryable, cardId: string): Promise<Comment[]> {
  return sql<Comment[]>`
    select c.id, u.name as author_name, c.body, c.created_at from card_comments c left join users u on u.id = c.author_id
    where c.card_id = ${cardId} order by c.created_at`;
}

export async function addComment(tx: Queryable, input: { cardId: string; body: string; actorId: string }): Promise<void> {
  await tx`insert into card_comments (space_id, card_id, author_id, body) select space_id, id, ${input.actorId}, ${input.body} from cards where id = ${input.cardId}`;
  await cardEvent(tx, input.cardId, input.actorId, "commented", {});
  await announceCard(tx, input.cardId);
}

export interface CardEvent {
  id: string;
  actorName: string | null;
  at: Date;
  action: string;
  details: Record<string, string>;
}

export async function historyOf(sql: Queryable, cardId: string): Promise<CardEvent[]> {
  return sql<CardEvent[]>`
    select e.id::text, u.name as actor_name, e.at, e.action, e.details from card_events e left join users u on u.id = e.actor_id
    where e.card_id = ${cardId} order by e.at desc, e.id desc limit 100`;
}

export interface SpaceCardEvent extends CardEvent {
  cardId: string;
  cardTitle: string;
  boardId: string;
}

/** The latest changes to the cards of a space's boards, for everyone taking part. */
export async function recentCardEvents(sql: Queryable, spaceId: string, limit = 10): Promise<SpaceCardEvent[]> {
  return sql<SpaceCardEvent[]>`
    select e.id::text, u.name as actor_name, e.at, e.action, e.details, c.id as card_id, c.title as card_title, c.board_id
    from card_events e join cards c on c.id = e.card_id join boards b on b.id = c.board_id
    left join users u on u.id = e.actor_id
    where b.space_id = ${spaceId} and c.deleted_at is null
    order by e.at desc, e.id desc limit ${limit}`;
}

export interface Backlink {
  documentId: string;
  documentTitle: string;
  spaceId: string;
  ordinal: number;
  context: string;
}

/** Every document (and place) that references a card. */
export async function backlinksOf(sql: Queryable, cardId: string): Promise<Backlink[]> {
  return sql<Backlink[]>`
    select l.document_id, d.title as document_title, d.space_id, l.ordinal, l.context
    from document_card_links l join documents d on d.id = l.document_id
    where l.card_id = ${cardId} and d.archived_at is null order by d.title, l.ordinal`;
}

/** What a card node in a document shows, for the cards it links (removed ones included, flagged). */
export interface CardSummary {
  id: string;
  title: string;
  columnTitle: string;
  columnKind: ColumnKind;
  leadTenantName: string | null;
  assignees: string[];
  dueDate: string | null;
  deleted: boolean;
  boardId: string;
  spaceId: string;
}

/** Live cards of a space whose title contains `query`, most recently changed first (for "link a card"). */
export async function findCardIds(sql: Queryable, spaceId: string, query: string, limit = 20): Promise<string[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql<{ id: string }[]>`
    select c.id from cards c join boards b on b.id = c.board_id
    where b.space_id = ${spaceId} and c.deleted_at is null and c.title ilike ${pattern}
    order by c.updated_at desc limit ${limit}`;
  return rows.map((r) => r.id);
}

export async function cardSummaries(sql: Queryable, ids: string[]): Promise<CardSummary[]> {
  if (!ids.length) return [];
  return sql<CardSummary[]>`
    select c.id, c.title, k.title as column_title, k.kind as column_kind, t.name as lead_tenant_name,
           coalesce((select array_agg(u.name order by u.name) from card_assignees a join users u on u.id = a.user_id where a.card_id = c.id), '{}') as assignees,
           to_char(c.due_date, 'YYYY-MM-DD') as due_date, c.deleted_at is not null as deleted, c.board_id, b.space_id
    from cards c join board_columns k on k.id = c.column_id join boards b on b.id = c.board_id
    left join tenants t on t.id = c.lead_tenant_id
    where c.id = any(${ids})`;
}

/**
 * Replaces a document's links with those found in its current content (system work, no user), and
 * announces the cards whose backlinks changed so open card pages update.
 */
export async function replaceDocumentLinks(tx: Queryable, documentId: string, allLinks: { cardId: string; context: string }[]): Promise<void> {
  // Card ids come from document content, which any editor shapes: a malformed one is skipped, not sent to SQL.
  const links = allLinks.filter((l) => isUuid(l.cardId));
  const before = await tx<{ cardId: string }[]>`delete from document_card_links where document_id = ${documentId} returning card_id`;
  // Only cards of the document's own space count: a link to another space's card (typed into the Yjs
  // state by hand) must not put this document on that card's backlinks.
  const visible = links.length
    ? await tx<{ id: string; spaceId: string }[]>`
        select c.id, c.space_id from cards c
        where c.id = any(${links.map((l) => l.cardId)}) and c.space_id = (select space_id from documents where id = ${documentId})`
    : [];
  const known = new Set(visible.map((c) => c.id));
  const spaceId = visible[0]?.spaceId;
  const rows = links.filter((l) => known.has(l.cardId)).map((l, ordinal) => ({ spaceId, documentId, cardId: l.cardId, ordinal, context: l.context }));
  if (rows.length) await tx`insert into document_card_links ${tx(rows)}`;
  const old = new Set(before.map((r) => r.cardId));
  const changed = [...new Set([...old, ...known])].filter((id) => old.has(id) !== known.has(id));
  if (!changed.length) return;
  const boards = await tx<{ boardId: string; spaceId: string; ids: string[] }[]>`
    select c.board_id, b.space_id, array_agg(c.id) as ids from cards c join boards b on b.id = c.board_id
    where c.id = any(${changed}) group by c.board_id, b.space_id`;
  for (const b of boards) await announce(tx, b.spaceId, b.boardId, b.ids);
}

async function cardEvent(tx: Queryable, cardId: string, actorId: string, action: string, details: Record<string, string>): Promise<void> {
  await tx`insert into card_events (space_id, card_id, actor_id, action, details) select space_id, id, ${actorId}, ${action}, ${tx.json(details)} from cards where id = ${cardId}`;
}

/** Queues a card event for the space's webhooks: the card as the API shows it, and what the event adds. */
async function tellWebhooks(tx: Queryable, board: BoardRef, cardId: string, event: WebhookEvent, extra: Record<string, unknown> = {}): Promise<void> {
  const card = await findCard(tx, board.id, cardId);
  if (card) await queueWebhookEvent(tx, board.spaceId, event, { card: apiCard(card), ...extra });
}

/** Tells every instance (delivered on commit) that cards of a board changed. */
async function announce(tx: Queryable, spaceId: string, boardId: string, cardIds: string[]): Promise<void> {
  await tx`select pg_notify(${BOARD_CHANNEL}, ${JSON.stringify({ spaceId, boardId, cardIds })})`;
}

async function announceCard(tx: Queryable, cardId: string): Promise<void> {
  const [card] = await tx<{ spaceId: string; boardId: string }[]>`
    select b.space_id, c.board_id from cards c join boards b on b.id = c.board_id where c.id = ${cardId}`;
  if (card) await announce(tx, card.spaceId, card.boardId, [cardId]);
}
