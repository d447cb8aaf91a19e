import type { Queryable } from "./client";
import type { DocumentRef } from "./documents";
import { notify } from "./inbox";
import { peopleOfSpace } from "./spaces";

/**
 * Comment threads on documents (migration 00013). Every command takes the document its caller
 * authorised and scopes the thread id in its own SQL, so a thread of another document is not found.
 * The anchor (the `comment` mark in the text) is the collaboration server's to apply.
 */

/** Where comment changes are announced: the space's event streams send a `comments` event. */
export const COMMENTS_CHANNEL = "twinning_comments";

export interface CommentRow {
  id: string;
  authorId: string | null;
  authorName: string | null;
  authorTenant: string | null;
  body: string;
  createdAt: Date;
}

export interface ThreadRow {
  id: string;
  documentId: string;
  quote: string;
  prefix: string;
  suffix: string;
  createdBy: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedByName: string | null;
  /** Its text is no longer in the document. */
  detached: boolean;
  comments: CommentRow[];
}

/** A document's threads, oldest first, each with its comments (and who wrote them, for which tenant). */
export async function listThreads(sql: Queryable, doc: DocumentRef): Promise<ThreadRow[]> {
  return sql<ThreadRow[]>`
    select t.id, t.document_id, t.quote, t.prefix, t.suffix, t.created_by, t.created_at, t.resolved_at, r.name as resolved_by_name, t.detached,
      coalesce((
        select json_agg(json_build_object('id', c.id, 'authorId', c.author_id, 'authorName', u.name, 'authorTenant', (
                 select tn.name from memberships m join tenants tn on tn.id = m.tenant_id
                 where m.user_id = c.author_id and (tn.id = s.host_tenant_id or tn.id in (select p.tenant_id from space_partners p where p.space_id = s.id and p.status = 'active'))
                 order by tn.id = s.host_tenant_id desc, tn.name limit 1),
               'body', c.body, 'createdAt', c.created_at) order by c.created_at, c.id)
        from document_comments c left join users u on u.id = c.author_id
        where c.thread_id = t.id and c.space_id = t.space_id), '[]') as comments
    from comment_threads t join spaces s on s.id = t.space_id left join users r on r.id = t.resolved_by
    where t.document_id = ${doc.id} and t.space_id = ${doc.spaceId}
    order by t.created_at, t.id`;
}

/** One thread, found only among the threads of the document it is asked for in. */
export async function findThread(sql: Queryable, doc: DocumentRef, threadId: string): Promise<{ id: string; resolvedAt: Date | null } | undefined> {
  const [row] = await sql<{ id: string; resolvedAt: Date | null }[]>`
    select id, resolved_at from comment_threads where id = ${threadId} and document_id = ${doc.id} and space_id = ${doc.spaceId}`;
  return row;
}

async function announce(tx: Queryable, doc: DocumentRef): Promise<void> {
  await tx`select pg_notify(${COMMENTS_CHANNEL}, ${JSON.stringify({
    spaceId: doc.spaceId,
    documentId: doc.id,
  })})`;
}

/**
 * The people of the space a comment mentions: "@" and their name (any case), not followed by a
 * letter or digit. Only people taking part in the space can be mentioned.
 */
export async function mentionedIn(sql: Queryable, spaceId: string, body: string): Promise<string[]> {
  const text = body.toLocaleLowerCase();
  const { people } = await peopleOfSpace(sql, spaceId);
  return people
    .filter((p) => {
      const needle = `@${p.name.toLocaleLowerCase()}`;
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
        if (!/[\p{L}\p{N}]/u.test(text.charAt(at + needle.length))) return true;
      }
      return false;
    })
    .map((p) => p.userId);
}

/** Mentioned people get a `mention`; the thread's earlier participants a `reply` (a mention says more). */
async function tell(
  tx: Queryable,
  input: {
    doc: DocumentRef;
    threadId: string;
    body: string;
    actorId: string;
    title: string;
    quote: string;
  }
): Promise<void> {
  const mentioned = await mentionedIn(tx, input.doc.spaceId, input.body);
  const details = {
    title: input.title,
    quote: input.quote.slice(0, 200),
    comment: input.body.slice(0, 300),
    threadId: input.threadId,
  };
  await notify(tx, {
    userIds: mentioned,
    kind: "mention",
    spaceId: input.doc.spaceId,
    documentId: input.doc.id,
    actorId: input.actorId,
    details,
  });
  const earlier = await tx<{ authorId: string }[]>`
    select distinct author_id from document_comments where thread_id = ${input.threadId} and space_id = ${input.doc.spaceId} and author_id is not null`;
  const replied = earlier.map((r) => r.authorId).filter((id) => !mentioned.includes(id));
  await notify(tx, {
    userIds: replied,
    kind: "reply",
    spaceId: input.doc.spaceId,
    documentId: input.doc.id,
    actorId: input.actorId,
    details,
  });
}

/** Starts a thread on a quoted text with its first comment, under the id whose mark the caller put in the text. */
export async function startThread(
  tx: Queryable,
  input: {
    id: string;
    doc: DocumentRef;
    title: string;
    anchor: { quote: string; prefix: string; suffix: string };
    body: string;
    actorId: string;
  }
): Promise<string> {
  const [thread] = await tx<{ id: string }[]>`
    insert into comment_threads (id, document_id, space_id, quote, prefix, suffix, created_by)
    values (${input.id}, ${input.doc.id}, ${input.doc.spaceId}, ${input.anchor.quote}, ${input.anchor.prefix}, ${input.anchor.suffix}, ${input.actorId})
    returning id`;
  await tell(tx, {
    doc: input.doc,
    threadId: thread.id,
    body: input.body,
    actorId: input.actorId,
    title: input.title,
    quote: input.anchor.quote,
  });
  await tx`insert into document_comments (thread_id, space_id, author_id, body) values (${thread.id}, ${input.doc.spaceId}, ${input.actorId}, ${input.body})`;
  await announce(tx, input.doc);
  return thread.id;
}

/** Answers a thread of the document (found by {@link findThread} first). */
export async function replyToThread(
  tx: Queryable,
  input: {
    doc: DocumentRef;
    threadId: string;
    title: string;
    body: string;
    actorId: string;
  }
): Promise<void> {
  const [thread] = await tx<{ quote: string }[]>`
    select quote from comment_threads where id = ${input.threadId} and document_id = ${input.doc.id} and space_id = ${input.doc.spaceId}`;
  if (!thread) return;
  await tell(tx, { ...input, quote: thread.quote });
  await tx`insert into document_comments (thread_id, space_id, author_id, body) values (${input.threadId}, ${input.doc.spaceId}, ${input.actorId}, ${input.body})`;
  await announce(tx, input.doc);
}

/** Resolves or reopens a thread of the document. */
export async function setThreadResolved(
  tx: Queryable,
  input: {
    doc: DocumentRef;
    threadId: string;
    resolved: boolean;
    actorId: string;
  }
): Promise<void> {
  await tx`
    update comment_threads set resolved_at = ${input.resolved ? tx`now()` : null}, resolved_by = ${input.resolved ? input.actorId : null}
    where id = ${input.threadId} and document_id = ${input.doc.id} and space_id = ${input.doc.spaceId}`;
  await announce(tx, input.doc);
}

/**
 * After the document's text changed (the derive step, on the system path): threads whose marks are
 * gone are detached ("text removed"), threads whose marks came back (undo) are anchored again.
 * Announced when any changed.
 */
export async function updateThreadAnchors(tx: Queryable, input: { documentId: string; present: string[] }): Promise<void> {
  const changed = await tx<{ spaceId: string }[]>`
    update comment_threads set detached = not (id = any(${input.present}::uuid[]))
    where document_id = ${input.documentId} and detached is distinct from not (id = any(${input.present}::uuid[]))
    returning space_id`;
  if (changed.length) await announce(tx, { id: input.documentId, spaceId: changed[0].spaceId });
}
