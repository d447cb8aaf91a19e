import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/lib/access.server";
import { readSearchRequest, runSearch } from "~/lib/search.server";

/** Results as you type (the header's search box): `?q=…`, the same filters and access rules as `/search`, a few hits. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { q, filter } = readSearchRequest(new URL(request.url));
  const hits = await context.tx((tx) => runSearch(tx, user, { q, filter, limit: 8, prefix: true }));
  // A Response, not a bare object: fetched from outside Remix's data layer.
  return Response.json({ hits });
}
