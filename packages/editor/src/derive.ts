import type { Node } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { yDocToNode } from "./schema";

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
  outline: OutlineEntry[];
  /** Cards the document references, in document order. */
  links: DerivedLink[];
}

const MAX_TITLE = 200;

/** Title, plain text and outline of a document, computed with the shared schema. */
export function deriveFromNode(doc: Node): Derived {
  const outline: OutlineEntry[] = [];
  const blocks: string[] = [];
  const links: DerivedLink[] = [];
  doc.descendants((node) => {
    if (node.type.name === "heading") outline.push({ level: Number(node.attrs.level), text: node.textContent.trim() });
    if (node.isTextblock) {
      node.forEach((child) => {
        if (child.type.name === "cardLink" && child.attrs.cardId) links.push({ cardId: String(child.attrs.cardId), context: outline.at(-1)?.text ?? "" });
      });
      blocks.push(node.textContent);
      return false;
    }
    return true;
  });
  const firstHeading = outline.find((h) => h.text)?.text;
  const firstLine = blocks.find((b) => b.trim())?.trim();
  const title = (firstHeading ?? firstLine ?? "").slice(0, MAX_TITLE) || null;
  return { title, plainText: blocks.join("\n").trim(), outline: outline.filter((h) => h.text), links };
}

export function deriveFromYDoc(ydoc: Y.Doc): Derived {
  return deriveFromNode(yDocToNode(ydoc));
}
