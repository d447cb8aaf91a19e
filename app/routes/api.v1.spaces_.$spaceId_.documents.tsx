import { apiDocument, listDocuments } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, paginate } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/documents`: current documents, newest edit first. */
export const loader = apiRoute(OPERATIONS.listDocuments, async ({ tx, space, query }) => {
  const { space: s } = await space("space.view");
  const page = paginate(await listDocuments(tx, s.id), (d) => d.id, query, LIMITS.apiPageSize);
  return { items: page.items.map(apiDocument), nextCursor: page.nextCursor };
});
