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
