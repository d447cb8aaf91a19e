/**
 * Our messages beyond the y-websocket protocol — "saved" (type 100, saved-message.ts) and "access"
 * (type 101, access-message.ts) — go only to clients that ask for them, so the stock client, which
 * logs "Unable to compute message" for every type it does not know, sees only the standard protocol.
 * A client asks with a query parameter on its WebSocket URL, `?messages=saved,access` (y-websocket's
 * `params` option), which passes unchanged through proxies and the upgrade. No Node-only imports:
 * the browser imports this module.
 */
export type ExtraMessage = "saved" | "access";

/** The query parameter that names the extra messages a client wants, comma-separated. */
export const EXTRA_MESSAGES_PARAM = "messages";

const KNOWN: readonly ExtraMessage[] = ["saved", "access"];

/** The query parameters asking for `wanted` (default: all of them), for y-websocket's `params` option. */
export function extraMessagesParams(wanted: readonly ExtraMessage[] = KNOWN): Record<string, string> {
  return { [EXTRA_MESSAGES_PARAM]: wanted.join(",") };
}

/** The extra messages a WebSocket URL's query asks for; unknown names are ignored. */
export function readExtraMessages(search: URLSearchParams): Set<ExtraMessage> {
  const names = (search.get(EXTRA_MESSAGES_PARAM) ?? "").split(",");
  return new Set(KNOWN.filter((known) => names.includes(known)));
}
