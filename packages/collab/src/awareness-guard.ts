import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { AwarenessUser } from "./options";

/** Thrown for an awareness state above the size limit, so the caller can close with MessageTooBig. */
export const AWARENESS_STATE_TOO_BIG = "awareness state too big";

const utf8 = new TextDecoder();

/**
 * Rewrites an awareness update a client sent: drops entries for client ids `accept` refuses (ids that
 * belong to another connection, or too many new ids) and sets `user` of every remaining state to the
 * server-known identity. Returns null when no entry is left. Throws on malformed input, on a state
 * that is neither null nor an object, and on a state above `maxStateBytes`.
 */
export function guardAwarenessUpdate(
  update: Uint8Array,
  user: AwarenessUser,
  accept: (clientId: number) => boolean,
  maxStateBytes: number,
): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; json: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const bytes = decoding.readVarUint8Array(decoder);
    if (bytes.length > maxStateBytes) throw new Error(AWARENESS_STATE_TOO_BIG);
    // Echoes of other connections' states are common (the stock client re-sends every change it applies): skip them unparsed.
    if (!accept(clientId)) continue;
    const state: unknown = JSON.parse(utf8.decode(bytes));
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new Error("awareness state is not an object");
    const json = state === null ? "null" : JSON.stringify({ ...state, user });
    kept.push({ clientId, clock, json });
  }
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes in awareness update");
  if (kept.length === 0) return null;
  encoding.writeVarUint(encoder, kept.length);
  for (const entry of kept) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}
