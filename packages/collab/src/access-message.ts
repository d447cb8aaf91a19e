import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * The "access" message (type 101, server → client): whether this connection may change the document,
 * and why not. Sent when a connection starts read-only and whenever its access changes while it is
 * open, so an editor can turn read-only in place and say why. No Node-only imports: the browser
 * imports this module.
 *
 * Wire format (lib0): `[101][readOnly varUint 0|1][reason varString]`, then possibly more fields in
 * later versions, which older decoders ignore. `reason` is one of {@link ReadOnlyReason} or empty.
 */
export interface AccessMessage {
  readOnly: boolean;
  reason: ReadOnlyReason | "";
}

/** Why a connection is read-only: the user's role, or the document (or its space) is closed for changes. */
export type ReadOnlyReason = "role" | "signed" | "archived" | "spaceArchived";

/** The message type of an access frame (equals `MessageType.Access`). */
export const ACCESS_MESSAGE_TYPE = 101;

/** Encodes a whole access frame, type included. */
export function encodeAccessMessage(message: AccessMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, ACCESS_MESSAGE_TYPE);
  encoding.writeVarUint(encoder, message.readOnly ? 1 : 0);
  encoding.writeVarString(encoder, message.reason);
  return encoding.toUint8Array(encoder);
}

/** Reads the body of an access frame whose type was already read (as `provider.messageHandlers[101]` gets it). */
export function readAccessMessage(decoder: decoding.Decoder): AccessMessage {
  const readOnly = decoding.readVarUint(decoder) === 1;
  const reason = decoding.readVarString(decoder);
  return { readOnly, reason: isReadOnlyReason(reason) ? reason : "" };
}

function isReadOnlyReason(value: string): value is ReadOnlyReason {
  return value === "role" || value === "signed" || value === "archived" || value === "spaceArchived";
}

/**
 * Why a connection (or a space's event stream) was ended for good by an access change: the user's
 * organisation no longer takes part in the space, the user lost access otherwise (removed, unchosen),
 * or the session ended (log-out, password change, lifetime).
 */
export type AccessLostReason = "partnerRemoved" | "revoked" | "sessionEnded";

/** The close reasons `CloseCodes.PartnerRemoved`, `Revoked` and `SessionEnded` send, by `AccessLostReason`. */
export const ACCESS_LOST_CLOSE_REASONS: Record<AccessLostReason, string> = {
  partnerRemoved: "partner removed",
  revoked: "access revoked",
  sessionEnded: "session ended",
};
