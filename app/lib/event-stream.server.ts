import type { AppLoadContext } from "@remix-run/node";
import type { SessionUser } from "@twinning/auth";
import { inboxCount } from "@twinning/db";

const HEARTBEAT_MS = 25_000;

type HubEvent = Parameters<Parameters<AppLoadContext["events"]["subscribe"]>[0]["send"]>[0];

/** Notifications of one step arrive together (one per party): the count is read once for them. */
const COUNT_DEBOUNCE_MS = 50;

/**
 * A server-sent event stream on the event hub, for a user already authorised for what it carries (a
 * space's events, or — `spaceId` null — only their own inbox count): subscribed before the response
 * exists, so a user or address with as many streams open as allowed is still answered 429; a
 * heartbeat keeps it open; it ends when the browser leaves or the hub ends it (access changed, an
 * `access` event says why). Every stream sends the user's inbox count (`inbox`, `{ count }`, read as
 * the user) when something arrives in their inbox or is read — the header shows it from whichever
 * stream its page holds — and `countFirst` streams also right after `ready`. `send` writes the other
 * hub events (with `write(name, data)`).
 */
export function eventStream(
  context: AppLoadContext,
  options: {
    user: SessionUser;
    spaceId: string | null;
    send: (event: HubEvent, write: (name: string, data: unknown) => void) => void;
    countFirst?: boolean;
  },
): Response {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let open = true;
  const raw = (text: string) => {
    if (open) controller?.enqueue(encoder.encode(text));
  };
  const write = (name: string, data: unknown) => raw(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  let counting: NodeJS.Timeout | undefined;
  const sendCount = async () => {
    try {
      write("inbox", { type: "inbox", count: await context.tx((tx) => inboxCount(tx, options.user.id)) });
    } catch (error) {
      context.log.warn({ err: error }, "event stream: could not read the inbox count");
    }
  };
  const heartbeat = setInterval(() => raw(": keep-alive\n\n"), HEARTBEAT_MS);
  const stop = () => {
    open = false;
    clearInterval(heartbeat);
    clearTimeout(counting);
  };
  const end = () => {
    if (!open) return;
    stop();
    context.responseClosed.removeEventListener("abort", end);
    unsubscribe?.();
    controller?.close();
  };
  const unsubscribe = context.events.subscribe({
    user: options.user,
    sessionId: context.sessionId,
    spaceId: options.spaceId,
    address: context.address,
    send: (event) => {
      if (event.type !== "inbox") return options.send(event, write);
      clearTimeout(counting);
      counting = setTimeout(() => void sendCount(), COUNT_DEBOUNCE_MS);
    },
    close: () => end(),
  });
  if (!unsubscribe) {
    stop();
    return tooManyStreams();
  }
  // Ends when the response closes — not on `request.signal`, whose abort a garbage collection while
  // the stream is open can cut off (server/app.ts), leaving the slot taken for good.
  context.responseClosed.addEventListener("abort", end);
  // Gone before the listener was added (the client left while the loader was checking access, or before it ran): no abort event comes.
  if (context.responseClosed.aborted) end();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Ended already (the client left during the access check): nothing to send, the body ends at once.
      if (!open) return c.close();
      raw(`retry: 3000\nevent: ready\ndata: {}\n\n`);
      // What arrived between the page's load and the stream's start.
      if (options.countFirst) void sendCount();
    },
    // Cancelled, the stream is closed already: only the rest of the end.
    cancel: () => {
      controller = undefined;
      end();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no" },
  });
}

/** A user or address holding as many streams as allowed (the hub logged it). */
export function tooManyStreams(): Response {
  return new Response("Too many open event streams", { status: 429, headers: { "Retry-After": "30", "Content-Type": "text/plain; charset=utf-8" } });
}
