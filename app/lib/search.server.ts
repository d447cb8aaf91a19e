import { loadActor, loadSpaceFacts, parseQuery, search, snippet, matchRanges, type Queryable, type SearchFilter, type SearchRow } from "@twinning/db";
import { can, isUuid, LIMITS, SEARCH_KINDS, type SearchKind } from "@twinning/domain";
import type { SessionUser } from "@twinning/auth";

/** One search hit as the browser gets it: where it leads, and its text with the matches' offsets. */
export interface SearchHit {
  key: string;
  kind: SearchKind;
  href: string;
  /** The document, card, space or tenant the hit belongs to. */
  title: string;
  titleMarks: [number, number][];
  /** A comment's document or card title is shown as "Comment on …". */
  isComment: boolean;
  space: string | null;
  snippet: { text: string; marks: [number, number][] } | null;
  at: string | null;
}

export interface SearchRequest {
  /** The query as typed (cut to the limit). */
  q: string;
  /** Whether the query was longer than the limit. */
  cut: boolean;
  filter: SearchFilter;
  /** The filters as given in the URL (for the form). */
  form: { space: string; kind: string; tenant: string; from: string; to: string };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (value: string | null) => (value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : "");

/** The query and filters of `?q=…&space=…&kind=…&tenant=…&from=…&to=…`; an unknown or malformed filter is ignored. */
export function readSearchRequest(url: URL): SearchRequest {
  const raw = url.searchParams.get("q") ?? "";
  const space = url.searchParams.get("space") ?? "";
  const kind = url.searchParams.get("kind") ?? "";
  const tenant = url.searchParams.get("tenant") ?? "";
  const from = day(url.searchParams.get("from"));
  const to = day(url.searchParams.get("to"));
  const filter: SearchFilter = {};
  if (isUuid(space)) filter.spaceId = space;
  if ((SEARCH_KINDS as readonly string[]).includes(kind)) filter.kind = kind as SearchKind;
  if (isUuid(tenant)) filter.tenantId = tenant;
  if (from) filter.from = new Date(`${from}T00:00:00Z`);
  if (to) filter.to = new Date(`${to}T00:00:00Z`);
  return {
    q: raw.slice(0, LIMITS.searchLength),
    cut: raw.length > LIMITS.searchLength,
    filter,
    form: { space: filter.spaceId ?? "", kind: filter.kind ?? "", tenant: filter.tenantId ?? "", from, to },
  };
}

/**
 * Runs a search as the user (inside `context.tx`, so row-level security applies) and asks the policy
 * about every space a hit comes from, as every other route does: what it refuses is left out.
 */
export async function runSearch(tx: Queryable, user: SessionUser, input: { q: string; filter: SearchFilter; limit: number; prefix?: boolean }): Promise<SearchHit[]> {
  const query = parseQuery(input.q);
  if (!query.text) return [];
  const rows = await search(tx, { query, filter: input.filter, limit: input.limit, prefix: input.prefix });
  const actor = await loadActor(tx, user.id);
  const allowed = new Map<string, boolean>();
  for (const spaceId of new Set(rows.flatMap((r) => (r.spaceId ? [r.spaceId] : [])))) {
    const facts = await loadSpaceFacts(tx, spaceId);
    allowed.set(spaceId, Boolean(facts && can(actor, "space.view", { type: "space", space: facts })));
  }
  const memberOf = new Set(actor.memberships.map((m) => m.tenantId));
  return rows.filter((r) => (r.spaceId ? allowed.get(r.spaceId) : r.kind === "tenant")).map((r) => toHit(r, query, input.q, memberOf));
}

function toHit(r: SearchRow, query: ReturnType<typeof parseQuery>, q: string, memberOf: Set<string>): SearchHit {
  const title = r.kind === "space" || r.kind === "tenant" ? r.title : r.kind === "card" ? (r.cardTitle ?? r.title) : (r.documentTitle ?? r.cardTitle ?? r.title);
  const body = r.kind === "document" && r.block === null ? "" : r.body;
  return {
    key: r.key,
    kind: r.kind,
    href: hrefOf(r, q, memberOf),
    title,
    titleMarks: matchRanges(title, query),
    isComment: r.kind === "comment",
    space: r.spaceTitle,
    snippet: body.trim() ? snippet(body, query) : null,
    at: r.at ? r.at.toISOString() : null,
  };
}

function hrefOf(r: SearchRow, q: string, memberOf: Set<string>): string {
  const space = `/s/${r.spaceId}`;
  if (r.kind === "tenant") {
    const id = r.key.slice("tenant:".length);
    // A tenant's own page is for its members; anyone else sees what of it they may: a search by it.
    return memberOf.has(id) ? `/t/${r.tenantSlug}` : `/search?${new URLSearchParams({ q, tenant: id })}`;
  }
  if (r.kind === "space") return space;
  if (r.cardId) return `${space}/boards/${r.boardId}/cards/${r.cardId}`;
  if (r.threadId) return `${space}/docs/${r.documentId}?thread=${r.threadId}`;
  return `${space}/docs/${r.documentId}${r.block === null ? "" : `?block=${r.block}`}`;
}
