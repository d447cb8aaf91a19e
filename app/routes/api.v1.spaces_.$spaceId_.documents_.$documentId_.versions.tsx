import { apiVersion, versionsPage } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute, keysetAnswer, pageRequest } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/documents/{documentId}/versions`: saved versions, newest first (as the History panel). */
export const loader = apiRoute(OPERATIONS.listVersions, async ({ tx, document, query }) => {
  const { doc } = await document("document.viewHistory");
  return keysetAnswer(await versionsPage(tx, doc, pageRequest(query, ["instant", "uuid"], LIMITS.apiPageSize)), apiVersion);
});
