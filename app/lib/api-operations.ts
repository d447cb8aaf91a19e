import { z } from "zod";
import {
  activitySchema,
  cardSchema,
  commentSchema,
  createDocumentSchema,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  LIMITS,
  LOCALES,
  OVERVIEW_KINDS,
  SEARCH_KINDS,
  SPACE_COLORS,
} from "@twinning/domain";

/**
 * Every operation of `/api/v1`: its path, the zod schemas that validate its parameters, query and
 * body, and the schema of what it answers. The routes validate with these (app/lib/api.server.ts) and
 * the OpenAPI document is generated from them (app/lib/api-spec.ts), so the two cannot drift.
 */

const id = z.string().meta({ format: "uuid", description: "An id (a malformed one is a 404, as an unknown one)." });
const when = z.string().meta({ format: "date-time" });
const day = z.string().meta({ format: "date", example: "2017-05-31" });

const page = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.apiPageSizeMax)
    .optional()
    .meta({ description: `Items per page (default ${LIMITS.apiPageSize}).` }),
  cursor: z.string().max(200).optional().meta({ description: "`nextCursor` of the previous page." }),
});
const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({ items: z.array(item), nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last." }) })
    .meta({ id: name });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: "In the language of the request's Accept-Language." }),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), detail: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)." });

export const Space = z
  .object({
    id,
    title: z.string(),
    purpose: z.string().nullable(),
    color: z.enum(SPACE_COLORS),
    hostTenantId: id,
    hostName: z.string(),
    archived: z.boolean(),
    createdAt: when,
  })
  .meta({ id: "Space" });

export const DocumentMeta = z
  .object({
    id,
    spaceId: id,
    title: z.string(),
    type: z.enum(DOCUMENT_TYPES),
    language: z.enum(LOCALES),
    status: z.enum(DOCUMENT_STATUSES),
    archived: z.boolean(),
    createdAt: when,
    lastEditedAt: when.nullable(),
  })
  .meta({ id: "Document" });

const formats = ["prosemirror", "markdown", "text"] as const;
export const DocumentContent = z
  .object({
    documentId: id,
    versionId: id.nullable(),
    format: z.enum(formats),
    content: z
      .union([z.string(), z.looseObject({ type: z.literal("doc") })])
      .meta({ description: "ProseMirror JSON (an object), or Markdown or plain text (a string)." }),
  })
  .meta({ id: "DocumentContent" });

export const Version = z
  .object({ id, name: z.string().nullable(), kind: z.enum(["named", "auto"]), contentHash: z.string(), createdByName: z.string().nullable(), createdAt: when })
  .meta({ id: "Version" });

export const Column = z.object({ id, title: z.string(), kind: z.string() }).meta({ id: "Column" });
export const Board = z.object({ id, spaceId: id, title: z.string(), areas: z.array(z.string()), createdAt: when }).meta({ id: "Board" });
export const BoardWithColumns = Board.extend({ columns: z.array(Column) }).meta({ id: "BoardWithColumns" });

export const Card = z
  .object({
    id,
    boardId: id,
    columnId: id,
    position: z.string().meta({ description: "Fractional index: cards of a column sort by it." }),
    title: z.string(),
    description: z.string(),
    leadTenantId: id.nullable(),
    leadTenantName: z.string().nullable(),
    startDate: day.nullable(),
    dueDate: day.nullable(),
    area: z.string().nullable(),
    assignees: z.array(z.object({ userId: z.string(), name: z.string() })),
    checklistDone: z.number().int(),
    checklistTotal: z.number().int(),
    updatedAt: when,
  })
  .meta({ id: "Card" });

export const Comment = z.object({ id, authorName: z.string().nullable(), body: z.string(), createdAt: when }).meta({ id: "Comment" });

export const Activity = z
  .object({
    id,
    kind: z.enum(OVERVIEW_KINDS),
    title: z.string(),
    start: day,
    startPrecision: z.enum(["day", "month"]),
    end: day.nullable(),
    endPrecision: z.enum(["day", "month"]).nullable(),
    area: z.string(),
    organisations: z.array(z.object({ id, name: z.string() })),
    note: z.string().nullable(),
  })
  .meta({ id: "Activity", description: "An activity of the space's overview; cards with dates are listed as kind `card`." });

export const SearchHit = z
  .object({
    kind: z.enum(SEARCH_KINDS),
    title: z.string(),
    space: z.string().nullable(),
    snippet: z.string().nullable(),
    href: z.string(),
    at: when.nullable(),
  })
  .meta({ id: "SearchHit" });

/** Card fields as the app's forms validate them (the same rules and messages), as JSON. */
const cardFields = cardSchema.safeExtend({
  leadTenantId: id.optional(),
  assignees: z.array(z.string().min(1)).max(50).optional().default([]).meta({ description: "User ids of people taking part in the space." }),
});
export const CardCreate = cardFields
  .safeExtend({ columnId: id.optional().meta({ description: "Default: the board's first column." }) })
  .meta({ id: "CardCreate" });
export const CardUpdate = cardFields.meta({ id: "CardUpdate", description: "The card's fields as they should be (omitted optional fields are cleared)." });
export const CardMove = z
  .object({ columnId: id, afterId: id.optional().meta({ description: "The card it should follow in that column; omitted: first." }) })
  .meta({ id: "CardMove" });
export const DocumentCreate = createDocumentSchema
  .omit({ template: true })
  .extend({
    type: createDocumentSchema.shape.type.optional().default("note"),
    markdown: z
      .string({ error: "required" })
      .max(LIMITS.markdownLength, { error: `tooLongMax|${JSON.stringify({ max: LIMITS.markdownLength })}` })
      .meta({ description: "The text as Markdown (CommonMark with GitHub's tables and task lists). HTML in it stays text; only web, mail and site links stay links." }),
  })
  .meta({ id: "DocumentCreate" });
export const CommentCreate = commentSchema.meta({ id: "CommentCreate" });
/** The overview form's fields and rules: start and end as `2014-03-16` or a month `2014-03`; organisations as short names, comma-separated. */
export const ActivityCreate = activitySchema.meta({ id: "ActivityCreate" });

const spaceParams = z.object({ spaceId: id });
const documentParams = spaceParams.extend({ documentId: id });
const boardParams = spaceParams.extend({ boardId: id });
const cardParams = boardParams.extend({ cardId: id });

export interface Operation {
  operationId: string;
  method: "get" | "post" | "patch";
  /** OpenAPI path template under /api/v1. */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201;
  response: z.ZodType;
  /** Paginated lists answer with `items` and `nextCursor`. */
  paginated?: boolean;
}

const op = <const O extends Operation>(o: O) => o;

export const OPERATIONS = {
  listSpaces: op({
    operationId: "listSpaces",
    method: "get",
    path: "/spaces",
    tag: "Spaces",
    summary: "The spaces the token reaches",
    query: page,
    status: 200,
    response: listOf(Space, "SpaceList"),
    paginated: true,
  }),
  getSpace: op({
    operationId: "getSpace",
    method: "get",
    path: "/spaces/{spaceId}",
    tag: "Spaces",
    summary: "One space",
    params: spaceParams,
    status: 200,
    response: Space,
  }),
  listDocuments: op({
    operationId: "listDocuments",
    method: "get",
    path: "/spaces/{spaceId}/documents",
    tag: "Documents",
    summary: "The space's documents, newest edit first",
    params: spaceParams,
    query: page,
    status: 200,
    response: listOf(DocumentMeta, "DocumentList"),
    paginated: true,
  }),
  createDocument: op({
    operationId: "createDocument",
    method: "post",
    path: "/spaces/{spaceId}/documents",
    tag: "Documents",
    summary: "Create a document from Markdown (editors)",
    params: spaceParams,
    body: DocumentCreate,
    status: 201,
    response: DocumentMeta,
  }),
  getDocument: op({
    operationId: "getDocument",
    method: "get",
    path: "/spaces/{spaceId}/documents/{documentId}",
    tag: "Documents",
    summary: "A document's metadata",
    params: documentParams,
    status: 200,
    response: DocumentMeta,
  }),
  getDocumentContent: op({
    operationId: "getDocumentContent",
    method: "get",
    path: "/spaces/{spaceId}/documents/{documentId}/content",
    tag: "Documents",
    summary: "A document's text: ProseMirror JSON, Markdown or plain text; the current text or a saved version",
    params: documentParams,
    query: z.object({
      format: z.enum(formats).optional().default("prosemirror"),
      version: id.optional().meta({ description: "A version id (see listVersions)." }),
    }),
    status: 200,
    response: DocumentContent,
  }),
  listVersions: op({
    operationId: "listVersions",
    method: "get",
    path: "/spaces/{spaceId}/documents/{documentId}/versions",
    tag: "Documents",
    summary: "A document's saved versions, newest first",
    params: documentParams,
    query: page,
    status: 200,
    response: listOf(Version, "VersionList"),
    paginated: true,
  }),
  listBoards: op({
    operationId: "listBoards",
    method: "get",
    path: "/spaces/{spaceId}/boards",
    tag: "Boards",
    summary: "The space's boards",
    params: spaceParams,
    query: page,
    status: 200,
    response: listOf(Board, "BoardList"),
    paginated: true,
  }),
  getBoard: op({
    operationId: "getBoard",
    method: "get",
    path: "/spaces/{spaceId}/boards/{boardId}",
    tag: "Boards",
    summary: "A board and its columns, in order",
    params: boardParams,
    status: 200,
    response: BoardWithColumns,
  }),
  listCards: op({
    operationId: "listCards",
    method: "get",
    path: "/spaces/{spaceId}/boards/{boardId}/cards",
    tag: "Cards",
    summary: "The board's cards, column by column in order",
    params: boardParams,
    query: page,
    status: 200,
    response: listOf(Card, "CardList"),
    paginated: true,
  }),
  createCard: op({
    operationId: "createCard",
    method: "post",
    path: "/spaces/{spaceId}/boards/{boardId}/cards",
    tag: "Cards",
    summary: "Create a card",
    params: boardParams,
    body: CardCreate,
    status: 201,
    response: Card,
  }),
  getCard: op({
    operationId: "getCard",
    method: "get",
    path: "/spaces/{spaceId}/boards/{boardId}/cards/{cardId}",
    tag: "Cards",
    summary: "One card",
    params: cardParams,
    status: 200,
    response: Card,
  }),
  updateCard: op({
    operationId: "updateCard",
    method: "patch",
    path: "/spaces/{spaceId}/boards/{boardId}/cards/{cardId}",
    tag: "Cards",
    summary: "Change a card",
    params: cardParams,
    body: CardUpdate,
    status: 200,
    response: Card,
  }),
  moveCard: op({
    operationId: "moveCard",
    method: "post",
    path: "/spaces/{spaceId}/boards/{boardId}/cards/{cardId}/move",
    tag: "Cards",
    summary: "Move a card to a column, after a card",
    params: cardParams,
    body: CardMove,
    status: 200,
    response: Card,
  }),
  listComments: op({
    operationId: "listComments",
    method: "get",
    path: "/spaces/{spaceId}/boards/{boardId}/cards/{cardId}/comments",
    tag: "Cards",
    summary: "A card's comments, oldest first",
    params: cardParams,
    query: page,
    status: 200,
    response: listOf(Comment, "CommentList"),
    paginated: true,
  }),
  addComment: op({
    operationId: "addComment",
    method: "post",
    path: "/spaces/{spaceId}/boards/{boardId}/cards/{cardId}/comments",
    tag: "Cards",
    summary: "Comment on a card",
    params: cardParams,
    body: CommentCreate,
    status: 201,
    response: Comment,
  }),
  listActivities: op({
    operationId: "listActivities",
    method: "get",
    path: "/spaces/{spaceId}/activities",
    tag: "Activities",
    summary: "The space's activity overview of a year (activities and dated cards), by start",
    params: spaceParams,
    query: page.extend({ year: z.coerce.number().int().min(1900).max(2200).meta({ description: "The overview's year." }) }),
    status: 200,
    response: listOf(Activity, "ActivityList"),
    paginated: true,
  }),
  addActivity: op({
    operationId: "addActivity",
    method: "post",
    path: "/spaces/{spaceId}/activities",
    tag: "Activities",
    summary: "Add an activity to the space's overview (editors)",
    params: spaceParams,
    body: ActivityCreate,
    status: 201,
    response: Activity,
  }),
  search: op({
    operationId: "search",
    method: "get",
    path: "/search",
    tag: "Search",
    summary: "Search what the token reaches: documents, cards, comments, spaces",
    query: z.object({ q: z.string().min(1).max(LIMITS.searchLength), space: id.optional(), limit: page.shape.limit }),
    status: 200,
    response: z.object({ items: z.array(SearchHit) }).meta({ id: "SearchResults" }),
  }),
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;
