export { CollabServer, type CollabStats, type ConnectionAccess, type ConnectionPredicate } from "./collab-server";
export {
  ACCESS_LOST_CLOSE_REASONS,
  ACCESS_MESSAGE_TYPE,
  encodeAccessMessage,
  readAccessMessage,
  type AccessLostReason,
  type AccessMessage,
  type ReadOnlyReason,
} from "./access-message";
export { CloseCodes, type CloseCode } from "./close-codes";
export { EXTRA_MESSAGES_PARAM, extraMessagesParams, readExtraMessages, type ExtraMessage } from "./extra-messages";
export {
  DEFAULT_LIMITS,
  DEFAULT_TIMING,
  type AwarenessHook,
  type AwarenessUser,
  type CollabIdentity,
  type CollabLimits,
  type CollabLog,
  type CollabServerOptions,
  type CollabTiming,
  type DeriveHook,
  type LoadedHook,
  type PersistedHook,
  type QuietHook,
} from "./options";
export { WriteRefused, type CollabPersistence, type CompactionResult, type LogEntry, type StoredDocument } from "./persistence";
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
