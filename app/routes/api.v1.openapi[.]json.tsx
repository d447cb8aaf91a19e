import { openApiDocument } from "~/lib/api-spec";

/** `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 document (public: it describes, it reveals nothing). */
export function loader() {
  return Response.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
