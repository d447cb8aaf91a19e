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
  /** An activity of the yearly overview: its title (the seed report's longest is 653 characters) and note. */
  activityTitleLength: 1000,
  activityNoteLength: 2000,
  /** Organisations one activity may name. */
  activityOrganisations: 30,
  /** The text a document comment is anchored to, and the text kept on either side to find it again. */
  commentQuoteLength: 2000,
  commentContextLength: 200,
  /** One WebSocket message (bytes): the socket refuses larger frames. */
  collabMessageBytes: 1024 * 1024,
  /** A document's encoded Yjs state (bytes). */
  collabDocumentBytes: 16 * 1024 * 1024,
  /**
   * Deepest nesting of a document's nodes (a quote in a list item in a list …): deeper updates are
   * refused where they are accepted, and every conversion stops there, so no walk can overflow the stack.
   */
  documentMaxDepth: 100,
  /** Most nodes a document may hold (paragraphs, list items, cells, card links …). */
  documentMaxNodes: 100_000,
  /**
   * The page shows a document's text before its editor has loaded (and to readers without
   * JavaScript) up to this many top-level blocks and characters; a larger document's page would
   * otherwise carry all of it twice (the HTML and the loader's data), 20 MB for a 10 MB document.
   */
  documentPreviewBlocks: 300,
  documentPreviewChars: 60_000,
  /** How long an invitation link stays valid. */
  invitationDays: 14,
  /**
   * Open `/collab` sockets (counted from the upgrade's arrival, so sockets still being authenticated
   * count too) and event streams: beyond a cap the upgrade or stream is answered 429. One person's
   * tabs stay far below the per-user caps; per address allows an office behind one NAT (settable:
   * `MAX_SOCKETS_PER_ADDRESS` and friends in server/config.ts).
   */
  collabSocketsPerUser: 32,
  collabSocketsPerAddress: 500,
  collabSocketsPerDocument: 300,
  /** Upgrades to `/collab` one address may start per `collabRateWindowMs` (a burst of this many, then this many a window), however fast its sockets end. */
  collabUpgradesPerAddress: 200,
  eventStreamsPerUser: 32,
  eventStreamsPerAddress: 500,
  /**
   * Presence changes one user may make per `collabRateWindowMs`, over all their sockets together
   * (each socket also has its own message rate); beyond it the socket is closed as rate limited.
   * A person typing or moving the caret in one tab makes up to about 30 a second.
   */
  collabPresencePerUser: 600,
  collabRateWindowMs: 10_000,
  /** Presence changes of a document are sent to its sockets together, at most once per this interval. */
  collabPresenceFanOutMs: 50,
  /** An upgrade not answered by then (a slow or stuck session or policy check) gets 503 and its socket destroyed. */
  upgradeDeadlineMs: 5_000,
  /**
   * Session and policy checks of `/collab` upgrades, and of event-stream requests, run this many at a
   * time (each kind), each client address in turn: a flood from one address waits behind itself
   * instead of taking every database connection and the event loop from everyone else.
   */
  connectionChecksAtOnce: 4,
  /** HTTP: all request headers within this (slow-header attacks), a whole request (headers and body) within that. */
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this (Node's default); behind a proxy, keep it above the proxy's idle timeout. */
  httpKeepAliveTimeoutMs: 5_000,
  /** API tokens (issue 14): a name's length, how many one user may hold, how many spaces one may name. */
  apiTokenNameLength: 80,
  apiTokensPerUser: 50,
  apiTokenSpaces: 100,
  /** Requests one API token may make per minute (429 past it, with RateLimit-* headers). */
  apiRequestsPerWindow: 600,
  /** Items per page of an API list (`?limit=`, at most the max). */
  apiPageSize: 50,
  apiPageSizeMax: 200,
  /** A document created from Markdown through the API (characters of Markdown). */
  markdownLength: 200_000,
  /** Webhooks (issue 14): a URL's length, a description's, how many one space may have. */
  webhookUrlLength: 2000,
  webhookDescriptionLength: 200,
  webhooksPerSpace: 20,
  /** A delivery's attempt: its timeout, and how many may be in flight per instance. */
  webhookTimeoutMs: 10_000,
  webhookConcurrency: 4,
  /** Waits before each retry of a delivery that failed (10 s … 6 h, about 9 h in all); past the last, it has failed. */
  webhookRetryDelaysMs: [10_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000],
} as const;
