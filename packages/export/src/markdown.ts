import { inlineRuns, type ExportDocument, type PMNode, type Run } from "./model";

/**
 * GitHub-flavoured Markdown: ATX headings, `-` and `1.` lists (nested by indentation), task lists
 * (`- [x]`), pipe tables (the first row is the header row), quotes, fenced code, `---` rules.
 * Underline has no Markdown of its own and is written as `<u>`; text that would read as Markdown
 * is escaped.
 */
export function toMarkdown(doc: ExportDocument): string {
  const { meta } = doc;
  const head = [`# ${escapeText(meta.title)}`, "", ...meta.facts.map((f) => `${escapeText(f.label)}: ${escapeText(f.value)}  `)].join("\n");
  const body = blocks(doc.content.content ?? [], doc).join("\n\n");
  const parts = [head.trimEnd(), "---", body];
  if (meta.signature) {
    const s = meta.signature;
    parts.push(
      [`## ${escapeText(s.heading)}`, "", escapeText(s.statement), "", table([s.columns, ...s.parties].map((row) => row.map(escapeCell))), "", ...s.hashes.map((h) => `${escapeText(h.label)}: \`${h.hash}\`  `)].join("\n"),
    );
  }
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}

const LISTS = new Set(["bulletList", "orderedList", "taskList"]);

function blocks(nodes: PMNode[], doc: ExportDocument): string[] {
  const out: string[] = [];
  nodes.forEach((n, i) => {
    // Two lists in a row would read as one: an empty comment keeps them apart.
    if (i > 0 && LISTS.has(n.type) && LISTS.has(nodes[i - 1].type)) out.push("<!-- -->");
    const text = block(n, doc);
    if (text !== "") out.push(text);
  });
  return out;
}

function block(node: PMNode, doc: ExportDocument): string {
  switch (node.type) {
    case "heading": {
      const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
      return `${"#".repeat(level)} ${inline(node, doc).replace(/\n/g, " ")}`;
    }
    case "paragraph":
      return inline(node, doc);
    case "blockquote":
      return prefixLines(blocks(node.content ?? [], doc).join("\n\n"), "> ", "> ");
    case "codeBlock": {
      const text = (node.content ?? []).map((c) => c.text ?? "").join("");
      const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
      return `${fence}${typeof node.attrs?.language === "string" ? node.attrs.language.replace(/[^\w+-]/g, "") : ""}\n${text}\n${fence}`;
    }
    case "horizontalRule":
      return "---";
    case "bulletList":
    case "orderedList":
    case "taskList":
      return list(node, doc);
    case "table":
      return table((node.content ?? []).map((row) => (row.content ?? []).map((cell) => cellText(cell, doc))));
    default:
      return node.content ? blocks(node.content, doc).join("\n\n") : "";
  }
}

function list(node: PMNode, doc: ExportDocument): string {
  let n = Number(node.attrs?.start) || 1;
  const items = (node.content ?? []).map((item) => {
    const marker = node.type === "orderedList" ? `${n++}.` : node.type === "taskList" ? `- [${item.attrs?.checked ? "x" : " "}]` : "-";
    const body = (item.content ?? [])
      .map((child) => block(child, doc))
      .filter((s) => s !== "")
      .join("\n");
    // Continuation lines line up under the item's text (after "- ", "1. " or "- [ ] ").
    const indent = " ".repeat(node.type === "orderedList" ? marker.length + 1 : 2);
    return prefixLines(body || " ", `${marker} `, indent);
  });
  return items.join("\n");
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? first : line === "" ? rest.trimEnd() : rest) + line)
    .join("\n");
}

function table(rows: string[][]): string {
  if (!rows.length) return "";
  const width = Math.max(...rows.map((r) => r.length), 1);
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? "").join(" | ")} |`;
  return [line(rows[0]), line(Array(width).fill("---")), ...rows.slice(1).map(line)].join("\n");
}

/** A table cell's blocks on one line (a cell of a pipe table cannot hold lines). */
function cellText(cell: PMNode, doc: ExportDocument): string {
  return (cell.content ?? [])
    .map((b) => (b.type === "paragraph" || b.type === "heading" ? inline(b, doc) : block(b, doc)))
    .filter(Boolean)
    .join("<br>")
    .replace(/\n/g, "<br>")
    // Text has its pipes escaped already; code spans do not.
    .replace(/(?<!\\)\|/g, "\\|");
}

/** Text for a cell of a pipe table (escapeText escapes its pipes). */
const escapeCell = escapeText;

/** The inline content of a block as Markdown. */
function inline(node: PMNode, doc: ExportDocument): string {
  const out = inlineRuns(node, doc.cards, doc.meta.labels.cardRemoved)
    .map(run)
    .join("");
  // A line starting like a heading, a list item, a quote or a rule would not stay a paragraph.
  return out
    .replace(/^(\s*)([#>+-]|=+$)/gm, "$1\\$2")
    .replace(/^(\s*)(\d+)([.)])(?=\s|$)/gm, "$1$2\\$3");
}

function run(r: Run): string {
  if (r.break) return "\\\n";
  if (r.code) {
    const ticks = "`".repeat(longestRun(r.text, "`") + 1);
    return wrapKeepingSpace(r.text, ticks, ticks, r);
  }
  let open = "";
  let close = "";
  if (r.bold) (open += "**"), (close = `**${close}`);
  if (r.italic) (open += "_"), (close = `_${close}`);
  if (r.strike) (open += "~~"), (close = `~~${close}`);
  if (r.underline) (open += "<u>"), (close = `</u>${close}`);
  return wrapKeepingSpace(escapeText(r.text), open, close, r);
}

/** Emphasis may not start or end with a space: spaces stay outside the markers. */
function wrapKeepingSpace(text: string, open: string, close: string, r: Run): string {
  const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  if (!core) return text;
  const marked = `${open}${core}${close}`;
  return lead + (r.href ? `[${marked}](<${r.href.replace(/[<>\s]/g, encodeURIComponent)}>)` : marked) + trail;
}

/** Characters Markdown reads as syntax inside a line, escaped. */
export function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>~|]/g, "\\$&").replace(/\n/g, " ");
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let cur = 0;
  for (const c of text) {
    cur = c === ch ? cur + 1 : 0;
    best = Math.max(best, cur);
  }
  return best;
}
