import { apiSpace, loadActor, spacesForActor } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, paginate } from "~/lib/api.server";

/** `GET /api/v1/spaces`: the spaces the token's user may open (and the token may reach). */
export const loader = apiRoute(OPERATIONS.listSpaces, async ({ tx, user, query, token }) => {
  const spaces = (await spacesForActor(tx, await loadActor(tx, user.id))).filter((s) => !token.spaceIds || token.spaceIds.includes(s.id));
  const page = paginate(spaces, (s) => s.id, query, LIMITS.apiPageSize);
  return { items: page.items.map(apiSpace), nextCursor: page.nextCursor };
});
