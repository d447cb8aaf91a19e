import type { Node } from "@tiptap/pm/model";
import { isUuid } from "@twinning/domain";
import type * as Y from "yjs";
import { topBlocks, withoutBlockIds } from "./block-ids";
import { COMMENT_MARK, withoutCommentMarks } from "./comments";
import { convertYDoc } from "./schema";

export interface OutlineEntry {
  level: number;
  text: string;
}

export interface DerivedLink {
  cardId: string;
  /** The heading the link sits under (where to jump to). */
  context: string;
}

export interface Derived {
  /** The first heading, else the first line; null for an empty document. */
  title: string | null;
  /** Blocks separated by newlines, for search. */
  plainText: string;
  /** The text blocks that hold text, each with its index among all text blocks in document order (a search hit's `?block=`). */
  blocks: { index: number; text: string }[];
  outline: OutlineEntry[];
  /** Cards the document references, in document order. */
  links: DerivedLink[];
  /** Comment threads whose marks are in the text (a thread not listed lost its text). */
  commentThreadIds: string[];
  /**
   * The top-level blocks that have an id (block-ids.ts), in order: their text, and what they hold as JSON
   * without comment marks and ids (a translation is stale against a source block whose fingerprint changed).
   */
  topBlocks: { id: string; text: string; fingerprint: string }[];
  /** What was left out, for the log: card links whose id is not a uuid, nodes beyond the content limits. */
  skipped: string[];
}

const MAX_TITLE = 200;

/** Title, plain text and outline of a document, computed with the shared schema. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from document content as PostgreSQL can store it: any editor shapes the content, and a NUL
 * (refused by `text`) or a lone surrogate (refused by `jsonb`) would fail the whole save.
 */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, "").replace(LONE_SURROGATE, "\uFFFD");
}

/** Title, plain text and outline of a document, computed with the shared schema. A bad card link is skipped. */
export function deriveFromNode(doc: Node): Derived {
  const outline: OutlineEntry[] = [];
  const blocks: string[] = [];
  const links: DerivedLink[] = [];
  const skipped: string[] = [];
  const threads = new Set<string>();
  doc.descendants((node) => {
    if (node.type.name === "heading") {
      const level = Number(node.attrs.level);
      outline.push({ level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1, text: storableText(node.textContent.trim()) });
    }
    if (node.isTextblock) {
      node.forEach((child) => {
        for (const mark of child.marks) if (mark.type.name === COMMENT_MARK && isUuid(String(mark.attrs.threadId))) threads.add(String(mark.attrs.threadId));
        if (child.type.name !== "cardLink" || !child.attrs.cardId) return;
        // Ids come from content any editor shapes: only a uuid goes on towards SQL.
        const cardId = String(child.attrs.cardId);
        if (isUuid(cardId)) links.push({ cardId, context: outline.at(-1)?.text ?? "" });
        else skipped.push(`card link with id ${JSON.stringify(storableText(String(child.attrs.cardId).slice(0, 60)))}`);
      });
      blocks.push(storableText(node.textContent));
      return false;
    }
    return true;
  });
  const firstHeading = outline.find((h) => h.text)?.text;
  const firstLine = blocks.find((b) => b.trim())?.trim();
  const title = storableText((firstHeading ?? firstLine ?? "").slice(0, MAX_TITLE)) || null;
  const textBlocks = blocks.map((text, index) => ({ index, text })).filter((b) => b.text.trim());
  const plain = withoutCommentMarks(doc);
  const topBlocksOf = topBlocks(plain).map(({ id, node }) => ({ id, text: storableText(node.textBetween(0, node.content.size, "\n", " ")), fingerprint: storableText(JSON.stringify(withoutBlockIds(node.toJSON()))) }));
  return {
    title,
    plainText: blocks.join("\n").trim(),
    blocks: textBlocks,
    outline: outline.filter((h) => h.text),
    links,
    commentThreadIds: [...threads],
    topBlocks: topBlocksOf,
    skipped,
  };
}

/** {@link deriveFromNode} of a Y.Doc; content beyond the limits is left out (and listed in `skipped`). */
export function deriveFromYDoc(ydoc: Y.Doc): Derived {
  const { node, truncated } = convertYDoc(ydoc);
  const derived = deriveFromNode(node);
  if (truncated) derived.skipped.push("content beyond the nesting or node limits");
  return derived;
}
