import { LIMITS, type SearchKind } from "@twinning/domain";
import type { Fragment } from "postgres";
import type { Queryable } from "./client";

/**
 * Search (migration 00014): `search_entries` holds document titles and blocks, cards, comments and
 * spaces, each row readable as its space is; tenants are found in the directory. Chinese is split
 * here and in SQL the same way: every Han character and every pair of neighbours (`app_search_grams`),
 * plus Intl.Segmenter's words for documents, which rank whole words higher.
 */

const HAN_CLASS = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
const HAN_RUN = new RegExp(`[${HAN_CLASS}]+`, "gu");
const WORD = /[\p{L}\p{N}]+/gu;
/** At most this many terms of a query are used (the rest is ignored). */
const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 40;

let segmenter: Intl.Segmenter | undefined;

/** Every Han character and every pair of neighbouring ones — what `app_search_grams` indexes. */
export function hanGrams(text: string): string[] {
  const grams: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = [...run];
    chars.forEach((c, i) => {
      grams.push(c);
      if (i < chars.length - 1) grams.push(c + chars[i + 1]);
    });
  }
  return grams;
}

/** Chinese words of two characters or more, as Intl.Segmenter finds them (distinct, in order). */
export function chineseWords(text: string): string[] {
  segmenter ??= new Intl.Segmenter("zh", { granularity: "word" });
  const words = new Set<string>();
  for (const run of text.match(HAN_RUN) ?? []) {
    for (const s of segmenter.segment(run)) if (s.isWordLike && [...s.segment].length >= 2) words.add(s.segment);
  }
  return [...words];
}

export interface ParsedQuery {
  /** The query as searched for (cleaned, at most `LIMITS.searchLength` characters). */
  text: string;
  /** Latin-script (and other non-Han) words, lower-cased. */
  latin: string[];
  /** Runs of Han characters. */
  han: string[];
  /** What a Han run must contain to match: its single character, or all its neighbouring pairs. */
  grams: string[];
  /** Chinese words of the query, for ranking. */
  words: string[];
}

/** A query as typed, made safe: control characters (NUL too) are spaces, and it is cut to the search limit. */
export function parseQuery(raw: string): ParsedQuery {
  // eslint-disable-next-line no-control-regex
  const text = raw.normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim().slice(0, LIMITS.searchLength);
  const han = [...new Set(text.match(HAN_RUN) ?? [])].slice(0, MAX_TERMS);
  const latin = [...new Set((text.replace(HAN_RUN, " ").match(WORD) ?? []).map((w) => w.toLowerCase().slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
  const grams = new Set<string>();
  for (const run of han) {
    const chars = [...run];
    if (chars.length === 1) grams.add(run);
    for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i] + chars[i + 1]);
  }
  return { text, latin, han, grams: [...grams], words: chineseWords(text) };
}

/**
 * Indexes a document's text blocks (from the derive step), replacing what was indexed before — or,
 * with `only`, the entries of those block indexes (changed or removed), `blocks` holding their new text.
 */
export async function saveSearchBlocks(
  tx: Queryable,
  input: { documentId: string; blocks: { index: number; text: string }[]; only?: number[] },
): Promise<void> {
  if (input.only) await tx`delete from search_entries where document_id = ${input.documentId} and kind = 'document' and block = any(${input.only}::int[])`;
  else await tx`delete from search_entries where document_id = ${input.documentId} and kind = 'document' and block is not null`;
  if (!input.blocks.length) return;
  const rows = input.blocks.map((b) => ({ index: b.index, text: b.text.slice(0, 100_000), words: chineseWords(b.text).join(" ") }));
  await tx`
    insert into search_entries (key, kind, space_id, document_id, block, body, words)
    select 'block:' || d.id || ':' || r.index, 'document', d.space_id, d.id, r.index, r.text, r.words
    from documents d, jsonb_to_recordset(${tx.json(rows)}) as r(index int, text text, words text)
    where d.id = ${input.documentId}`;
}

export interface SearchFilter {
  spaceId?: string;
  kind?: SearchKind;
  /** Only what belongs to spaces this tenant hosts or takes part in (and the tenant itself). */
  tenantId?: string;
  from?: Date;
  /** Inclusive (the whole day). */
  to?: Date;
}

export interface SearchRow {
  key: string;
  kind: SearchKind;
  spaceId: string | null;
  spaceTitle: string | null;
  documentId: string | null;
  documentTitle: string | null;
  block: number | null;
  cardId: string | null;
  boardId: string | null;
  cardTitle: string | null;
  threadId: string | null;
  title: string;
  body: string;
  at: Date | null;
  tenantSlug: string | null;
  tenantKind: string | null;
  rank: number;
}

function tsquery(sql: Queryable, q: ParsedQuery, prefixLast: boolean): Fragment | null {
  const parts: Fragment[] = q.latin.map((w, i) =>
    prefixLast && i === q.latin.length - 1
      ? sql`(to_tsquery('danish', ${`${w}:*`}) || to_tsquery('english', ${`${w}:*`}))`
      : sql`(plainto_tsquery('danish', ${w}) || plainto_tsquery('english', ${w}))`,
  );
  for (const g of q.grams) parts.push(sql`plainto_tsquery('simple', ${g})`);
  if (!parts.length) return null;
  return parts.reduce((a, b) => sql`${a} && ${b}`);
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * What the user may see that matches `q`, best first: at most one hit per document (its best block),
 * card, comment, space or tenant. Run as the user (`context.tx`): rows come only from spaces they take
 * part in — by the same rule row-level security applies (`app_visible_spaces()`), asked here too.
 */
export async function search(tx: Queryable, input: { query: ParsedQuery; filter?: SearchFilter; limit: number; prefix?: boolean }): Promise<SearchRow[]> {
  const { query, limit } = input;
  const filter = input.filter ?? {};
  const tsq = tsquery(tx, query, input.prefix ?? false);
  if (!tsq && !query.text) return [];
  const words = query.words.length ? query.words.join(" | ") : null;
  // The spaces the user takes part in, as an array: the (space_id, tsv) index then reads only their rows.
  const [{ spaces }] = await tx<{ spaces: string[] }[]>`select coalesce(array_agg(id), '{}') as spaces from app_visible_spaces() as id`;
  const conditions = tx`
    e.space_id = any(${spaces}::uuid[])
    ${filter.spaceId ? tx`and e.space_id = ${filter.spaceId}` : tx``}
    ${filter.kind ? tx`and e.kind = ${filter.kind}` : tx``}
    ${filter.from ? tx`and e.at >= ${filter.from}` : tx``}
    ${filter.to ? tx`and e.at < ${filter.to}::timestamptz + interval '1 day'` : tx``}
    ${
      filter.tenantId
        ? tx`and e.space_id in (select id from spaces where host_tenant_id = ${filter.tenantId}
             union select space_id from space_partners where tenant_id = ${filter.tenantId} and status = 'active')`
        : tx``
    }`;
  const rows: SearchRow[] = [];
  if (filter.kind !== "tenant") {
    if (tsq) {
      rows.push(
        ...(await tx<SearchRow[]>`
        with q as (select ${tsq} as tsq, ${words ? tx`to_tsquery('simple', ${words})` : tx`null::tsquery`} as words),
        hits as (
          select distinct on (case when e.kind = 'document' then e.document_id::text else e.key end)
                 e.*, ts_rank(e.tsv, q.tsq) + coalesce(ts_rank(e.tsv, q.words), 0) as rank
          from search_entries e, q
          where e.tsv @@ q.tsq and ${conditions}
          order by case when e.kind = 'document' then e.document_id::text else e.key end, ts_rank(e.tsv, q.tsq) + coalesce(ts_rank(e.tsv, q.words), 0) desc, e.block nulls last
        ),
        best as (select * from hits order by rank desc, at desc limit ${limit})
        -- Joined after the limit: the cards' row-level security costs a function call per row.
        select ${columns(tx)} from best e ${joins(tx)}
        order by e.rank desc, e.at desc`),
      );
    }
    // Substring fallback (pg_trgm): parts of words, and Chinese where the grams found too little.
    if (rows.length < limit && [...query.text].length >= 2) {
      const seen = rows.map((r) => r.key);
      const docs = rows.filter((r) => r.documentId && r.kind === "document").map((r) => r.documentId!);
      rows.push(
        ...(await tx<SearchRow[]>`
        with hits as (
          select distinct on (case when e.kind = 'document' then e.document_id::text else e.key end) e.*, 0.001::real as rank
          from search_entries e
          where (e.title || ' ' || e.body) ilike ${likePattern(query.text)} and ${conditions}
            and e.key <> all(${seen}::text[]) and (e.kind <> 'document' or e.document_id <> all(${docs}::uuid[]))
          order by case when e.kind = 'document' then e.document_id::text else e.key end, e.block nulls first
        ),
        best as (select * from hits order by at desc limit ${limit - rows.length})
        select ${columns(tx)} from best e ${joins(tx)}
        order by e.at desc`),
      );
    }
  }
  if ((!filter.kind || filter.kind === "tenant") && !filter.spaceId && !filter.from && !filter.to && query.text) {
    const terms = [...query.latin, ...query.han];
    if (terms.length) {
      const match = terms.map((t) => tx`(t.name || ' ' || coalesce(t.name_zh, '') || ' ' || t.slug) ilike ${likePattern(t)}`).reduce((a, b) => tx`${a} and ${b}`);
      rows.push(
        ...(await tx<SearchRow[]>`
        select 'tenant:' || t.id as key, 'tenant' as kind, null::uuid as space_id, null as space_title, null::uuid as document_id, null as document_title,
               null::int as block, null::uuid as card_id, null::uuid as board_id, null as card_title, null::uuid as thread_id,
               t.name || coalesce(' · ' || t.name_zh, '') as title, coalesce(t.description, '') as body, null::timestamptz as at,
               t.slug as tenant_slug, t.kind as tenant_kind, similarity(t.name || ' ' || coalesce(t.name_zh, ''), ${query.text}) as rank
        from tenants t
        where ${match} ${filter.tenantId ? tx`and t.id = ${filter.tenantId}` : tx``}
        order by rank desc, t.name limit ${Math.min(limit, 10)}`),
      );
    }
  }
  return rows;
}

function columns(tx: Queryable) {
  return tx`e.key, e.kind, e.space_id, s.title as space_title, e.document_id, d.title as document_title, e.block, e.card_id, c.board_id,
            c.title as card_title, e.thread_id, e.title, e.body, e.at, null as tenant_slug, null as tenant_kind, e.rank`;
}

function joins(tx: Queryable) {
  return tx`join spaces s on s.id = e.space_id left join documents d on d.id = e.document_id left join cards c on c.id = e.card_id`;
}

/** The spaces (visible to the user) and the tenants taking part in them: the search page's filters. */
export async function searchFilterOptions(tx: Queryable): Promise<{ spaces: { id: string; title: string }[]; tenants: { id: string; name: string }[] }> {
  const spaces = await tx<{ id: string; title: string }[]>`select id, title from spaces where id in (select app_visible_spaces()) order by title`;
  const tenants = await tx<{ id: string; name: string }[]>`
    select t.id, t.name from tenants t where t.id in (
      select host_tenant_id from spaces where id in (select app_visible_spaces())
      union select tenant_id from space_partners where status = 'active' and space_id in (select app_visible_spaces()))
    order by t.name`;
  return { spaces, tenants };
}

export interface Snippet {
  text: string;
  /** [start, end) ranges of `text` (UTF-16 offsets) that matched, in order, not overlapping. */
  marks: [number, number][];
}

/** Where a query's terms occur in `text`: Latin words by their stem's beginning, Han runs (else their pairs) as substrings. */
export function matchRanges(text: string, query: ParsedQuery): [number, number][] {
  const ranges: [number, number][] = [];
  const lower = text.toLowerCase();
  if (query.latin.length) {
    const stems = query.latin.map((w) => w.slice(0, Math.max(3, w.length - 3)));
    for (const m of lower.matchAll(WORD)) {
      if (stems.some((s) => m[0].startsWith(s))) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  const find = (needle: string) => {
    let found = false;
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) {
      ranges.push([i, i + needle.length]);
      found = true;
    }
    return found;
  };
  for (const run of query.han) if (!find(run)) for (const g of query.grams) if (g.length > 1 || [...run].length === 1) find(g);
  if (!ranges.length && query.text) find(query.text);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** A piece of `text` around its first match, about `length` characters, with the matches marked. */
export function snippet(text: string, query: ParsedQuery, length = 180): Snippet {
  const clean = text.replace(/\s+/g, " ").trim();
  const marks = matchRanges(clean, query);
  if (clean.length <= length) return { text: clean, marks };
  const first = marks[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(length / 4));
  const space = clean.lastIndexOf(" ", start);
  if (space > 0 && start - space < 20) start = space + 1;
  // Never cut a surrogate pair.
  if (/[\uDC00-\uDFFF]/.test(clean[start] ?? "")) start -= 1;
  let end = Math.min(clean.length, start + length);
  if (/[\uD800-\uDBFF]/.test(clean[end - 1] ?? "")) end += 1;
  const prefix = start > 0 ? "…" : "";
  const piece = prefix + clean.slice(start, end) + (end < clean.length ? "…" : "");
  const shift = prefix.length - start;
  const inside = marks
    .filter(([s, e]) => s < end && e > start)
    .map(([s, e]) => [Math.max(s, start) + shift, Math.min(e, end) + shift] as [number, number]);
  return { text: piece, marks: inside };
}

/**
 * What to tell the person starting Twinning when the database's character type is not UTF-8 (an
 * embedded data folder initialised before UTF-8 was asked for, or an external `C` database): search
 * still works through the grams split in Node and SQL, but the substring fallback misses Chinese and
 * å/æ/ø — and without UTF-8 encoding Chinese is not split at all. Null when all is well.
 */
export async function searchLocaleWarning(sql: Queryable): Promise<string | null> {
  const [db] = await sql<{ ctype: string; encoding: string }[]>`
    select datctype as ctype, pg_encoding_to_char(encoding) as encoding from pg_database where datname = current_database()`;
  if (db.encoding !== "UTF8") {
    return `search: the database's encoding is ${db.encoding}, not UTF8, so Chinese text cannot be split into words; with the embedded database, move DATA_DIR aside and start again (a new UTF-8 cluster is created; export what you need first)`;
  }
  if (!/utf-?8/i.test(db.ctype)) {
    return `search: the database's LC_CTYPE is ${db.ctype}, so the substring fallback (pg_trgm) misses Chinese and å/æ/ø; word search works. For the embedded database, move DATA_DIR aside and start again to get a C.UTF-8 cluster`;
  }
  return null;
}
