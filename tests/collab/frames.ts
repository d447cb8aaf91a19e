import * as encoding from "lib0/encoding";
import * as Y from "yjs";

/** Hand-made client frames, for raw sockets. */

/** The update that inserts `text` at the start of a fresh document's "body". */
export function insertUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("body").insert(0, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** `[0, syncType, payload]` (0 = step 1, 1 = step 2, 2 = update). */
export function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** `[1, awarenessUpdate]` with the given entries (state as JSON text, to allow bad JSON). */
export function awarenessFrameOf(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(inner, e.clientId);
    encoding.writeVarUint(inner, e.clock);
    encoding.writeVarString(inner, e.json);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

/** `[3]`: asks for everyone's presence. */
export const QUERY_AWARENESS = Uint8Array.of(3);
