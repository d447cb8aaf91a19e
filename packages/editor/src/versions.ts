import { Mark, type AnyExtension, type JSONContent } from "@tiptap/core";
import { ChangeSet, simplifyChanges } from "@tiptap/pm/changeset";
import { Node, type Schema } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";
import { recreateTransform } from "@fellow/prosemirror-recreate-transform";
import { getSchema } from "@tiptap/core";
import { updateYFragment } from "@tiptap/y-tiptap";
import { createHash } from "node:crypto";
import * as Y from "yjs";
import { withoutBlockIds } from "./block-ids";
import { withoutCommentMarks } from "./comments";
import { schemaExtensions } from "./extensions";
import { editorSchema, FRAGMENT, yDocToNode, type DocJSON } from "./schema";

/**
 * Versions of a document: what is stored (Yjs state, ProseMirror JSON, a hash of the content), how
 * two versions are compared (prosemirror-changeset over steps recreated between the two documents)
 * and how an old version becomes a new change of the live document.
 */

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * sha-256 (hex) of the canonical JSON of a document's content: what "unchanged" and approvals compare.
 * Comment marks and block ids are left out: commenting on a text or naming its blocks does not change
 * it, so approvals of it still hold.
 */
export function contentHash(content: DocJSON): string {
  const text = withoutBlockIds(withoutCommentMarks(Node.fromJSON(editorSchema, content)).toJSON());
  return createHash("sha256").update(canonicalJson(text)).digest("hex");
}

/** A document's content as stored in a version: its ProseMirror JSON with the shared schema. */
export function versionContent(ydoc: Y.Doc): { state: Uint8Array; content: DocJSON; contentHash: string } {
  const content = yDocToNode(ydoc).toJSON() as DocJSON;
  return { state: Y.encodeStateAsUpdate(ydoc), content, contentHash: contentHash(content) };
}

/** The content of a stored Yjs state (a version's `state`). */
export function contentOfState(state: Uint8Array): Node {
  const ydoc = new Y.Doc();
  try {
    Y.applyUpdate(ydoc, state);
    return yDocToNode(ydoc);
  } finally {
    ydoc.destroy();
  }
}

/**
 * Makes the live document's content equal to `target`, as one new change: the Yjs fragment is
 * updated in place (paragraphs that are the same stay, text is changed by its difference), so
 * history is kept and concurrent edits merge as with any other change. Call inside a transaction.
 */
export function replaceContent(ydoc: Y.Doc, target: Node): void {
  updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), target, { mapping: new Map(), isOMark: new Map() });
}

/** One inserted or deleted stretch of a comparison, as text (for summaries and tests). */
export interface ComparisonChange {
  kind: "inserted" | "deleted";
  text: string;
}

export interface Comparison {
  /** The newer document with deleted content put back where it was, marked `diffDeleted`, and inserted content marked `diffInserted`. */
  content: JSONContent;
  changes: ComparisonChange[];
}

/** Marks that exist only in comparisons: never in the editor's schema, so they can never be stored. */
export function comparisonMarks(labels: { inserted: string; deleted: string }): AnyExtension[] {
  const mark = (name: string, tag: "ins" | "del", label: string) =>
    Mark.create({
      name,
      excludes: "",
      parseHTML: () => [{ tag }],
      // The label is read by screen readers; sighted readers see underline or strike-through and a colour.
      renderHTML: () => [tag, { class: `diff-${tag}` }, ["span", { class: "visually-hidden" }, `${label}: `], ["span", 0]],
    });
  return [mark("diffInserted", "ins", labels.inserted), mark("diffDeleted", "del", labels.deleted)];
}

/** The extensions that render a comparison (the shared schema plus the two comparison marks). */
export function comparisonExtensions(labels: { inserted: string; deleted: string }): AnyExtension[] {
  return [...schemaExtensions(), ...comparisonMarks(labels)];
}

let comparisonSchema: Schema | null = null;
function diffSchema(): Schema {
  comparisonSchema ??= getSchema(comparisonExtensions({ inserted: "", deleted: "" }));
  return comparisonSchema;
}

/**
 * Compares two versions' content: steps from `from` to `to` are recreated (word by word), condensed
 * into insertions and deletions by prosemirror-changeset, and laid over the newer document.
 */
export function compareContent(fromJson: DocJSON, toJson: DocJSON): Comparison {
  const from = Node.fromJSON(editorSchema, fromJson);
  const to = Node.fromJSON(editorSchema, toJson);
  const tr = recreateTransform(from, to, { complexSteps: false, wordDiffs: true, simplifyDiff: true });
  // Changes inside a word are widened to the whole word: "tre" → "fire", not "t" "re" → "fi" "re".
  const changes = simplifyChanges(ChangeSet.create(from).addSteps(tr.doc, tr.mapping.maps, null).changes, tr.doc);

  // Both documents in the comparison schema, which knows the two marks.
  const schema = diffSchema();
  const oldDoc = Node.fromJSON(schema, from.toJSON());
  const inserted = schema.marks.diffInserted.create();
  const deleted = schema.marks.diffDeleted.create();
  const oldMarked = new Transform(oldDoc);
  for (const c of changes) if (c.toA > c.fromA) oldMarked.addMark(c.fromA, c.toA, deleted);

  const out = new Transform(Node.fromJSON(schema, tr.doc.toJSON()));
  const summary: ComparisonChange[] = [];
  // From the last change back, so the positions of earlier ones stay valid.
  for (const c of [...changes].reverse()) {
    if (c.toB > c.fromB) {
      out.addMark(c.fromB, c.toB, inserted);
      summary.unshift({ kind: "inserted", text: to.textBetween(c.fromB, c.toB, "\n", " ") });
    }
    if (c.toA > c.fromA) {
      const slice = oldMarked.doc.slice(c.fromA, c.toA);
      try {
        out.replace(c.fromB, c.fromB, slice);
      } catch {
        // A deletion whose structure cannot be put back here is shown as its text.
        const text = slice.content.textBetween(0, slice.content.size, " ", " ");
        if (text) out.insert(c.fromB, schema.text(text, [deleted]));
      }
      summary.unshift({ kind: "deleted", text: from.textBetween(c.fromA, c.toA, "\n", " ") });
    }
  }
  return { content: out.doc.toJSON() as JSONContent, changes: summary };
}
