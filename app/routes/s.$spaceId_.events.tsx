import type { LoaderFunctionArgs } from "@remix-run/node";
import { authorizeSpace, requireUser } from "~/lib/access.server";
import { eventStream, tooManyStreams } from "~/lib/event-stream.server";

/**
 * The space's event stream (server-sent events): board changes as they commit, for the boards and
 * documents open in the browser. Authorised like every route; when the user loses access (or the
 * session ends) an `access` event says why, then the stream ends. A user or address already holding
 * as many streams as allowed is answered 429 (the hub logs it).
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  if (context.events.full(user.id, context.address)) return tooManyStreams();
  const { space } = await context.tx((tx) => authorizeSpace(tx, user, params.spaceId, "space.view"));
  return eventStream(context, { user, spaceId: space.id, send: (event, write) => write(event.type, event) });
}
