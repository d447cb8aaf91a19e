/** What search finds (one filter of `/search`). */
export const SEARCH_KINDS = ["document", "card", "comment", "space", "tenant"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
