import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute } from "~/lib/api.server";
import { runSearch } from "~/lib/search.server";

/**
 * `GET /api/v1/search?q=…[&space=…]`: the search page's results, by the same access rules. A token
 * limited to some spaces searches only those (each in turn, best first within each).
 */
export const loader = apiRoute(OPERATIONS.search, async ({ tx, user, query, token }) => {
  const limit = query.limit ?? LIMITS.apiPageSize;
  if (query.space && token.spaceIds && !token.spaceIds.includes(query.space)) throw new ApiProblem(404, "notFound");
  const spaces = query.space ? [query.space] : token.spaceIds ?? [undefined];
  const hits = [];
  for (const spaceId of spaces) {
    if (hits.length >= limit) break;
    hits.push(...(await runSearch(tx, user, { q: query.q, filter: spaceId ? { spaceId } : {}, limit: limit - hits.length })));
  }
  return { items: hits.map((h) => ({ kind: h.kind, title: h.title, space: h.space, snippet: h.snippet?.text ?? null, href: h.href, at: h.at })) };
});
