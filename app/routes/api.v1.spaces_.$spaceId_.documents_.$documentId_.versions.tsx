import { apiVersion, listVersions } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, paginate } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/documents/{documentId}/versions`: saved versions, newest first (as the History panel). */
export const loader = apiRoute(OPERATIONS.listVersions, async ({ tx, document, query }) => {
  const { doc } = await document("document.viewHistory");
  const page = paginate(await listVersions(tx, doc), (v) => v.id, query, LIMITS.apiPageSize);
  return { items: page.items.map(apiVersion), nextCursor: page.nextCursor };
});
