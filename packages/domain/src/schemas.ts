import { z } from "zod";
import { LIMITS } from "./limits";
import {
  COUNTRIES,
  DOCUMENT_STATUSES,
  DOCUMENT_TEMPLATES,
  DOCUMENT_TYPES,
  LOCALES,
  SPACE_COLORS,
  SPACE_ICONS,
  SPACE_ROLES,
  TENANT_KINDS,
  TENANT_ROLES,
} from "./vocabulary";

/**
 * Form schemas shared by server actions and the browser (Conform). Messages are i18n keys
 * (namespace `errors`), translated where they are shown.
 */

const trimmed = (max: number) =>
  z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .max(max, { error: "tooLong" });

export const email = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .min(1, { error: "required" })
  .max(LIMITS.emailLength, { error: "tooLong" })
  .pipe(z.email({ error: "emailInvalid" }));

export const password = z
  .string({ error: "required" })
  .min(LIMITS.passwordMin, { error: "passwordTooShort" })
  .max(LIMITS.passwordMax, { error: "passwordTooLong" });

export const signUpSchema = z.object({
  name: trimmed(LIMITS.nameLength),
  email,
  password,
  redirectTo: z.string().optional(),
});

export const logInSchema = z.object({
  email,
  password: z.string({ error: "required" }).min(1, { error: "required" }).max(LIMITS.passwordMax, { error: "passwordTooLong" }),
  redirectTo: z.string().optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: "required" }).min(1, { error: "required" }),
  newPassword: password,
});

export const localeSchema = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() });

export const slug = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .min(2, { error: "slugTooShort" })
  .max(LIMITS.slugLength, { error: "tooLong" })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "slugInvalid" });

export const createTenantSchema = z.object({
  name: trimmed(LIMITS.tenantNameLength),
  slug,
  kind: z.enum(TENANT_KINDS, { error: "required" }),
  country: z.enum(COUNTRIES, { error: "required" }),
  parentSlug: z.string().trim().optional(),
});

export const inviteSchema = z.object({
  intent: z.literal("invite"),
  email,
  role: z.enum(TENANT_ROLES, { error: "required" }),
});

export const changeRoleSchema = z.object({
  intent: z.literal("changeRole"),
  userId: z.string().min(1),
  role: z.enum(TENANT_ROLES, { error: "required" }),
});

export const removeMemberSchema = z.object({ intent: z.literal("removeMember"), userId: z.string().min(1) });
export const revokeInvitationSchema = z.object({ intent: z.literal("revokeInvitation"), invitationId: z.uuid() });

/** Only same-site relative paths are followed after log-in (no open redirects). */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

export const switchTenantSchema = z.object({ tenantId: z.uuid(), redirectTo: z.string().optional() });

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

export const spaceFields = {
  title: trimmed(LIMITS.spaceTitleLength),
  purpose: z.string().trim().max(LIMITS.descriptionLength, { error: "tooLong" }).optional(),
  color: z.enum(SPACE_COLORS, { error: "required" }),
  icon: z.enum(SPACE_ICONS, { error: "required" }),
};

export const createSpaceSchema = z.object({ ...spaceFields, private: checkbox.optional().default(false) });
export const updateSpaceSchema = z.object({ intent: z.literal("update"), ...spaceFields });

export const invitePartnerSchema = z.object({
  intent: z.literal("invitePartner"),
  tenant: slug,
  role: z.enum(SPACE_ROLES, { error: "required" }),
});

export const chooseMembersSchema = z.object({
  intent: z.literal("choose"),
  selection: z.enum(["all", "chosen"], { error: "required" }),
  userIds: z.array(z.string().min(1)).max(500).optional().default([]),
});

export const createDocumentSchema = z.object({
  template: z.enum(DOCUMENT_TEMPLATES, { error: "required" }),
  title: trimmed(LIMITS.documentTitleLength),
  type: z.enum(DOCUMENT_TYPES, { error: "required" }),
  language: z.enum(LOCALES, { error: "required" }),
});

export const renameDocumentSchema = z.object({ intent: z.literal("rename"), title: trimmed(LIMITS.documentTitleLength) });
export const documentStatusSchema = z.object({ intent: z.literal("status"), status: z.enum(DOCUMENT_STATUSES, { error: "required" }) });
export const documentFilterSchema = z.object({
  type: z.enum(DOCUMENT_TYPES).optional().catch(undefined),
  status: z.enum(DOCUMENT_STATUSES).optional().catch(undefined),
  language: z.enum(LOCALES).optional().catch(undefined),
  archived: z.literal("1").optional().catch(undefined),
});

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateInvalid" })
  .optional()
  .or(z.literal("").transform(() => undefined));

export const createBoardSchema = z.object({ intent: z.literal("createBoard"), title: trimmed(LIMITS.boardTitleLength) });

export const cardSchema = z
  .object({
    title: trimmed(LIMITS.cardTitleLength),
    description: z.string().max(LIMITS.descriptionLength, { error: "tooLong" }).optional().default(""),
    leadTenantId: z.uuid().optional().or(z.literal("").transform(() => undefined)),
    startDate: isoDate,
    dueDate: isoDate,
    area: z.string().trim().max(40).optional().or(z.literal("").transform(() => undefined)),
    assignees: z.array(z.string().min(1)).max(50).optional().default([]),
  })
  .refine((card) => !card.startDate || !card.dueDate || card.startDate <= card.dueDate, { error: "dueBeforeStart", path: ["dueDate"] });

export const moveCardSchema = z.object({
  intent: z.literal("move"),
  cardId: z.uuid(),
  columnId: z.uuid({ error: "columnGone" }),
  /** The card it should follow in the target column (none: first). */
  afterId: z.uuid().optional().or(z.literal("").transform(() => undefined)),
});

export const columnSchema = z.object({ title: trimmed(LIMITS.columnTitleLength) });
export const commentSchema = z.object({ body: trimmed(LIMITS.commentLength) });
export const checklistItemSchema = z.object({ text: trimmed(LIMITS.cardTitleLength) });
