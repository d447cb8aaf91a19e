import { listBoards } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, paginate } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/boards`. */
export const loader = apiRoute(OPERATIONS.listBoards, async ({ tx, space, query }) => {
  const { space: s } = await space("space.view");
  const page = paginate(await listBoards(tx, s.id), (b) => b.id, query, LIMITS.apiPageSize);
  return {
    items: page.items.map((b) => ({ id: b.id, spaceId: b.spaceId, title: b.title, areas: b.areas, createdAt: b.createdAt })),
    nextCursor: page.nextCursor,
  };
});
