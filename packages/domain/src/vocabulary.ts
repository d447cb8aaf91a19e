/** The closed sets the whole product speaks in. Database CHECK constraints mirror these lists. */

export const LOCALES = ["da", "en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "da";

export const TENANT_KINDS = ["municipality", "region", "network", "partner_region", "organisation", "school"] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

/** Roles of a user in a tenant, strongest first. */
export const TENANT_ROLES = ["owner", "admin", "member", "viewer"] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Countries offered when creating a tenant; the demo world uses DK and CN. */
export const COUNTRIES = ["DK", "CN", "SE", "NO", "FI", "DE", "GB"] as const;
export type Country = (typeof COUNTRIES)[number];
/** The time zone a new tenant of each country gets (each of these countries has one). */
export const COUNTRY_TIME_ZONES: Record<Country, string> = {
  DK: "Europe/Copenhagen",
  CN: "Asia/Shanghai",
  SE: "Europe/Stockholm",
  NO: "Europe/Oslo",
  FI: "Europe/Helsinki",
  DE: "Europe/Berlin",
  GB: "Europe/London",
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** A partner tenant's role in a space. The host tenant's members are editors. */
export const SPACE_ROLES = ["editor", "commenter", "viewer"] as const;
export type SpaceRole = (typeof SPACE_ROLES)[number];

export const PARTNER_STATUSES = ["invited", "active", "declined", "left", "removed"] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const SPACE_COLORS = ["blue", "green", "teal", "purple", "orange", "red", "grey"] as const;
export type SpaceColor = (typeof SPACE_COLORS)[number];

export const SPACE_ICONS = ["handshake", "school", "leaf", "building", "globe", "book"] as const;
export type SpaceIcon = (typeof SPACE_ICONS)[number];

export const DOCUMENT_TYPES = ["agreement", "mou", "action_plan", "exchange_programme", "strategy", "minutes", "report", "note"] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
/** The types whose page shows the approval flow from the start; any other document may start it from its "⋯" menu. */
export const APPROVAL_DOCUMENT_TYPES: readonly DocumentType[] = ["agreement", "mou"];

/** A document's life: draft → in review → approved → signed (signed documents are locked). */
export const DOCUMENT_STATUSES = ["draft", "in_review", "approved", "signed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Templates a new document can start from (their content lives in @twinning/editor). */
export const DOCUMENT_TEMPLATES = ["blank", "agreement", "strategy", "action_plan", "exchange_programme", "minutes"] as const;
export type DocumentTemplate = (typeof DOCUMENT_TEMPLATES)[number];

/** Presence colours (white initials on them meet WCAG AA contrast). */
export const PRESENCE_COLORS = ["#1f5f8b", "#2e7d32", "#6a1b9a", "#b71c1c", "#00695c", "#ad1457", "#4527a0", "#8d4e00"] as const;

/** A user's stable presence colour. */
export function colorFor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length];
}

/** Two letters for an avatar: of the first and last word, skipping emoji and signs (digits count). */
export function initialsOf(name: string): string {
  const letter = /[\p{L}\p{N}]/u;
  const words = name.trim().split(/\s+/).map((word) => [...word].find((c) => letter.test(c)) ?? "").filter(Boolean);
  if (words.length > 1) return (words[0] + words[words.length - 1]).toUpperCase();
  return [...name].filter((c) => letter.test(c)).slice(0, 2).join("").toUpperCase() || "?";
}

/** Default area labels of a board (editable per board); from the seed report's activity overview. */
export const DEFAULT_AREAS = ["overall", "business", "soil", "education", "school", "culture", "resources"] as const;

/** Kinds of activity in a space's yearly activity overview (as the seed report's tables list them). */
export const ACTIVITY_KINDS = ["meeting", "visit_in", "visit_out", "delegation", "conference", "exchange", "milestone", "other"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const COLUMN_KINDS = ["open", "active", "done"] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id from a URL or form is a uuid at all (checked before it reaches PostgreSQL). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * The month ("YYYY-MM") a calendar opens on: that of the due date nearest to `today` ("YYYY-MM-DD"),
 * so a board whose work is all in 2017 does not open on an empty month; today's month without dates.
 */
export function nearestDueMonth(dueDates: readonly (string | null | undefined)[], today: string): string {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  let best: string | null = null;
  for (const due of dueDates) {
    if (!due) continue;
    if (best === null || Math.abs(day(due) - day(today)) < Math.abs(day(best) - day(today))) best = due;
  }
  return (best ?? today).slice(0, 7);
}
