import type * as Y from "yjs";
import type { ReadOnlyReason } from "./access-message";
import type { CollabPersistence } from "./persistence";

/** Who is on a connection: established by the caller's authenticated, authorised upgrade. */
export interface CollabIdentity {
  userId: string;
  name: string;
  tenantName: string;
  color: string;
  /** Viewers, commenters, archived or signed documents: updates are dropped, presence flows. */
  readOnly: boolean;
  /** Why it is read-only, told to the client in the access message (`access-message.ts`). */
  readOnlyReason?: ReadOnlyReason;
  spaceId: string;
  /** Opaque to this package: lets the caller find the sockets of a session (e.g. to close them at log-out). */
  sessionId?: string;
}

/** What every awareness state's `user` field is overwritten with, so nobody can pose as someone else. */
export interface AwarenessUser {
  userId: string;
  name: string;
  tenantName: string;
  color: string;
}

/** The subset of a pino logger used here (a pino `Logger` fits). */
export interface CollabLog {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** Defences and sizes. Every field has a default (`DEFAULT_LIMITS`). */
export interface CollabLimits {
  /** Largest frame accepted; create the WebSocketServer with `maxPayload` equal to this. */
  maxMessageBytes: number;
  /** An update that would grow the encoded document above this closes its connection. */
  maxDocumentBytes: number;
  /** Largest JSON of one client's awareness state. */
  maxAwarenessStateBytes: number;
  /** Awareness client ids one connection may control (one per Y.Doc on the client). */
  maxAwarenessClients: number;
  /** Token bucket: messages per `rateWindowMs` (awareness echoes that change nothing are free). */
  rateMessages: number;
  /** Token bucket: bytes per `rateWindowMs`, counting every frame. */
  rateBytes: number;
  rateWindowMs: number;
  /** Token bucket shared by all connections of one user: presence changes per `rateWindowMs`. */
  presencePerUser: number;
  /** Presence changes of a room are sent together, at most once per this interval, so fan-out grows with connections, not their square. */
  presenceFanOutMs: number;
  /** Frames a connection may send while its document loads, and their total size. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  /** Unsent bytes buffered for a slow client before it is closed. */
  maxBufferedBytes: number;
  /** Log rows after which the log is folded into the snapshot. */
  compactAfterUpdates: number;
  /** Deepest nesting of shared types (nodes) below a root; deeper content is refused. */
  maxContentDepth: number;
  /** Most shared types (nodes) a document may hold (estimated like its size). */
  maxContentNodes: number;
  /** Budget of Yjs conflict-resolution steps one update may cause (`update-check.ts`). */
  maxIntegrationSteps: number;
  /** Root type names updates may use (e.g. Tiptap's one fragment); undefined: any. */
  allowedRoots?: readonly string[];
}

/** Delays. Every field has a default (`DEFAULT_TIMING`). */
export interface CollabTiming {
  /** How long an unused document stays loaded after its last client left. */
  unloadGraceMs: number;
  /** `onDerive` runs this long after the last change… */
  deriveDebounceMs: number;
  /** …but at least this often while changes keep coming. */
  deriveMaxWaitMs: number;
  /** Ping interval; a connection that did not answer the previous ping is dropped. */
  heartbeatMs: number;
  /** `onQuiet` runs this long after the last change stored by this instance (and when the document unloads). */
  quietMs: number;
}

/** Defaults of {@link CollabLimits}. */
export const DEFAULT_LIMITS: CollabLimits = {
  maxMessageBytes: 1024 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
  maxAwarenessStateBytes: 16 * 1024,
  maxAwarenessClients: 4,
  rateMessages: 300,
  rateBytes: 32 * 1024 * 1024,
  rateWindowMs: 10_000,
  presencePerUser: 600,
  presenceFanOutMs: 50,
  maxQueuedMessages: 100,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  compactAfterUpdates: 300,
  maxContentDepth: 100,
  maxContentNodes: 200_000,
  maxIntegrationSteps: 200_000,
};

/** Defaults of {@link CollabTiming}. */
export const DEFAULT_TIMING: CollabTiming = {
  unloadGraceMs: 10_000,
  deriveDebounceMs: 2_000,
  deriveMaxWaitMs: 10_000,
  heartbeatMs: 30_000,
  quietMs: 5 * 60_000,
};

/** Recomputes derived data (title, plain text, outline) from a document; errors are logged. */
export type DeriveHook = (documentId: string, doc: Y.Doc) => void | Promise<void>;

/**
 * A document has been quiet for `quietMs` after changes stored by this instance (or is unloading with
 * such changes): e.g. to keep a version. `editors` made those changes. Errors are logged.
 */
export type QuietHook = (documentId: string, doc: Y.Doc, changes: { editors: string[] }) => void | Promise<void>;

/**
 * Told the highest sequence number of each committed batch (e.g. to NOTIFY other instances), and the
 * batch's lowest: a reader that already read a higher seq may still lack these rows (they drew their
 * seqs before a commit that finished first).
 */
export type PersistedHook = (documentId: string, seq: number, fromSeq: number) => void;

/**
 * Told the awareness changes made on this instance (its clients' states, and their removal when they
 * leave), at most once per `presenceFanOutMs` per document, as one encoded awareness update (e.g. to
 * NOTIFY other instances, which `applyRemoteAwareness` it). Changes applied from remote are not told.
 */
export type AwarenessHook = (documentId: string, update: Uint8Array) => void;

/**
 * A document was loaded on this instance (e.g. to ask other instances for their presence in it), with
 * its doc as loaded, to read (a change goes through `applyServerUpdate`).
 */
export type LoadedHook = (documentId: string, doc: Y.Doc) => void;

/** Options of {@link CollabServer}. */
export interface CollabServerOptions {
  persistence: CollabPersistence;
  log: CollabLog;
  limits?: Partial<CollabLimits>;
  timing?: Partial<CollabTiming>;
  onDerive?: DeriveHook;
  onPersisted?: PersistedHook;
  onAwareness?: AwarenessHook;
  onLoaded?: LoadedHook;
  onQuiet?: QuietHook;
  /**
   * Presence colours: a user whose colour another user in the same document already shows gets the
   * first of these nobody there has, for as long as they are connected (two carets never share one).
   */
  presenceColors?: readonly string[];
}
