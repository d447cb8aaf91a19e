import type { LoaderFunctionArgs } from "@remix-run/node";
import { authorizeSpace, requireUser } from "~/lib/access.server";

const HEARTBEAT_MS = 25_000;

/**
 * The space's event stream (server-sent events): board changes as they commit, for the boards and
 * documents open in the browser. Authorised like every route; closed when the user loses access.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const { space } = await context.tx((tx) => authorizeSpace(tx, user, params.spaceId, "space.view"));
  const encoder = new TextEncoder();
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      const unsubscribe = context.events.subscribe({
        user,
        spaceId: space.id,
        send: (event) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
        close: () => end(),
      });
      end = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        controller.close();
      };
      request.signal.addEventListener("abort", () => end());
      write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    },
    cancel: () => end(),
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no" },
  });
}
