import * as Y from "yjs";
import { documentUpdates, type Queryable, type VersionListing, type VersionRow } from "@twinning/db";
import { renderHtml } from "@twinning/editor/html";
import { can, type Actor, type ActionOf, type Resource } from "@twinning/domain";
import { createI18n } from "@twinning/i18n";
import type { Locale } from "@twinning/domain";
import { deriveFromNode, editorSchema, schemaExtensions, type DocJSON } from "@twinning/editor";
import { compareContent, comparisonExtensions, contentOfState, versionContent } from "@twinning/editor/versions";
import { Node } from "@tiptap/pm/model";
import { forbidden } from "~/lib/access.server";

/** The document's last committed content as a version would store it (state, JSON, hash). */
export async function liveVersionContent(sql: Queryable, documentId: string) {
  const updates = await documentUpdates(sql, documentId);
  const ydoc = new Y.Doc();
  try {
    if (updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(updates));
    return versionContent(ydoc);
  } finally {
    ydoc.destroy();
  }
}

type DocumentResource = Extract<Resource, { type: "document" }>;

/**
 * Saving or restoring a version: allowed, or why not. A document that is signed or archived is a
 * translated message for someone who could otherwise do it (nothing changes); anyone else gets a 403.
 */
export function versionWriteRefusal(actor: Actor, action: ActionOf<"document">, resource: DocumentResource): string | null {
  if (can(actor, action, resource)) return null;
  const unlocked = { ...resource, document: { ...resource.document, archived: false, status: "draft" as const } };
  if (!resource.space.archived && can(actor, action, unlocked)) return resource.document.status === "signed" ? "versions.restoreSigned" : "versions.restoreArchived";
  forbidden();
}

/** A version's top-level blocks as the collaboration server derives a document's (what translations catch up with). */
export function versionBlocks(content: DocJSON) {
  return deriveFromNode(Node.fromJSON(editorSchema, content)).topBlocks;
}

/** A version as the pages show it. */
export function publicVersion(v: VersionListing) {
  return { id: v.id, name: v.name, kind: v.kind, createdAt: v.createdAt.toISOString(), createdByName: v.createdByName, contentHash: v.contentHash };
}

/** A version's content as HTML, with the shared schema. */
export function versionHtml(content: DocJSON): Promise<string> {
  return renderHtml(content as never, schemaExtensions());
}

/** What a restore makes the live document: the version's exact Yjs state, else (unreadable) its JSON. */
export function versionNode(version: VersionRow): Node {
  try {
    return contentOfState(version.state);
  } catch {
    return Node.fromJSON(editorSchema, version.content);
  }
}

/** Two contents compared, as HTML with labelled insertions and deletions in the reader's language. */
export async function comparisonHtml(from: DocJSON, to: DocJSON, locale: Locale) {
  const { t } = createI18n(locale);
  const result = compareContent(from, to);
  const html = await renderHtml(result.content, comparisonExtensions({ inserted: t("versions.inserted"), deleted: t("versions.deleted") }));
  return {
    html,
    inserted: result.changes.filter((c) => c.kind === "inserted").length,
    deleted: result.changes.filter((c) => c.kind === "deleted").length,
  };
}
