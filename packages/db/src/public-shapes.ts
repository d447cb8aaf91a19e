import type { OverviewItem } from "@twinning/domain";
import type { Card, Comment } from "./boards";
import type { DocumentListing, DocumentRow } from "./documents";
import type { Space } from "./spaces";
import type { VersionListing } from "./versions";

/**
 * What the API answers and webhooks send for each resource: only the fields its OpenAPI schema names
 * (app/lib/api-operations.ts), so nothing internal slips out as a table grows.
 */

export const apiSpace = (s: Space & { hostName: string }) => ({
  id: s.id,
  title: s.title,
  purpose: s.purpose,
  color: s.color,
  hostTenantId: s.hostTenantId,
  hostName: s.hostName,
  archived: s.archivedAt !== null,
  createdAt: s.createdAt,
});

export const apiDocument = (d: DocumentRow | DocumentListing) => ({
  id: d.id,
  spaceId: d.spaceId,
  title: d.title,
  type: d.type,
  language: d.language,
  status: d.status,
  archived: d.archivedAt !== null,
  createdAt: d.createdAt,
  lastEditedAt: d.lastEditedAt,
});

export const apiVersion = (v: VersionListing) => ({
  id: v.id,
  name: v.name,
  kind: v.kind,
  contentHash: v.contentHash,
  createdByName: v.createdByName,
  createdAt: v.createdAt,
});

export const apiCard = (c: Card) => ({
  id: c.id,
  boardId: c.boardId,
  columnId: c.columnId,
  position: c.position,
  title: c.title,
  description: c.description,
  leadTenantId: c.leadTenantId,
  leadTenantName: c.leadTenantName,
  startDate: c.startDate,
  dueDate: c.dueDate,
  area: c.area,
  assignees: c.assignees,
  checklistDone: c.checklistDone,
  checklistTotal: c.checklistTotal,
  updatedAt: c.updatedAt,
});

export const apiComment = (c: Comment) => ({ id: c.id, authorName: c.authorName, body: c.body, createdAt: c.createdAt });

export const apiActivity = (i: OverviewItem) => ({
  id: i.id,
  kind: i.kind,
  title: i.title,
  start: i.start,
  startPrecision: i.startPrecision,
  end: i.end,
  endPrecision: i.endPrecision,
  area: i.area,
  organisations: i.organisations.map((o) => ({ id: o.id, name: o.name })),
  note: i.note,
});
