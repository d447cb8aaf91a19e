/** Every size limit in one place: zod schemas, form `maxLength` and server checks read these. */
export const LIMITS = {
  nameLength: 120,
  emailLength: 254,
  passwordMin: 8,
  passwordMax: 256,
  tenantNameLength: 160,
  slugLength: 64,
  descriptionLength: 2000,
  spaceTitleLength: 160,
  searchLength: 100,
  documentTitleLength: 200,
  boardTitleLength: 120,
  columnTitleLength: 60,
  cardTitleLength: 300,
  commentLength: 4000,
  /** One WebSocket message (bytes): the socket refuses larger frames. */
  collabMessageBytes: 1024 * 1024,
  /** A document's encoded Yjs state (bytes). */
  collabDocumentBytes: 16 * 1024 * 1024,
  /** How long an invitation link stays valid. */
  invitationDays: 14,
} as const;
