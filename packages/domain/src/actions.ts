import { z } from "zod";
import {
  cardSchema,
  checklistItemSchema,
  columnSchema,
  commentSchema,
  inviteSchema,
  invitePartnerSchema,
  renameDocumentSchema,
  slug,
  updateSpaceSchema,
  withoutNul,
} from "./schemas";
import { LIMITS } from "./limits";
import { activitySchema } from "./activities";
import { createWebhookSchema, updateWebhookSchema } from "./webhooks";
import { DOCUMENT_TYPES, LOCALES, TENANT_ROLES } from "./vocabulary";

/**
 * What every form action of the app accepts, per route and intent, as zod schemas — and which of their
 * fields name a resource by id (`ref`). Routes parse their bodies with these schemas; the isolation
 * matrix walks them to post every id-bearing field with ids from spaces the user may not reach, so a
 * new field is attacked without a new test.
 */

export const ID_KINDS = ["space", "tenant", "user", "document", "board", "column", "card", "checklistItem", "invitation", "version", "notification", "thread", "activity", "webhook", "delivery"] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** The registry of id-bearing fields: schema → the kind of resource it names. */
export const refs = z.registry<{ ref: IdKind }>();

/** A field that names a resource by id. Lucia's user ids are random base32 text; every other id is a UUID. */
export function ref(kind: IdKind) {
  const schema = kind === "user" ? z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "notFound" }) : z.uuid({ error: "notFound" });
  return schema.register(refs, { ref: kind });
}

/** An optional id: absent or empty means none. */
const optionalRef = (kind: IdKind) => ref(kind).optional().or(z.literal("").transform(() => undefined));
/** A list of ids, refused when one repeats (a repeated id is a broken or forged form, not a choice). */
const refList = (kind: IdKind, max: number) =>
  z
    .array(ref(kind))
    .max(max, { error: "tooMany" })
    .refine((ids) => new Set(ids).size === ids.length, { error: "duplicateIds" })
    .optional()
    .default([]);

const intent = <T extends string>(name: T) => z.object({ intent: z.literal(name) });

export const createCardSchema = cardSchema.safeExtend({
  intent: z.literal("createCard"),
  columnId: optionalRef("column"),
  leadTenantId: optionalRef("tenant"),
  assignees: refList("user", 50),
});
export const updateCardSchema = cardSchema.safeExtend({
  intent: z.literal("update"),
  columnId: optionalRef("column"),
  leadTenantId: optionalRef("tenant"),
  assignees: refList("user", 50),
});
export const moveCardSchema = z.object({
  intent: z.literal("move"),
  cardId: ref("card"),
  columnId: ref("column"),
  /** The card it should follow in the target column (none: first). */
  afterId: optionalRef("card"),
});

/** Fields named in `formData.getAll` (lists); everything else is read once. */
export const LIST_FIELDS = ["assignees", "userIds", "tenantIds", "events"] as const;

export const ROUTE_ACTIONS = {
  "routes/s.$spaceId_.boards.$boardId": {
    createCard: createCardSchema,
    move: moveCardSchema,
    addColumn: intent("addColumn").extend(columnSchema.shape),
    renameColumn: intent("renameColumn").extend({ ...columnSchema.shape, columnId: ref("column") }),
    shiftColumn: intent("shiftColumn").extend({ columnId: ref("column"), by: z.enum(["-1", "1"]) }),
    removeColumn: intent("removeColumn").extend({ columnId: ref("column"), moveTo: ref("column") }),
    setAreas: intent("setAreas").extend({ areas: withoutNul(z.string().trim().min(1, { error: "required" }).max(LIMITS.descriptionLength, { error: "tooLong" })) }),
  },
  "routes/s.$spaceId_.boards.$boardId.cards.$cardId": {
    update: updateCardSchema,
    checklistAdd: intent("checklistAdd").extend(checklistItemSchema.shape),
    checklistToggle: intent("checklistToggle").extend({ itemId: ref("checklistItem"), done: z.enum(["0", "1"]) }),
    comment: intent("comment").extend(commentSchema.shape),
    delete: intent("delete"),
  },
  "routes/s.$spaceId_.docs.$docId": {
    rename: renameDocumentSchema,
    setType: intent("setType").extend({ type: z.enum(DOCUMENT_TYPES, { error: "required" }) }),
    setLanguage: intent("setLanguage").extend({ language: z.enum(LOCALES, { error: "required" }) }),
    archive: intent("archive"),
    restore: intent("restore"),
  },
  /** Linked translations (issue 15): add one into another language; catch a translated block up with its source block. */
  "routes/s.$spaceId_.docs.$docId_.translations": {
    addTranslation: intent("addTranslation").extend({ language: z.enum(LOCALES, { error: "required" }) }),
    markReviewed: intent("markReviewed").extend({ blockId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "required" }) }),
  },
  /** Approval and signing: each names the version it is about, so a step taken on an old one changes nothing. */
  "routes/s.$spaceId_.docs.$docId_.approval": {
    requestApproval: intent("requestApproval").extend({ versionId: ref("version"), tenantIds: refList("tenant", 50) }),
    approve: intent("approve").extend({ versionId: ref("version"), tenantId: ref("tenant") }),
    requestChanges: intent("requestChanges").extend({ versionId: ref("version"), tenantId: ref("tenant"), ...commentSchema.shape }),
    sign: intent("sign").extend({ versionId: ref("version") }),
    amend: intent("amend"),
  },
  /** Comments anchored to text: the anchor is the selected text with some text around it (found again by the server). */
  "routes/s.$spaceId_.docs.$docId_.comments": {
    startThread: intent("startThread").extend({
      quote: withoutNul(z.string({ error: "required" }).min(1, { error: "selectText" }).max(LIMITS.commentQuoteLength, { error: "quoteTooLong" })),
      prefix: withoutNul(z.string().max(LIMITS.commentContextLength)).default(""),
      suffix: withoutNul(z.string().max(LIMITS.commentContextLength)).default(""),
      near: z.coerce.number().int().min(0).optional().or(z.literal("").transform(() => undefined)),
      ...commentSchema.shape,
    }),
    reply: intent("reply").extend({ threadId: ref("thread"), ...commentSchema.shape }),
    resolve: intent("resolve").extend({ threadId: ref("thread") }),
    reopen: intent("reopen").extend({ threadId: ref("thread") }),
  },
  "routes/inbox": {
    markRead: intent("markRead").extend({ notificationId: ref("notification") }),
    markAllRead: intent("markAllRead"),
  },
  /** Versions: save one with a name; restore one (a version of this document only) as a new change. */
  "routes/s.$spaceId_.docs.$docId_.history": {
    saveVersion: intent("saveVersion").extend({
      name: withoutNul(z.string({ error: "required" }).trim().min(1, { error: "required" }).max(LIMITS.documentTitleLength, { error: "tooLong" })),
    }),
    restoreVersion: intent("restoreVersion").extend({ versionId: ref("version") }),
  },
  "routes/s.$spaceId_.settings": {
    update: updateSpaceSchema,
    invitePartner: invitePartnerSchema,
    removePartner: intent("removePartner").extend({ tenantId: ref("tenant") }),
    archive: intent("archive"),
    restore: intent("restore"),
  },
  "routes/s.$spaceId_.partners.$tenantId": {
    choose: intent("choose").extend({ selection: z.enum(["all", "chosen"], { error: "required" }), userIds: refList("user", 500) }),
    leave: intent("leave"),
  },
  "routes/t.$slug": {
    invite: inviteSchema,
    changeRole: intent("changeRole").extend({ userId: ref("user"), role: z.enum(TENANT_ROLES, { error: "required" }) }),
    removeMember: intent("removeMember").extend({ userId: ref("user") }),
    /** Name a member as one who approves documents for the tenant (1), or no longer (0). */
    setApprover: intent("setApprover").extend({ userId: ref("user"), approver: z.enum(["1", "0"], { error: "required" }) }),
    acceptSpace: intent("acceptSpace").extend({ spaceId: ref("space") }),
    declineSpace: intent("declineSpace").extend({ spaceId: ref("space") }),
    revokeInvitation: intent("revokeInvitation").extend({ invitationId: ref("invitation") }),
    requestNetwork: intent("requestNetwork").extend({ network: slug }),
    acceptNetworkMember: intent("acceptNetworkMember").extend({ tenantId: ref("tenant") }),
    declineNetworkMember: intent("declineNetworkMember").extend({ tenantId: ref("tenant") }),
  },
  "routes/switch-tenant": {
    switch: intent("switch").extend({ tenantId: ref("tenant"), redirectTo: z.string().optional() }),
  },
  /** The yearly activity overview: add, change and remove activities (each by its id, looked up in this space only). */
  "routes/s.$spaceId_.overview": {
    addActivity: activitySchema.safeExtend({ intent: z.literal("addActivity") }),
    updateActivity: activitySchema.safeExtend({ intent: z.literal("updateActivity"), activityId: ref("activity") }),
    removeActivity: intent("removeActivity").extend({ activityId: ref("activity") }),
    /** The host's admins choose the space's areas, the overview's columns (comma-separated, in any of the three languages). */
    setOverviewAreas: intent("setOverviewAreas").extend({
      areas: withoutNul(z.string({ error: "required" }).trim().min(1, { error: "required" }).max(LIMITS.descriptionLength, { error: "tooLong" })),
    }),
  },
  /** A space's webhooks, kept by its host's admins: each step names the webhook, looked up in this space only. */
  "routes/s.$spaceId_.webhooks": {
    createWebhook: createWebhookSchema,
    updateWebhook: updateWebhookSchema.safeExtend({ webhookId: ref("webhook") }),
    setWebhookActive: intent("setWebhookActive").extend({ webhookId: ref("webhook"), to: z.enum(["active", "paused"], { error: "required" }) }),
    pingWebhook: intent("pingWebhook").extend({ webhookId: ref("webhook") }),
    deleteWebhook: intent("deleteWebhook").extend({ webhookId: ref("webhook") }),
  },
  /** A webhook's deliveries: one sent again (a delivery of this webhook only). */
  "routes/s.$spaceId_.webhooks_.$webhookId": {
    redeliver: intent("redeliver").extend({ deliveryId: ref("delivery") }),
  },
  "routes/api.cards": {
    createFromSelection: intent("createFromSelection").extend({ spaceId: ref("space"), boardId: ref("board"), title: z.string().max(10_000) }),
  },
} as const;

export type RouteWithActions = keyof typeof ROUTE_ACTIONS;
export type IntentOf<R extends RouteWithActions> = keyof (typeof ROUTE_ACTIONS)[R] & string;

/** Unwraps optional/default/pipe/union wrappers to the schema that carries a field's meaning. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return unwrap(def.innerType as z.ZodType);
    case "pipe":
      return unwrap(def.in as z.ZodType);
    case "union":
      return (def.options as z.ZodType[]).flatMap(unwrap);
    case "array":
      return unwrap(def.element as z.ZodType);
    default:
      return [schema];
  }
}

/** The id-bearing fields of an action schema: field name → kind, and whether it is a list. */
export function refFields(schema: z.ZodObject): { field: string; kind: IdKind; list: boolean }[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([field, fieldSchema]) => {
    const kind = unwrap(fieldSchema)
      .map((s) => refs.get(s)?.ref)
      .find(Boolean);
    return kind ? [{ field, kind, list: (LIST_FIELDS as readonly string[]).includes(field) }] : [];
  });
}
