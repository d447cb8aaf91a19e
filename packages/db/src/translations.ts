import { createHash } from "node:crypto";
import type { Locale } from "@twinning/domain";
import { recordAudit } from "./audit";
import type { Queryable } from "./client";
import { createDocument, type DocumentRef, type DocumentRow } from "./documents";

/**
 * Linked translations (issue 15, migration 00020). A translation is a document of the same space whose
 * top-level blocks carry its source's block ids. Each document's blocks are kept as last derived
 * (`document_blocks`); each translated block remembers the source block it last caught up with
 * (`translation_reviews`), so a source block that changed since is "changed — review", with the text
 * it had then and has now. Every command takes a document its caller authorised and scopes the other
 * ids in its own SQL.
 */

export const TRANSLATIONS_CHANNEL = "twinning_translations";

export interface DerivedBlock {
  id: string;
  text: string;
  fingerprint: string;
}

const hashOf = (fingerprint: string) => createHash("sha256").update(fingerprint).digest("hex").slice(0, 32);

/**
 * A document's blocks as just derived (the collaboration server's system path, or a new translation):
 * replaced whole; a source or translation tells its space's pages that its blocks changed.
 */
export async function saveDocumentBlocks(tx: Queryable, input: { documentId: string; blocks: DerivedBlock[] }): Promise<void> {
  const rows = input.blocks.map((b, position) => ({ block_id: b.id, position, text: b.text, hash: hashOf(b.fingerprint) }));
  const [doc] = await tx<{ spaceId: string; linked: boolean }[]>`
    select space_id, exists (select 1 from document_translations t where t.source_id = d.id or t.document_id = d.id) as linked
    from documents d where d.id = ${input.documentId}`;
  if (!doc) return;
  await tx`delete from document_blocks where document_id = ${input.documentId}`;
  // A block id twice (two clients named a block at once, before they converged): the first counts.
  const unique = rows.filter((r, i) => rows.findIndex((x) => x.block_id === r.block_id) === i);
  if (unique.length) {
    await tx`insert into document_blocks ${tx(unique.map((r) => ({ ...r, document_id: input.documentId, space_id: doc.spaceId })))}`;
  }
  if (doc.linked) await tx`select pg_notify(${TRANSLATIONS_CHANNEL}, ${JSON.stringify({ spaceId: doc.spaceId, documentId: input.documentId })})`;
}

/**
 * A source block `s` is to review for the translation whose review of it is `r`: it changed since, or
 * it is new — unless it is new and empty (the empty line an editor keeps after a last list, say).
 */
const toReview = (sql: Queryable) => sql`((r.block_id is null and s.text ~ '[^[:space:]]') or r.source_hash <> s.hash)`;

export interface TranslationLink {
  id: string;
  title: string;
  language: Locale;
  /** Source blocks changed since this translation caught up with them, or added since and not yet translated. */
  toReview: number;
}

/** The document's source (when it is a translation) and its translations (when it has any), each with what is to review. */
export async function translationsOf(sql: Queryable, doc: DocumentRef): Promise<{ source: TranslationLink | null; translations: TranslationLink[] }> {
  const rows = await sql<(TranslationLink & { role: "source" | "translation" })[]>`
    select d.id, d.title, d.language, case when t.document_id = ${doc.id} then 'source' else 'translation' end as role,
           (select count(*)::int from document_blocks s
             left join translation_reviews r on r.document_id = t.document_id and r.block_id = s.block_id
             where s.document_id = t.source_id and ${toReview(sql)}) as to_review
    from document_translations t
    join documents d on d.id = case when t.document_id = ${doc.id} then t.source_id else t.document_id end and d.archived_at is null
    where t.space_id = ${doc.spaceId} and (t.document_id = ${doc.id} or t.source_id = ${doc.id})
    order by d.language`;
  const source = rows.find((r) => r.role === "source");
  const sourceOf = source ? { ...source, toReview: rows.find((r) => r.role === "source")!.toReview } : null;
  return {
    source: sourceOf ? { id: sourceOf.id, title: sourceOf.title, language: sourceOf.language, toReview: sourceOf.toReview } : null,
    translations: rows.filter((r) => r.role === "translation").map(({ role: _, ...t }) => t),
  };
}

export interface BlockToReview {
  blockId: string;
  /** Where the block is in the source, from 0. */
  position: number;
  /** "changed": the source block changed since it was translated; "added": new in the source. */
  state: "changed" | "added";
  /** The source block's text when this block last caught up with it (null: never). */
  then: string | null;
  now: string;
}

/** What a translation has to catch up with, in the source's order. */
export async function blocksToReview(sql: Queryable, translation: DocumentRef): Promise<BlockToReview[]> {
  return sql<BlockToReview[]>`
    select s.block_id, s.position, case when r.block_id is null then 'added' else 'changed' end as state, r.source_text as then, s.text as now
    from document_translations t
    join document_blocks s on s.document_id = t.source_id
    left join translation_reviews r on r.document_id = t.document_id and r.block_id = s.block_id
    where t.document_id = ${translation.id} and t.space_id = ${translation.spaceId} and ${toReview(sql)}
    order by s.position`;
}

/** The translated block is caught up with its source block as it now is; false when the source has no such block. */
export async function markBlockReviewed(tx: Queryable, input: { translation: DocumentRef; blockId: string; actorId: string }): Promise<boolean> {
  const rows = await tx`
    insert into translation_reviews (document_id, space_id, block_id, source_hash, source_text, reviewed_by)
    select t.document_id, t.space_id, s.block_id, s.hash, s.text, ${input.actorId}
    from document_translations t join document_blocks s on s.document_id = t.source_id and s.block_id = ${input.blockId}
    where t.document_id = ${input.translation.id} and t.space_id = ${input.translation.spaceId}
    on conflict (document_id, block_id) do update
      set source_hash = excluded.source_hash, source_text = excluded.source_text, reviewed_by = excluded.reviewed_by, reviewed_at = now()
    returning block_id`;
  if (rows.length)
    await tx`select pg_notify(${TRANSLATIONS_CHANNEL}, ${JSON.stringify({ spaceId: input.translation.spaceId, documentId: input.translation.id })})`;
  return rows.length > 0;
}

/**
 * A translation of the source into `language`: a new document of the same space whose first state is
 * given (a copy of the source with its block ids), linked to it, and caught up with every source block
 * it holds. Null when the source already has a translation into that language, or is one itself.
 */
export async function createTranslation(
  tx: Queryable,
  input: { source: DocumentRow; language: Locale; title: string; initialState: Uint8Array; blocks: DerivedBlock[]; actorId: string },
): Promise<DocumentRow | null> {
  const [taken] = await tx<{ taken: boolean }[]>`
    select exists (select 1 from document_translations t where t.document_id = ${input.source.id})
        or exists (select 1 from document_translations t join documents d on d.id = t.document_id
                   where t.source_id = ${input.source.id} and d.language = ${input.language} and d.archived_at is null) as taken`;
  if (taken.taken || input.language === input.source.language) return null;
  const doc = await createDocument(tx, {
    spaceId: input.source.spaceId,
    type: input.source.type,
    title: input.title,
    language: input.language,
    template: input.source.template ?? "translation",
    initialState: input.initialState,
    actorId: input.actorId,
  });
  await tx`insert into document_translations (document_id, source_id, space_id, created_by) values (${doc.id}, ${input.source.id}, ${doc.spaceId}, ${input.actorId})`;
  await saveDocumentBlocks(tx, { documentId: doc.id, blocks: input.blocks });
  // Caught up with the source as it is now: every block the copy holds.
  await tx`
    insert into translation_reviews (document_id, space_id, block_id, source_hash, source_text, reviewed_by)
    select ${doc.id}, ${doc.spaceId}, s.block_id, s.hash, s.text, ${input.actorId}
    from document_blocks s where s.document_id = ${input.source.id} and s.block_id = any(${input.blocks.map((b) => b.id)})`;
  await recordAudit(tx, {
    actorId: input.actorId,
    spaceId: doc.spaceId,
    action: "document.translationAdded",
    details: { title: input.source.title, language: input.language },
  });
  return doc;
}

/**
 * How many of the given source blocks (a version's, as derived) the translation has not caught up
 * with: the same rule as `blocksToReview`, against that version instead of the live source. Sending a
 * version for approval needs each translation caught up with it.
 */
export async function blocksBehind(sql: Queryable, translation: DocumentRef, blocks: DerivedBlock[]): Promise<number> {
  if (!blocks.length) return 0;
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count
    from unnest(${blocks.map((b) => b.id)}::text[], ${blocks.map((b) => b.text)}::text[], ${blocks.map((b) => hashOf(b.fingerprint))}::text[]) as s(block_id, text, hash)
    left join translation_reviews r on r.document_id = ${translation.id} and r.space_id = ${translation.spaceId} and r.block_id = s.block_id
    where ${toReview(sql)}`;
  return count;
}

/** The source's translations that are not archived (the ones approval and signing cover), found in its space. */
export async function liveTranslations(sql: Queryable, source: DocumentRef): Promise<(DocumentRef & { language: Locale; title: string })[]> {
  return sql<(DocumentRef & { language: Locale; title: string })[]>`
    select d.id, d.space_id, d.language, d.title from document_translations t
    join documents d on d.id = t.document_id and d.space_id = t.space_id and d.archived_at is null
    where t.source_id = ${source.id} and t.space_id = ${source.spaceId}
    order by d.language`;
}
