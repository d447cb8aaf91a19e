import { apiDocument } from "@twinning/db";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/documents/{documentId}`: the document's metadata. */
export const loader = apiRoute(OPERATIONS.getDocument, async ({ document }) => apiDocument((await document("document.view")).doc));
