import { Mark, mergeAttributes } from "@tiptap/core";
import type { Mark as PMMark, Node } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Slice, Fragment } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";

/**
 * Comments anchored to text. The document holds only a `comment` mark with the thread's id; the
 * thread (quoted text, replies, resolved) lives in PostgreSQL. Marks of different threads may
 * overlap (`excludes: ""`), text typed at an anchor's edge does not join it (`inclusive: false`), and
 * nothing pasted carries a mark (no HTML parse rule, and pasted slices are stripped): a thread belongs
 * to the text it was started on.
 */
export const COMMENT_MARK = "comment";

export const CommentMark = Mark.create({
  name: COMMENT_MARK,
  inclusive: false,
  excludes: "",
  spanning: true,

  addAttributes() {
    return {
      threadId: {
        default: null,
        renderHTML: (attributes) => ({ "data-thread": attributes.threadId }),
      },
    };
  },

  parseHTML() {
    return [];
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes({ class: "comment-anchor" }, HTMLAttributes), 0];
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey("commentPaste"),
        props: { transformPasted: (slice) => withoutComments(slice) },
      }),
    ];
  },
});

function stripFragment(fragment: Fragment): Fragment {
  const children: Node[] = [];
  fragment.forEach((child) => {
    const marks = child.marks.filter((m) => m.type.name !== COMMENT_MARK);
    const content = child.isText ? child : child.copy(stripFragment(child.content));
    children.push(content.mark(marks));
  });
  return Fragment.from(children);
}

/** A slice with every comment mark taken out (what is pasted). */
export function withoutComments(slice: Slice): Slice {
  return new Slice(stripFragment(slice.content), slice.openStart, slice.openEnd);
}

/** A document with every comment mark taken out: what content hashes, approvals and signing compare. */
export function withoutCommentMarks(doc: Node): Node {
  const type = doc.type.schema.marks[COMMENT_MARK];
  if (!type) return doc;
  return new Transform(doc).removeMark(0, doc.content.size, type).doc;
}

/** What a thread's anchor is: the quoted text with some text before and after it, to find it again. */
export interface Anchor {
  quote: string;
  prefix: string;
  suffix: string;
}

/** How much text around the quote is kept to tell repeated quotes apart. */
const CONTEXT = 32;
/** A placeholder for an inline node (a card link) in the text anchors are found in. */
const INLINE_NODE = "\uFFFC";

/**
 * The document's text as anchors see it: text blocks separated by "\n", inline nodes as one
 * placeholder; `positions[i]` is the document position of character i (`positions[text.length]` the end).
 */
export function anchorText(doc: Node): { text: string; positions: number[] } {
  let text = "";
  const positions: number[] = [];
  let blocks = 0;
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      if (blocks++ > 0) {
        text += "\n";
        positions.push(pos);
      }
      return true;
    }
    if (node.isText) {
      for (let i = 0; i < node.text!.length; i++) positions.push(pos + i);
      text += node.text;
    } else if (node.isInline && node.isLeaf) {
      positions.push(pos);
      text += INLINE_NODE;
    }
    return true;
  });
  positions.push(doc.content.size);
  return { text, positions };
}

/** The index into `positions` of the first character at or after document position `pos`. */
function indexAt(positions: number[], pos: number): number {
  let lo = 0;
  let hi = positions.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The anchor of the text between two document positions (the user's selection). */
export function anchorOf(doc: Node, from: number, to: number): Anchor {
  const { text, positions } = anchorText(doc);
  const start = indexAt(positions, from);
  const end = indexAt(positions, to);
  return {
    quote: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
  };
}

/** Length of the common end of two strings. */
function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Where an anchor's quote is in the document now: of its occurrences, the one whose surroundings match
 * the anchor's prefix and suffix best, then the one nearest `near` (where the user selected it). Null
 * when the quote is not in the document (it changed meanwhile).
 */
export function findAnchor(doc: Node, anchor: Anchor, near?: number): { from: number; to: number } | null {
  if (!anchor.quote) return null;
  const { text, positions } = anchorText(doc);
  let best: {
    from: number;
    to: number;
    score: number;
    distance: number;
  } | null = null;
  for (let at = text.indexOf(anchor.quote); at !== -1; at = text.indexOf(anchor.quote, at + 1)) {
    const end = at + anchor.quote.length;
    const score =
      commonSuffix(text.slice(Math.max(0, at - anchor.prefix.length), at), anchor.prefix) +
      commonPrefix(text.slice(end, end + anchor.suffix.length), anchor.suffix);
    const from = positions[at];
    // The end is just after the quote's last character.
    const to = positions[end - 1] + 1;
    const distance = near === undefined ? 0 : Math.abs(from - near);
    if (!best || score > best.score || (score === best.score && distance < best.distance)) best = { from, to, score, distance };
  }
  return best && { from: best.from, to: best.to };
}

/** The document with a thread's mark added over `from`–`to`. */
export function withCommentMark(doc: Node, range: { from: number; to: number }, threadId: string): Node {
  const type = doc.type.schema.marks[COMMENT_MARK];
  return new Transform(doc).addMark(range.from, range.to, type.create({ threadId })).doc;
}

/** The threads a document holds marks of, each with the text it marks now (in document order). */
export function commentAnchors(doc: Node): Map<string, string> {
  const found = new Map<string, string>();
  doc.descendants((node) => {
    if (!node.isText) return true;
    for (const mark of node.marks as readonly PMMark[]) {
      if (mark.type.name !== COMMENT_MARK || typeof mark.attrs.threadId !== "string") continue;
      found.set(mark.attrs.threadId, (found.get(mark.attrs.threadId) ?? "") + node.text);
    }
    return false;
  });
  return found;
}

/**
 * `target` (a version being restored) with the comment threads of `live` kept: each thread anchored in
 * the live text is marked again where its text is in the target (found like any anchor, by its text
 * and the text around it); a thread whose text the target does not hold loses its mark ("text
 * removed"). The target's own comment marks are dropped first: the live document says which threads exist.
 */
export function keepComments(live: Node, target: Node): Node {
  let doc = withoutCommentMarks(target);
  const { text, positions } = anchorText(live);
  const ranges = new Map<string, { from: number; to: number }>();
  live.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type.name !== COMMENT_MARK || typeof mark.attrs.threadId !== "string") continue;
      const seen = ranges.get(mark.attrs.threadId);
      ranges.set(mark.attrs.threadId, { from: seen?.from ?? pos, to: pos + node.nodeSize });
    }
    return false;
  });
  for (const [threadId, range] of ranges) {
    const start = indexAt(positions, range.from);
    const end = indexAt(positions, range.to);
    const anchor = { quote: text.slice(start, end), prefix: text.slice(Math.max(0, start - CONTEXT), start), suffix: text.slice(end, end + CONTEXT) };
    const found = findAnchor(doc, anchor, range.from);
    if (found) doc = withCommentMark(doc, found, threadId);
  }
  return doc;
}
