import { ACCESS_LOST_CLOSE_REASONS } from "./access-message";

/** A WebSocket close code with the reason sent alongside it. */
export interface CloseCode {
  readonly code: number;
  readonly reason: string;
}

/**
 * Every close the collab server (or its caller) makes. y-websocket's client stops reconnecting on
 * 4400–4499 (a decision a retry cannot change) and retries on anything else, so "try again later"
 * cases use 45xx or standard codes.
 */
export const CloseCodes = {
  /** Malformed, truncated, text or unknown-type frame; or a document id that is not a uuid. */
  Malformed: { code: 4400, reason: "malformed message" },
  /** For the caller's upgrade handler: not signed in. */
  Unauthorized: { code: 4401, reason: "unauthorized" },
  /** For the caller's upgrade handler: no access to this document. */
  Forbidden: { code: 4403, reason: "forbidden" },
  /** Default of `closeWhere`: access was withdrawn while connected. Same code as Forbidden. */
  Revoked: { code: 4403, reason: ACCESS_LOST_CLOSE_REASONS.revoked },
  /** The user's organisation no longer takes part in the document's space (partner removed or left). */
  PartnerRemoved: { code: 4403, reason: ACCESS_LOST_CLOSE_REASONS.partnerRemoved },
  /** The session the socket was opened with ended (log-out, password change, lifetime): log in again. */
  SessionEnded: { code: 4401, reason: ACCESS_LOST_CLOSE_REASONS.sessionEnded },
  /** An update would grow the document beyond `limits.maxDocumentBytes`; a retry would resend it. */
  DocumentTooLarge: { code: 4413, reason: "document too large" },
  /**
   * An update refers to content the server does not have (it would stay pending in Yjs for good). Not
   * between the client's sync step 1 and its step 2 answering ours: such an update is dropped, as the
   * step 2 brings what it builds on (a reconnecting client typing on; up to `maxQueuedMessages` of them).
   */
  MissingDependencies: { code: 4409, reason: "update depends on missing content" },
  /** An update nests too deep, creates too many nodes, uses a foreign root or would make Yjs's conflict resolution too slow. */
  ContentLimit: { code: 4422, reason: "update exceeds the content limits" },
  /** A frame above `limits.maxMessageBytes`, or an awareness state above its limit. ws itself closes with 1009 when `maxPayload` is exceeded. */
  MessageTooBig: { code: 1009, reason: "message too big" },
  /** More messages or bytes than the per-connection token buckets allow. */
  RateLimited: { code: 4529, reason: "rate limited" },
  /** Too much sent before the document loaded, or too much unsent data buffered for a slow client. */
  Overloaded: { code: 4503, reason: "overloaded" },
  /** The document could not be loaded or an update could not be stored; nothing of it was acknowledged. */
  Unavailable: { code: 4500, reason: "document unavailable" },
  /** The server is shutting down (after flushing); reconnect elsewhere or later. */
  ShuttingDown: { code: 1001, reason: "server shutting down" },
  /** No pong to a ping within a heartbeat interval. */
  Timeout: { code: 4508, reason: "connection timed out" },
} as const satisfies Record<string, CloseCode>;
