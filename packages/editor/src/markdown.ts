import { flattenExtensions, type AnyExtension, type MarkdownTokenizer } from "@tiptap/core";
import { MarkdownManager } from "@tiptap/markdown";
import { Node } from "@tiptap/pm/model";
import { LIMITS } from "@twinning/domain";
import { storableText } from "./derive";
import { schemaExtensions } from "./extensions";
import { editorSchema, type DocJSON } from "./schema";

/**
 * Markdown (CommonMark + GFM: headings, lists, task lists, pipe tables, quotes, fences, links, bold,
 * italic, strikethrough, code) as ProseMirror JSON of the shared schema, parsed by `@tiptap/markdown`
 * with the schema's own extensions, headless (no Editor, no DOM). HTML in the Markdown stays text.
 */

/** Why a Markdown text was not converted (an i18n key under `apiProblems.markdown.*`). */
export type MarkdownRefusal = "tooLarge" | "tooDeep" | "unreadable";

export type MarkdownConversion = { ok: true; json: DocJSON; node: Node } | { ok: false; reason: MarkdownRefusal };

type JSONNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: JSONNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
};

// Tiptap's list and table tokenizers look at the whole rest of the text at every block (`src.split("\n")`),
// which made a 180 KB file of short paragraphs take 10–20 s. Each is asked only where its first line
// could start one, which is where it would match anyway.
const FIRST_LINE: Record<string, RegExp> = {
  orderedList: /^[^\S\n]*[0-9A-Za-z]+[.)]\s/,
  taskList: /^(?:[^\S\n]*\n)*\s*[-+*]\s+\[[ xX]\]\s+/,
};
const twoLines = (src: string) => {
  const first = src.indexOf("\n");
  const second = first < 0 ? -1 : src.indexOf("\n", first + 1);
  return second < 0 ? src : src.slice(0, second);
};

function markdownExtensions(): AnyExtension[] {
  // Flattened without the kits (StarterKit, TableKit): the manager flattens again, so a kit left in would
  // register its children twice. Nodes that add extensions of their own (list items' keymaps) stay.
  return flattenExtensions(schemaExtensions())
    .filter((e) => !(e.type === "extension" && e.config.addExtensions))
    .map((e) => {
      const tokenizer = e.config.markdownTokenizer as MarkdownTokenizer | undefined;
      if (!tokenizer) return e;
      if (e.name === "table" && typeof tokenizer.start === "function") {
        const start = tokenizer.start;
        return e.extend({ markdownTokenizer: { ...tokenizer, start: (src: string) => start(twoLines(src)) } });
      }
      const first = FIRST_LINE[e.name];
      if (!first) return e;
      const tokenize: MarkdownTokenizer["tokenize"] = (src, tokens, lexer) => (first.test(src) ? tokenizer.tokenize(src, tokens, lexer) : undefined);
      return e.extend({ markdownTokenizer: { ...tokenizer, tokenize } });
    });
}

let manager: MarkdownManager | undefined;

/** Only web, mail and site-relative addresses stay links (as the editor's link dialog allows); other links become their text. */
function safeHref(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const href = value.trim();
  if (/[\u0000-\u001f\u007f\s\\]/.test(href)) return null;
  if (/^(https?:\/\/[^/]|mailto:)/i.test(href)) return href;
  return (href.startsWith("/") && !href.startsWith("//")) || href.startsWith("#") ? href : null;
}

/**
 * Within the content limits (`LIMITS.documentMaxDepth`, `LIMITS.documentMaxNodes`), checked with an
 * explicit stack before ProseMirror's recursive code sees it; links cleaned; a soft line break inside a
 * paragraph is the space Markdown means by it.
 */
function tidy(doc: JSONNode): MarkdownRefusal | null {
  let nodes = 0;
  const stack: { node: JSONNode; depth: number; code: boolean }[] = [{ node: doc, depth: 0, code: false }];
  while (stack.length) {
    const { node, depth, code } = stack.pop()!;
    if (depth > LIMITS.documentMaxDepth) return "tooDeep";
    if (node.type !== "text" && ++nodes > LIMITS.documentMaxNodes) return "tooLarge";
    if (node.type === "text") {
      if (!code && node.text) node.text = node.text.replace(/\n/g, " ");
      node.marks = node.marks?.filter((mark) => {
        if (mark.type !== "link") return true;
        const href = safeHref(mark.attrs?.href);
        if (href) mark.attrs = { ...mark.attrs, href };
        return href !== null;
      });
      if (!node.marks?.length) delete node.marks;
    }
    for (const child of node.content ?? []) stack.push({ node: child, depth: depth + 1, code: code || node.type === "codeBlock" });
  }
  return null;
}

/** The Markdown as a document of the shared schema, or why not. Never throws. */
export function markdownToDoc(markdown: string): MarkdownConversion {
  if (markdown.length > LIMITS.markdownLength) return { ok: false, reason: "tooLarge" };
  const text = storableText(markdown).replace(/\r\n?/g, "\n");
  let json: JSONNode;
  try {
    manager ??= new MarkdownManager({ extensions: markdownExtensions() });
    json = manager.parse(text) as JSONNode;
  } catch (error) {
    // The parser recurses into nested quotes and lists: a text nested deeper than the stack is "too deep".
    return { ok: false, reason: error instanceof RangeError ? "tooDeep" : "unreadable" };
  }
  if (json?.type !== "doc") return { ok: false, reason: "unreadable" };
  const refused = tidy(json);
  if (refused) return { ok: false, reason: refused };
  if (!json.content?.length) json.content = [{ type: "paragraph" }];
  try {
    const node = Node.fromJSON(editorSchema, json);
    node.check();
    return { ok: true, json: node.toJSON() as DocJSON, node };
  } catch {
    return { ok: false, reason: "unreadable" };
  }
}
