/**
 * What every format is written from: the document's ProseMirror JSON (shared schema), the facts the
 * header shows, the cards its card links name, and for a signed version its signature. Every string
 * here is already translated and formatted by the caller, so the writers only lay out.
 */

export { EXPORT_FORMATS, type ExportFormat } from "@twinning/domain/export";

/** A node of the document as ProseMirror JSON. */
export interface PMNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PMNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** What a card link shows: the card's title and its column (looked up in the document's own space). */
export interface CardInfo {
  title: string;
  column: string;
}

/** The signature of a signed version: who signed when, each party with who approved when, the hashes. */
export interface SignatureSection {
  heading: string;
  /** E.g. "Signed by Anna Berg on 3 March 2026, version “Final”." */
  statement: string;
  columns: [party: string, approvedBy: string, approvedOn: string];
  parties: [party: string, approvedBy: string, approvedOn: string][];
  /** The text's hash, then each translation's signed with it (labelled by language). */
  hashes: { label: string; hash: string }[];
}

/** An open comment thread, for DOCX (Word comments): its comments, oldest first. */
export interface ExportThread {
  threadId: string;
  comments: { author: string; date: string; text: string }[];
}

export interface ExportMeta {
  title: string;
  /** BCP 47 language of the text (da, en, zh-CN). */
  language: string;
  /** Shown under the title, in order: space, version, status, exported — each a label and a value. */
  facts: { label: string; value: string }[];
  signature?: SignatureSection;
  /** Open comment threads to write as Word comments (DOCX only; others ignore them). */
  threads?: ExportThread[];
  /** A bilingual export (DOCX and PDF): the two columns' headings (the languages' names) and languages, source first. */
  bilingual?: { headings: [string, string]; languages: [string, string] };
  labels: {
    /** What a card link whose card is gone (or of another space) shows. */
    cardRemoved: string;
  };
}

/** Everything a writer needs. */
export interface ExportDocument {
  meta: ExportMeta;
  content: PMNode;
  /** A bilingual export: the translation, set beside `content` (the source) block by block. */
  translation?: PMNode;
  cards: Record<string, CardInfo>;
}

/** One stretch of inline text with its marks, as the writers lay it out. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  code?: boolean;
  href?: string;
  /** A hard line break (text is empty). */
  break?: boolean;
  /** A card link (text is what it shows). */
  card?: boolean;
  /** The comment threads this text is marked with. */
  threads?: string[];
}

/** The text a card link shows: ▣ title (column), or the "removed" label. */
export function cardText(cardId: unknown, cards: Record<string, CardInfo>, removed: string): string {
  const card = typeof cardId === "string" ? cards[cardId] : undefined;
  return card ? `▣ ${card.title} (${card.column})` : `▣ ${removed}`;
}

/** Only web, mail and site-relative addresses become links; anything else stays text. */
export function safeHref(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const href = value.trim();
  return /^(https?:|mailto:)/i.test(href) || (href.startsWith("/") && !href.startsWith("//")) ? href : undefined;
}

/** The inline content of a text block as runs. Unknown marks (comments) are ignored. */
export function inlineRuns(block: PMNode, cards: Record<string, CardInfo>, removed: string): Run[] {
  const runs: Run[] = [];
  for (const child of block.content ?? []) {
    if (child.type === "text") {
      const run: Run = { text: child.text ?? "" };
      for (const mark of child.marks ?? []) {
        if (mark.type === "bold") run.bold = true;
        else if (mark.type === "italic") run.italic = true;
        else if (mark.type === "underline") run.underline = true;
        else if (mark.type === "strike") run.strike = true;
        else if (mark.type === "code") run.code = true;
        else if (mark.type === "link") run.href = safeHref(mark.attrs?.href);
        else if (mark.type === "comment" && typeof mark.attrs?.threadId === "string") (run.threads ??= []).push(mark.attrs.threadId);
      }
      if (run.text) runs.push(run);
    } else if (child.type === "hardBreak") {
      runs.push({ text: "", break: true });
    } else if (child.type === "cardLink") {
      runs.push({ text: cardText(child.attrs?.cardId, cards, removed), card: true });
    }
  }
  return runs;
}

/** The plain text of a node (blocks separated by a space). */
export function textOf(node: PMNode, cards: Record<string, CardInfo>, removed: string): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "cardLink") return cardText(node.attrs?.cardId, cards, removed);
  if (node.type === "hardBreak") return "\n";
  const inline = (node.content ?? []).every((c) => c.type === "text" || c.type === "cardLink" || c.type === "hardBreak");
  return (node.content ?? []).map((c) => textOf(c, cards, removed)).join(inline ? "" : " ");
}

/** Card ids the document's card links name, each once. */
export function cardIdsOf(content: PMNode): string[] {
  const ids = new Set<string>();
  const stack: PMNode[] = [content];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === "cardLink" && typeof node.attrs?.cardId === "string") ids.add(node.attrs.cardId);
    if (node.content) stack.push(...node.content);
  }
  return [...ids];
}

// XML 1.0 allows neither these control characters nor lone surrogates; any editor shapes the text.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text every format can hold: characters XML refuses are dropped (lone surrogates become U+FFFD). */
export function cleanText(text: string): string {
  return text.replace(NOT_XML, (c) => (c.length === 1 && c >= "\uD800" && c <= "\uDFFF" ? "\uFFFD" : ""));
}

/** The same content with every text, attribute string and meta string cleaned ({@link cleanText}), in place. */
export function cleanDocument(doc: ExportDocument): ExportDocument {
  const stack: PMNode[] = [doc.content, ...(doc.translation ? [doc.translation] : [])];
  while (stack.length) {
    const node = stack.pop()!;
    if (typeof node.text === "string") node.text = cleanText(node.text);
    if (node.content) stack.push(...node.content);
  }
  const m = doc.meta;
  m.title = cleanText(m.title);
  m.facts = m.facts.map((f) => ({ label: cleanText(f.label), value: cleanText(f.value) }));
  if (m.bilingual) m.bilingual = { ...m.bilingual, headings: [cleanText(m.bilingual.headings[0]), cleanText(m.bilingual.headings[1])] };
  m.threads = m.threads?.map((t) => ({ ...t, comments: t.comments.map((c) => ({ ...c, author: cleanText(c.author), text: cleanText(c.text) })) }));
  for (const card of Object.values(doc.cards)) {
    card.title = cleanText(card.title);
    card.column = cleanText(card.column);
  }
  return doc;
}

/** Chinese, Japanese or Korean characters: such text gets an East Asian font. */
export const CJK = /[\u2E80-\u2FFF\u3000-\u30FF\u3100-\u31FF\u3200-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]|[\uD840-\uD87F][\uDC00-\uDFFF]/;
