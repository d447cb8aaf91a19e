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

/** PostgreSQL text cannot hold NUL: a value with one is refused with a message instead of failing the query. */
const NUL = /\u0000/;
/** A text field that refuses NUL (every free-text field of a form). */
export const withoutNul = (schema: z.ZodString) => schema.refine((s) => !NUL.test(s), { error: "textControl" });

export const trimmed = (max: number) =>
  withoutNul(
    z
      .string({ error: "required" })
      .trim()
      .min(1, { error: "required" })
      // The limit is in the message: the field does not cut what is typed or pasted.
      .max(max, { error: `tooLongMax|${JSON.stringify({ max })}` }),
  );

/** Bidirectional controls (embeddings, overrides, isolates, marks): invisible, they make one name look like another. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
const CONTROL_CHARACTERS = /\p{Cc}/u;
/** Something a reader sees: a letter, digit, punctuation or symbol (not only spaces or zero-width characters). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * A tenant's name, as created or renamed: NFC-normalised (so "Ø" typed two ways is one name), trimmed;
 * bidirectional controls, control characters and names of nothing visible are refused with a message.
 */
export const tenantName = z
  .string({ error: "required" })
  .transform((s) => s.normalize("NFC"))
  .pipe(
    z
      .string()
      .trim()
      .min(1, { error: "required", abort: true })
      .max(LIMITS.tenantNameLength, { error: "tooLong" })
      .refine((s) => !BIDI_CONTROLS.test(s), { error: "nameBidi", abort: true })
      .refine((s) => !CONTROL_CHARACTERS.test(s), { error: "nameControl", abort: true })
      .refine((s) => VISIBLE.test(s), { error: "nameInvisible" }),
  );

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

/**
 * A short name for web addresses suggested from a name: Danish letters spelled out (æ → ae, ø → oe,
 * å → aa), other accents dropped, anything else a hyphen. Empty when the name has no Latin letters or
 * digits (a Chinese name): then it is typed.
 */
export function slugify(name: string): string {
  const spelled = name.toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa");
  const plain = spelled.normalize("NFD").replace(/\p{M}/gu, "");
  const slug = plain.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug.slice(0, LIMITS.slugLength).replace(/-+$/, "");
}

export const createTenantSchema = z.object({
  name: tenantName,
  slug,
  kind: z.enum(TENANT_KINDS, { error: "required" }),
  country: z.enum(COUNTRIES, { error: "required" }),
  parentSlug: slug.optional().or(z.literal("").transform(() => undefined)),
});

export const inviteSchema = z.object({
  intent: z.literal("invite"),
  email,
  role: z.enum(TENANT_ROLES, { error: "required" }),
});

const REDIRECT_BASE = "http://twinning.invalid";

/**
 * Where to go after log-in, sign-up or a language switch: only a path on this site, else `fallback`.
 * The target must be a plain path (`/…`) that resolves, relative to the site, to the site's own origin,
 * and neither it nor its percent-decoded form may hold a backslash, a tab, a newline or any other
 * control character, or start with `//` — browsers drop tabs and newlines from URLs and read `\` as `/`,
 * so `/<tab>/evil.example` or `/\evil.example` would otherwise leave the site. Returns the normalised path.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length > 2048) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(to);
  } catch {
    return fallback;
  }
  const plainPath = (s: string) => s.startsWith("/") && !s.startsWith("//") && !/[\\\u0000-\u001f\u007f-\u009f]/.test(s);
  if (!plainPath(to) || !plainPath(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

export const spaceFields = {
  title: trimmed(LIMITS.spaceTitleLength),
  purpose: withoutNul(z.string().trim().max(LIMITS.descriptionLength, { error: "tooLong" })).optional(),
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

export const createDocumentSchema = z.object({
  template: z.enum(DOCUMENT_TEMPLATES, { error: "required" }),
  title: trimmed(LIMITS.documentTitleLength),
  type: z.enum(DOCUMENT_TYPES, { error: "required" }),
  language: z.enum(LOCALES, { error: "required" }),
});

export const renameDocumentSchema = z.object({ intent: z.literal("rename"), title: trimmed(LIMITS.documentTitleLength) });
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
    description: withoutNul(z.string().max(LIMITS.descriptionLength, { error: "tooLong" })).optional().default(""),
    leadTenantId: z.uuid().optional().or(z.literal("").transform(() => undefined)),
    startDate: isoDate,
    dueDate: isoDate,
    area: withoutNul(z.string().trim().max(40)).optional().or(z.literal("").transform(() => undefined)),
    assignees: z.array(z.string().min(1)).max(50).optional().default([]),
  })
  .refine((card) => !card.startDate || !card.dueDate || card.startDate <= card.dueDate, { error: "dueBeforeStart", path: ["dueDate"] });

export const columnSchema = z.object({ title: trimmed(LIMITS.columnTitleLength) });
export const commentSchema = z.object({ body: trimmed(LIMITS.commentLength) });
export const checklistItemSchema = z.object({ text: trimmed(LIMITS.cardTitleLength) });
