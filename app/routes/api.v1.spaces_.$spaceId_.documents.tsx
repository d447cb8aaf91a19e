import { apiDocument, createDocument, documentsPage } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { jsonToYUpdate, withBlockIds } from "@twinning/editor";
import { markdownToDoc } from "@twinning/editor/markdown";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute, keysetAnswer, pageRequest } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/documents`: current documents, newest edit first. */
export const loader = apiRoute(OPERATIONS.listDocuments, async ({ tx, space, query }) => {
  const { space: s } = await space("space.view");
  return keysetAnswer(await documentsPage(tx, s.id, pageRequest(query, ["instant", "uuid"], LIMITS.apiPageSize)), apiDocument);
});

/** `POST …/documents`: a document whose first text is the Markdown, as the "new document" page makes one from a template. */
export const action = apiRoute(OPERATIONS.createDocument, async ({ tx, space, body, user }) => {
  const { space: s } = await space("space.edit");
  const converted = markdownToDoc(body.markdown);
  if (!converted.ok) throw new ApiProblem(400, `markdown.${converted.reason}`, { max: LIMITS.markdownLength });
  const { title, type, language } = body;
  const doc = await createDocument(tx, { spaceId: s.id, title, type, language, template: "markdown", initialState: jsonToYUpdate(withBlockIds(converted.json)), actorId: user.id });
  return apiDocument(doc);
});
