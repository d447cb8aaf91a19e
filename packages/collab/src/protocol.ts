import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";

/**
 * The first varUint of every frame. 0–3 are y-websocket's own; 100 and 101 are ours (server → client only).
 * This module has no Node-only imports, so the browser may use it too.
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  /** y-websocket's permission-denied message; never sent by a client, so refused from one. */
  Auth: 2,
  QueryAwareness: 3,
  /** See saved-message.ts. */
  Saved: 100,
  /** See access-message.ts. */
  Access: 101,
} as const;

/** The second varUint of a sync frame (y-protocols/sync). */
export const SyncType = {
  Step1: syncProtocol.messageYjsSyncStep1,
  Step2: syncProtocol.messageYjsSyncStep2,
  Update: syncProtocol.messageYjsUpdate,
} as const;

/** `[0, 0, stateVector]`: asks the peer for what this document lacks. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** `[0, 1, update]`: everything of `doc` missing from `stateVector` (all of it when absent). */
export function syncStep2Frame(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** `[0, 1, update]` of an update encoded already (a whole document's state). */
export function syncStep2FrameOf(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, SyncType.Step2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** `[0, 2, update]`: one incremental document update. */
export function updateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** `[1, awarenessUpdate]`: presence (cursors, names) of some clients. */
export function awarenessFrame(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}
