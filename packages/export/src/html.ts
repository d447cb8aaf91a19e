import { generateHTML } from "@tiptap/html";
import { schemaExtensions } from "@twinning/editor";
import { cardText, type ExportDocument } from "./model";

/** Text for HTML element content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
const unescapeAttr = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]);

/**
 * The document's content as the server renders it everywhere (`generateHTML` with the shared
 * schema), with each card link showing its card's title and column instead of only its mark.
 */
export function contentHtml(doc: ExportDocument): string {
  const html = generateHTML(doc.content as never, schemaExtensions());
  return html.replace(/(<span class="card-link" data-card-id="([^"]*)">)▣(<\/span>)/g, (_, open: string, id: string, close: string) =>
    `${open}${escapeHtml(cardText(unescapeAttr(id), doc.cards, doc.meta.labels.cardRemoved))}${close}`,
  );
}

/** The stylesheet of an exported HTML file: readable on screen, and on paper only the document. */
export const EXPORT_CSS = `
:root { color-scheme: light; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; line-height: 1.55; color: #1a1a1a; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
:lang(zh-CN) { line-break: strict; word-break: normal; }
header.export-head { border-bottom: 1px solid #999; margin-bottom: 1.5rem; }
header.export-head h1 { margin-bottom: 0.25rem; }
dl.export-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; color: #444; font-size: 0.9rem; }
dl.export-facts dt { font-weight: 600; }
dl.export-facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #888; padding: 0.3rem 0.5rem; vertical-align: top; text-align: start; }
th { background: #eee; }
blockquote { border-inline-start: 3px solid #999; margin-inline: 0; padding-inline-start: 1rem; color: #333; }
pre { background: #f3f3f3; padding: 0.5rem; overflow-x: auto; }
ul[data-type="taskList"] { list-style: none; padding-inline-start: 0.5rem; }
ul[data-type="taskList"] li { display: flex; gap: 0.5rem; }
ul[data-type="taskList"] li > label { flex: none; }
ul[data-type="taskList"] li > div > p { margin: 0; }
.card-link { border: 1px solid #999; border-radius: 0.25rem; padding: 0 0.25rem; white-space: nowrap; }
section.export-signature { border-top: 1px solid #999; margin-top: 2rem; }
code.hash { word-break: break-all; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  @page { margin: 2cm; }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
  h1, h2, h3, h4 { break-after: avoid; }
  tr, li, blockquote { break-inside: avoid; }
  section.export-signature { break-before: page; }
}
`;

/** A standalone HTML file: the title, the facts, the content and, for a signed version, its signature. */
export function toHtml(doc: ExportDocument): string {
  const { meta } = doc;
  const facts = meta.facts.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join("");
  const s = meta.signature;
  const signature = s
    ? `<section class="export-signature"><h2>${escapeHtml(s.heading)}</h2><p>${escapeHtml(s.statement)}</p>` +
      `<table><thead><tr>${s.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>` +
      s.parties.map(([party, by, on]) => `<tr><th scope="row">${escapeHtml(party)}</th><td>${escapeHtml(by)}</td><td>${escapeHtml(on)}</td></tr>`).join("") +
      `</tbody></table>${s.hashes.map((h) => `<p>${escapeHtml(h.label)}: <code class="hash">${escapeHtml(h.hash)}</code></p>`).join("")}</section>`
    : "";
  return (
    `<!doctype html>\n<html lang="${escapeHtml(meta.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(meta.title)}</title><style>${EXPORT_CSS}</style></head><body>` +
    `<header class="export-head"><h1>${escapeHtml(meta.title)}</h1><dl class="export-facts">${facts}</dl></header>` +
    `<main class="document-body">${contentHtml(doc)}</main>${signature}</body></html>\n`
  );
}
