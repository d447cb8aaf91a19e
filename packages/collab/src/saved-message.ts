import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * The "saved" message (type 100, server → client): how much of what this connection sent is durably
 * committed to PostgreSQL. No Node-only imports: the browser imports this module.
 *
 * Wire format (lib0 varUints): `[100][acknowledged][seq]`, then possibly more fields in later
 * versions, which older decoders ignore.
 * - `acknowledged`: how many document-changing frames (sync step 2 or update, see
 *   {@link isDocumentUpdateFrame}) this connection has sent that are committed (or needed no write).
 * - `seq`: the highest update-log sequence number contained in the server's copy of the document.
 */
export interface SavedMessage {
  acknowledged: number;
  seq: number;
}

/** The message type of a saved frame (equals `MessageType.Saved`). */
export const SAVED_MESSAGE_TYPE = 100;

/** Encodes a whole saved frame, type included. */
export function encodeSavedMessage(message: SavedMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SAVED_MESSAGE_TYPE);
  encoding.writeVarUint(encoder, message.acknowledged);
  encoding.writeVarUint(encoder, message.seq);
  return encoding.toUint8Array(encoder);
}

/**
 * Reads the body of a saved frame whose type was already read: the shape y-websocket's
 * `provider.messageHandlers[100] = (encoder, decoder) => …` receives.
 */
export function readSavedMessage(decoder: decoding.Decoder): SavedMessage {
  const acknowledged = decoding.readVarUint(decoder);
  const seq = decoding.readVarUint(decoder);
  return { acknowledged, seq };
}

/** Decodes a whole saved frame; throws when it is not one. */
export function decodeSavedMessage(frame: Uint8Array): SavedMessage {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== SAVED_MESSAGE_TYPE) throw new Error("not a saved message");
  return readSavedMessage(decoder);
}

/**
 * Whether an outgoing client frame is one the server acknowledges (sync step 2 or update), so a client
 * can count what it sent and compare with `acknowledged`.
 */
export function isDocumentUpdateFrame(frame: ArrayBufferLike | ArrayBufferView | string): boolean {
  if (typeof frame === "string") return false;
  const bytes = ArrayBuffer.isView(frame)
    ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
    : new Uint8Array(frame);
  return bytes.length >= 2 && bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2);
}
