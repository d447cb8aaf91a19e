import { strToU8, zipSync, type Zippable } from "fflate";
import { inlineRuns, type ExportDocument, type PMNode, type Run } from "./model";

/**
 * OpenDocument Text (ODF 1.3), written here: `mimetype` (first, stored), `META-INF/manifest.xml`,
 * `content.xml` (the text, with automatic styles for character formatting and tables), `styles.xml`
 * (named paragraph and list styles, fonts with an East Asian font for Chinese) and `meta.xml`.
 * Zipped with fflate. Opens in LibreOffice and Word.
 */

const NS = {
  office: "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
  style: "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
  text: "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
  table: "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
  fo: "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
  xlink: "http://www.w3.org/1999/xlink",
  svg: "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
  dc: "http://purl.org/dc/elements/1.1/",
  meta: "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
} as const;
const XMLNS = Object.entries(NS)
  .map(([k, v]) => `xmlns:${k}="${v}"`)
  .join(" ");
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const ODT_MIMETYPE = "application/vnd.oasis.opendocument.text";

/** Text for XML content or a quoted attribute. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/**
 * Text as ODF paragraph content: ODF collapses white space like HTML, so a run of spaces keeps its
 * first as a space and the rest as `<text:s text:c="n"/>` (a leading one too), tabs and newlines
 * become `<text:tab/>` and `<text:line-break/>`.
 */
export function odfText(text: string, atStart = false): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " ") {
      let n = 0;
      while (text[i + n] === " ") n++;
      const literal = atStart && i === 0 ? 0 : 1;
      out += " ".repeat(literal) + (n - literal > 0 ? `<text:s text:c="${n - literal}"/>` : "");
      i += n;
    } else if (c === "\t") {
      out += "<text:tab/>";
      i++;
    } else if (c === "\n") {
      out += "<text:line-break/>";
      i++;
    } else {
      let j = i;
      while (j < text.length && text[j] !== " " && text[j] !== "\t" && text[j] !== "\n") j++;
      out += xmlEscape(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The automatic text styles of one document: one per combination of marks that occurs. */
class SpanStyles {
  private byKey = new Map<string, string>();
  name(run: Run): string | null {
    const key = [run.bold && "b", run.italic && "i", run.underline && "u", run.strike && "s", run.code && "c", run.href && "a"].filter(Boolean).join("");
    if (!key) return null;
    let name = this.byKey.get(key);
    if (!name) this.byKey.set(key, (name = `T${this.byKey.size + 1}`));
    return name;
  }
  xml(): string {
    return [...this.byKey]
      .map(([key, name]) => {
        const p: string[] = [];
        if (key.includes("b")) p.push('fo:font-weight="bold" style:font-weight-asian="bold"');
        if (key.includes("i")) p.push('fo:font-style="italic" style:font-style-asian="italic"');
        if (key.includes("u") || key.includes("a")) p.push('style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"');
        if (key.includes("s")) p.push('style:text-line-through-style="solid"');
        if (key.includes("c")) p.push('style:font-name="Liberation Mono"');
        if (key.includes("a")) p.push('fo:color="#1a4f9c"');
        return `<style:style style:name="${name}" style:family="text"><style:text-properties ${p.join(" ")}/></style:style>`;
      })
      .join("");
  }
}

class ContentWriter {
  readonly spans = new SpanStyles();
  private tables = 0;
  constructor(private doc: ExportDocument) {}

  paragraph(style: string, runs: Run[], tag: "p" | "h" = "p", level = 0): string {
    const attrs = tag === "h" ? ` text:outline-level="${level}"` : "";
    return `<text:${tag} text:style-name="${style}"${attrs}>${this.inline(runs)}</text:${tag}>`;
  }

  inline(runs: Run[]): string {
    let out = "";
    for (const [i, r] of runs.entries()) {
      if (r.break) {
        out += "<text:line-break/>";
        continue;
      }
      let body = odfText(r.text, i === 0);
      const style = this.spans.name(r);
      if (style) body = `<text:span text:style-name="${style}">${body}</text:span>`;
      if (r.href) body = `<text:a xlink:type="simple" xlink:href="${xmlEscape(r.href)}">${body}</text:a>`;
      out += body;
    }
    return out;
  }

  runs(node: PMNode): Run[] {
    return inlineRuns(node, this.doc.cards, this.doc.meta.labels.cardRemoved);
  }

  blocks(nodes: PMNode[], context: { para: string } = { para: "Text_20_body" }): string {
    return nodes.map((n) => this.block(n, context)).join("");
  }

  block(node: PMNode, context: { para: string }): string {
    switch (node.type) {
      case "heading": {
        const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
        return this.paragraph(`Heading_20_${level}`, this.runs(node), "h", level);
      }
      case "paragraph":
        return this.paragraph(context.para, this.runs(node));
      case "blockquote":
        return this.blocks(node.content ?? [], { para: "Quotations" });
      case "codeBlock":
        return (node.content ?? [])
          .map((c) => c.text ?? "")
          .join("")
          .split("\n")
          .map((line) => `<text:p text:style-name="Preformatted_20_Text">${odfText(line, true)}</text:p>`)
          .join("");
      case "horizontalRule":
        return '<text:p text:style-name="Horizontal_20_Line"/>';
      case "bulletList":
      case "orderedList":
      case "taskList":
        return this.list(node, context);
      case "table":
        return this.table(node);
      default:
        return node.content ? this.blocks(node.content, context) : "";
    }
  }

  list(node: PMNode, context: { para: string }): string {
    const style = node.type === "orderedList" ? "Numbering_20_123" : node.type === "taskList" ? "Tasks" : "List_20_1";
    const start = Number(node.attrs?.start) || 1;
    const items = (node.content ?? []).map((item, i) => {
      const startAttr = node.type === "orderedList" && i === 0 && start !== 1 ? ` text:start-value="${start}"` : "";
      const children = item.content ?? [];
      const body = children
        .map((child, j) => {
          // A task's box goes before the text of its first paragraph.
          if (node.type === "taskList" && j === 0 && child.type === "paragraph")
            return this.paragraph("List_20_Contents", [{ text: item.attrs?.checked ? "☑ " : "☐ " }, ...this.runs(child)]);
          return this.block(child, { para: context.para === "Quotations" ? context.para : "List_20_Contents" });
        })
        .join("");
      return `<text:list-item${startAttr}>${body || '<text:p text:style-name="List_20_Contents"/>'}</text:list-item>`;
    });
    return `<text:list text:style-name="${style}">${items.join("")}</text:list>`;
  }

  table(node: PMNode): string {
    const name = `Table${++this.tables}`;
    const rows = node.content ?? [];
    // Cells that rows above cover (rowspan) are written as covered cells, so every row has every column.
    const coveredBelow: number[] = [];
    const out: string[][] = [];
    let columns = 0;
    for (const [r, row] of rows.entries()) {
      const cells: string[] = [];
      let col = 0;
      const skip = () => {
        while ((coveredBelow[col] ?? 0) > 0) {
          coveredBelow[col]--;
          cells.push("<table:covered-table-cell/>");
          col++;
        }
      };
      for (const cell of row.content ?? []) {
        skip();
        const colspan = Math.max(1, Math.min(100, Number(cell.attrs?.colspan) || 1));
        const rowspan = Math.max(1, Math.min(1000, Number(cell.attrs?.rowspan) || 1));
        const header = cell.type === "tableHeader" || r === 0;
        const span = `${colspan > 1 ? ` table:number-columns-spanned="${colspan}"` : ""}${rowspan > 1 ? ` table:number-rows-spanned="${rowspan}"` : ""}`;
        const body = this.blocks(cell.content ?? [], { para: header ? "Table_20_Heading" : "Table_20_Contents" }) || '<text:p text:style-name="Table_20_Contents"/>';
        cells.push(`<table:table-cell table:style-name="${name}.Cell" office:value-type="string"${span}>${body}</table:table-cell>`);
        for (let k = 0; k < colspan; k++) {
          if (rowspan > 1) coveredBelow[col + k] = Math.max(coveredBelow[col + k] ?? 0, rowspan - 1);
          if (k > 0) cells.push("<table:covered-table-cell/>");
        }
        col += colspan;
      }
      skip();
      columns = Math.max(columns, col);
      out.push(cells);
    }
    const padded = out.map((cells) => {
      const width = cells.length;
      return `<table:table-row>${cells.join("")}${"<table:table-cell/>".repeat(Math.max(0, columns - width))}</table:table-row>`;
    });
    const [first, ...rest] = padded;
    const head = first ? `<table:table-header-rows>${first}</table:table-header-rows>` : "";
    return (
      `<table:table table:name="${name}" table:style-name="${name}"><table:table-column table:style-name="${name}.A" table:number-columns-repeated="${Math.max(1, columns)}"/>` +
      `${head}${rest.join("")}</table:table>`
    );
  }

  tableStyles(): string {
    let out = "";
    for (let i = 1; i <= this.tables; i++)
      out +=
        `<style:style style:name="Table${i}" style:family="table"><style:table-properties style:width="17cm" table:align="margins" fo:margin-top="0.2cm" fo:margin-bottom="0.2cm"/></style:style>` +
        `<style:style style:name="Table${i}.A" style:family="table-column"/>` +
        `<style:style style:name="Table${i}.Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #808080"/></style:style>`;
    return out;
  }
}

function localeAttrs(language: string): string {
  const [lang, country] = language === "zh-CN" ? ["zh", "CN"] : language === "en" ? ["en", "GB"] : language === "da" ? ["da", "DK"] : [language.split("-")[0] || "da", ""];
  return lang === "zh"
    ? 'fo:language="zxx" fo:country="none" style:language-asian="zh" style:country-asian="CN"'
    : `fo:language="${xmlEscape(lang)}" fo:country="${xmlEscape(country || "none")}" style:language-asian="zh" style:country-asian="CN"`;
}

/** The text of content.xml. */
export function odtContent(doc: ExportDocument): string {
  const w = new ContentWriter(doc);
  const { meta } = doc;
  const head =
    w.paragraph("Title", [{ text: meta.title }]) + meta.facts.map((f) => w.paragraph("Facts", [{ text: `${f.label}: `, bold: true }, { text: f.value }])).join("") + '<text:p text:style-name="Horizontal_20_Line"/>';
  const body = w.blocks(doc.content.content ?? []);
  let signature = "";
  if (meta.signature) {
    const s = meta.signature;
    const table: PMNode = {
      type: "table",
      content: [s.columns, ...s.parties].map((row, r) => ({
        type: "tableRow",
        content: row.map((text) => ({ type: r === 0 ? "tableHeader" : "tableCell", content: [{ type: "paragraph", content: text ? [{ type: "text", text }] : [] }] })),
      })),
    };
    signature =
      w.paragraph("Heading_20_2", [{ text: s.heading }], "h", 2) +
      w.paragraph("Text_20_body", [{ text: s.statement }]) +
      w.table(table) +
      s.hashes.map((h) => w.paragraph("Text_20_body", [{ text: `${h.label}: `, bold: true }, { text: h.hash, code: true }])).join("");
  }
  return (
    `${HEAD}<office:document-content ${XMLNS} office:version="1.3">` +
    `<office:font-face-decls>${FONT_FACES}</office:font-face-decls>` +
    `<office:automatic-styles>${w.spans.xml()}${w.tableStyles()}</office:automatic-styles>` +
    `<office:body><office:text>${head}${body}${signature}</office:text></office:body></office:document-content>`
  );
}

const FONT_FACES =
  '<style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;, Arial" style:font-family-generic="swiss" style:font-pitch="variable"/>' +
  '<style:font-face style:name="Liberation Mono" svg:font-family="&apos;Liberation Mono&apos;, &apos;Courier New&apos;" style:font-family-generic="modern" style:font-pitch="fixed"/>' +
  '<style:font-face style:name="Noto Sans SC" svg:font-family="&apos;Noto Sans SC&apos;, &apos;Noto Sans CJK SC&apos;, &apos;Microsoft YaHei&apos;, SimSun" style:font-family-generic="swiss" style:font-pitch="variable"/>';

function paragraphStyle(name: string, display: string, props: { para?: string; text?: string; parent?: string; cls?: string; outline?: number }): string {
  return (
    `<style:style style:name="${name}" style:display-name="${display}" style:family="paragraph" style:parent-style-name="${props.parent ?? "Standard"}"` +
    `${props.cls ? ` style:class="${props.cls}"` : ""}${props.outline ? ` style:default-outline-level="${props.outline}"` : ""}>` +
    `${props.para ? `<style:paragraph-properties ${props.para}/>` : ""}${props.text ? `<style:text-properties ${props.text}/>` : ""}</style:style>`
  );
}

function listStyle(name: string, display: string, level: (n: number) => string): string {
  let levels = "";
  for (let n = 1; n <= 10; n++) {
    const indent = (0.635 * n).toFixed(3);
    levels += level(n).replace(
      "%PROPS%",
      `<style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="${indent}cm" fo:text-indent="-0.635cm" fo:margin-left="${indent}cm"/></style:list-level-properties>`,
    );
  }
  return `<text:list-style style:name="${name}" style:display-name="${display}">${levels}</text:list-style>`;
}

/** The text of styles.xml: the named styles content.xml uses. */
export function odtStyles(language: string): string {
  const heading = (n: number, size: string) =>
    paragraphStyle(`Heading_20_${n}`, `Heading ${n}`, { parent: "Heading", cls: "text", outline: n, text: `fo:font-size="${size}" fo:font-weight="bold" style:font-size-asian="${size}" style:font-weight-asian="bold"` });
  const styles =
    `<style:default-style style:family="paragraph"><style:paragraph-properties fo:line-height="115%"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="11pt" ${localeAttrs(language)} style:font-name-asian="Noto Sans SC" style:font-size-asian="11pt"/></style:default-style>` +
    `<style:style style:name="Standard" style:family="paragraph" style:class="text"/>` +
    paragraphStyle("Text_20_body", "Text body", { para: 'fo:margin-top="0cm" fo:margin-bottom="0.25cm"' }) +
    paragraphStyle("Heading", "Heading", { para: 'fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"', text: 'fo:font-size="14pt" style:font-size-asian="14pt"' }) +
    heading(1, "20pt") +
    heading(2, "16pt") +
    heading(3, "14pt") +
    heading(4, "12pt") +
    heading(5, "11pt") +
    heading(6, "11pt") +
    paragraphStyle("Title", "Title", { parent: "Heading", cls: "chapter", text: 'fo:font-size="24pt" fo:font-weight="bold" style:font-size-asian="24pt" style:font-weight-asian="bold"' }) +
    paragraphStyle("Facts", "Facts", { para: 'fo:margin-bottom="0.05cm"', text: 'fo:font-size="9.5pt" fo:color="#444444" style:font-size-asian="9.5pt"' }) +
    paragraphStyle("Quotations", "Quotations", { parent: "Text_20_body", para: 'fo:margin-left="1cm" fo:margin-right="1cm" fo:padding-left="0.2cm" fo:border-left="1.5pt solid #999999"', text: 'fo:color="#333333"' }) +
    paragraphStyle("Preformatted_20_Text", "Preformatted Text", { para: 'fo:margin-top="0cm" fo:margin-bottom="0cm" fo:background-color="#f3f3f3"', text: 'style:font-name="Liberation Mono" fo:font-size="10pt"' }) +
    paragraphStyle("List_20_Contents", "List Contents", { parent: "Text_20_body", para: 'fo:margin-bottom="0.1cm"' }) +
    paragraphStyle("Table_20_Contents", "Table Contents", { para: 'fo:margin-bottom="0cm"' }) +
    paragraphStyle("Table_20_Heading", "Table Heading", { parent: "Table_20_Contents", text: 'fo:font-weight="bold" style:font-weight-asian="bold"' }) +
    paragraphStyle("Horizontal_20_Line", "Horizontal Line", { para: 'fo:margin-top="0.2cm" fo:margin-bottom="0.4cm" fo:padding="0cm" fo:border-bottom="0.75pt solid #808080"', text: 'fo:font-size="6pt"' }) +
    listStyle("List_20_1", "List 1", (n) => `<text:list-level-style-bullet text:level="${n}" text:bullet-char="${["•", "◦", "▪"][(n - 1) % 3]}">%PROPS%</text:list-level-style-bullet>`) +
    listStyle("Numbering_20_123", "Numbering 123", (n) => `<text:list-level-style-number text:level="${n}" style:num-format="${["1", "a", "i"][(n - 1) % 3]}" style:num-suffix=".">%PROPS%</text:list-level-style-number>`) +
    listStyle("Tasks", "Tasks", (n) => `<text:list-level-style-bullet text:level="${n}" text:bullet-char="\u00a0">%PROPS%</text:list-level-style-bullet>`);
  return (
    `${HEAD}<office:document-styles ${XMLNS} office:version="1.3"><office:font-face-decls>${FONT_FACES}</office:font-face-decls>` +
    `<office:styles>${styles}</office:styles>` +
    `<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout></office:automatic-styles>` +
    `<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles></office:document-styles>`
  );
}

function odtMeta(doc: ExportDocument): string {
  return (
    `${HEAD}<office:document-meta ${XMLNS} office:version="1.3"><office:meta><meta:generator>Twinning</meta:generator>` +
    `<dc:title>${xmlEscape(doc.meta.title)}</dc:title><dc:language>${xmlEscape(doc.meta.language)}</dc:language></office:meta></office:document-meta>`
  );
}

const MANIFEST =
  `${HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
  `<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODT_MIMETYPE}"/>` +
  ["content.xml", "styles.xml", "meta.xml"].map((f) => `<manifest:file-entry manifest:full-path="${f}" manifest:media-type="text/xml"/>`).join("") +
  `</manifest:manifest>`;

/** The document as an .odt file. */
export function toOdt(doc: ExportDocument): Uint8Array {
  // The order matters: ODF readers find `mimetype` as the first entry, stored uncompressed.
  const files: Zippable = {
    mimetype: [strToU8(ODT_MIMETYPE), { level: 0 }],
    "META-INF/manifest.xml": strToU8(MANIFEST),
    "content.xml": strToU8(odtContent(doc)),
    "styles.xml": strToU8(odtStyles(doc.meta.language)),
    "meta.xml": strToU8(odtMeta(doc)),
  };
  return zipSync(files, { level: 6, mtime: new Date("2000-01-01T00:00:00Z") });
}
