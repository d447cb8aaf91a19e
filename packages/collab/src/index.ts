export { CollabServer, type CollabStats, type ConnectionPredicate } from "./collab-server";
export { CloseCodes, type CloseCode } from "./close-codes";
export {
  DEFAULT_LIMITS,
  DEFAULT_TIMING,
  type AwarenessUser,
  type CollabIdentity,
  type CollabLimits,
  type CollabLog,
  type CollabServerOptions,
  type CollabTiming,
  type DeriveHook,
  type PersistedHook,
} from "./options";
export type { CollabPersistence, CompactionResult, LogEntry, StoredDocument } from "./persistence";
export { PgPersistence, type PgPersistenceOptions } from "./pg-persistence";
export { MessageType, SyncType, awarenessFrame, syncStep1Frame, syncStep2Frame, updateFrame } from "./protocol";
export type { RoomStats } from "./room";
export {
  SAVED_MESSAGE_TYPE,
  decodeSavedMessage,
  encodeSavedMessage,
  isDocumentUpdateFrame,
  readSavedMessage,
  type SavedMessage,
} from "./saved-message";
