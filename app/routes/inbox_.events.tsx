import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/lib/access.server";
import { eventStream, tooManyStreams } from "~/lib/event-stream.server";

/**
 * The signed-in user's own event stream (server-sent events), which the header opens on pages that
 * hold no space stream: the inbox count (unread notifications and invitations waiting) at the start
 * and whenever something arrives in their inbox or is read, in any tab. It carries nothing about any
 * space; the count is read as the user (row-level security), through the same event hub and caps as
 * the space streams, and the stream ends with the session (an `access` event says so).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  if (context.events.full(user.id, context.address)) return tooManyStreams();
  return eventStream(context, {
    user,
    spaceId: null,
    countFirst: true,
    send: (event, write) => {
      if (event.type === "access") write("access", event);
    },
  });
}
