import * as decoding from "lib0/decoding";
import { MessageType, SyncType } from "./protocol";

/** A client frame, decoded and checked for shape (not yet for meaning). */
export type ClientMessage =
  | { kind: "syncStep1"; stateVector: Uint8Array }
  | { kind: "update"; update: Uint8Array; step2: boolean }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "queryAwareness" };

/**
 * Decodes one frame a client sent. Throws on anything the stock client never sends: unknown or
 * server-only types, truncation, or trailing bytes. Payloads are copied so nothing keeps the frame alive.
 */
export function readClientFrame(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  let message: ClientMessage;
  if (type === MessageType.Sync) {
    const syncType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder).slice();
    if (syncType === SyncType.Step1) message = { kind: "syncStep1", stateVector: payload };
    else if (syncType === SyncType.Step2 || syncType === SyncType.Update) message = { kind: "update", update: payload, step2: syncType === SyncType.Step2 };
    else throw new Error(`unknown sync message type ${syncType}`);
  } else if (type === MessageType.Awareness) {
    message = { kind: "awareness", update: decoding.readVarUint8Array(decoder).slice() };
  } else if (type === MessageType.QueryAwareness) {
    message = { kind: "queryAwareness" };
  } else {
    throw new Error(`unknown message type ${type}`);
  }
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes");
  return message;
}
