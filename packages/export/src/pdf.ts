import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import { pairBlocks } from "./bilingual";
import { inlineRuns, textOf, type ExportDocument, type PMNode, type Run } from "./model";

/**
 * PDF with pdfkit. The text is set in Noto Sans SC (static TTFs from `@expo-google-fonts/noto-sans-sc`,
 * which covers Latin, Danish and Chinese alike), embedded as a subset of the glyphs used, so Chinese
 * renders on any machine; pdfkit breaks lines by the Unicode line-breaking rules, so Chinese wraps
 * between characters. Noto Sans SC has no italic (see `font`).
 * Every page has a running head (space, title, page number); the first page the title and the
 * facts; a signed version ends with the signature (parties, who approved when, the hash).
 */

type Doc = InstanceType<typeof PDFDocument>;

let fonts: { regular: Buffer; bold: Buffer } | null = null;
/** The two weights, read once per process (about 10 MB each). */
function notoSansSc() {
  if (!fonts) {
    const dir = dirname(createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/package.json"));
    fonts = { regular: readFileSync(join(dir, "400Regular/NotoSansSC_400Regular.ttf")), bold: readFileSync(join(dir, "700Bold/NotoSansSC_700Bold.ttf")) };
  }
  return fonts;
}

const SIZE = 10.5;
const HEADING_SIZES = [19, 16, 13.5, 12, 11, 10.5];
const INDENT = 18;
const MARGIN = 56;
const LINK = "#1a4f9c";
// What Courier (WinAnsi) can show.
const WIN_ANSI = /^[\n\u0020-\u007E\u00A0-\u00FF]*$/;

class Writer {
  /** A bilingual export's column being set: blocks are laid out within it instead of the page's width. */
  frame: { left: number; width: number } | null = null;
  /** A bilingual export (pages buffered): every page so far, in order, and where a continued table's rows start on a page. */
  private pages: Doc["page"][] | null = null;
  private columnsTop = 0;
  private columnsHead: (() => void) | null = null;

  constructor(
    private pdf: Doc,
    private doc: ExportDocument,
  ) {}

  private get left() {
    return this.frame?.left ?? this.pdf.page.margins.left;
  }
  private get width() {
    return this.frame?.width ?? this.pdf.page.width - this.pdf.page.margins.left - this.pdf.page.margins.right;
  }
  private get bottom() {
    return this.pdf.page.height - this.pdf.page.margins.bottom;
  }

  /**
   * Noto Sans SC for all text: fonts of other heights in one line would not share its baseline in
   * pdfkit, so there is no italic (the font has none) and inline code is not monospaced; a code
   * block, set alone, is in Courier when it is all WinAnsi.
   */
  font(run: Run, opts: { bold?: boolean; mono?: boolean }): string {
    if (opts.mono && WIN_ANSI.test(run.text)) return "Courier";
    return opts.bold || run.bold ? "NotoBold" : "Noto";
  }

  /**
   * One paragraph of runs from `x` over `width`. pdfkit's continued text ignores a newline alone in
   * a piece, so the runs are cut into lines at hard breaks (and newlines) and each line is set on its own.
   */
  runs(runs: Run[], opts: { x: number; width: number; size?: number; bold?: boolean; color?: string; gap?: number; mono?: boolean }) {
    const size = opts.size ?? SIZE;
    const lines: Run[][] = [[]];
    for (const r of runs) {
      if (r.break) {
        lines.push([]);
        continue;
      }
      r.text.split("\n").forEach((text, i) => {
        if (i > 0) lines.push([]);
        if (text) lines.at(-1)!.push({ ...r, text });
      });
    }
    for (const line of lines) {
      if (!line.length) line.push({ text: " " });
      line.forEach((r, i) => {
        const options = { width: opts.width, continued: i < line.length - 1, underline: Boolean(r.underline || r.href), strike: Boolean(r.strike), link: r.href ?? null, lineGap: 2 };
        this.pdf
          .font(this.font(r, opts))
          .fontSize(size)
          .fillColor(r.href ? LINK : (opts.color ?? "#1a1a1a"));
        // pdfkit reads a missing x as "the options come first": only the first piece names a position.
        if (i === 0) this.pdf.text(r.text, opts.x, this.pdf.y, options);
        else this.pdf.text(r.text, options);
      });
    }
    this.pdf.fillColor("#1a1a1a");
    this.pdf.y += opts.gap ?? 5;
  }

  inline(node: PMNode): Run[] {
    return inlineRuns(node, this.doc.cards, this.doc.meta.labels.cardRemoved);
  }

  /** Starts a new page when less than `height` is left on this one. */
  need(height: number) {
    if (this.pdf.y + height > this.bottom) this.nextPage();
  }

  /**
   * The next page: a new one, or — in a bilingual table, where the right column is set after the
   * left one on the same pages — the page after this one when the left column already made it.
   */
  nextPage() {
    const at = this.pages ? this.pages.indexOf(this.pdf.page) : -1;
    if (this.pages && at >= 0 && at < this.pages.length - 1) {
      this.pdf.switchToPage(at + 1);
      this.pdf.y = this.columnsTop;
    } else {
      // Text that breaks onto the new page goes on in its own font, size and colour, not the heading's.
      const kept = fontState(this.pdf);
      this.pdf.addPage();
      this.columnsHead?.();
      kept();
    }
    this.pdf.x = this.left;
  }

  blocks(nodes: PMNode[], depth = 0) {
    for (const node of nodes) this.block(node, depth);
  }

  block(node: PMNode, depth: number) {
    const x = this.left + depth * INDENT;
    const width = this.width - depth * INDENT;
    switch (node.type) {
      case "heading": {
        const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
        this.need(HEADING_SIZES[level - 1] * 3);
        this.pdf.y += level <= 2 ? 8 : 4;
        this.runs(this.inline(node), { x, width, size: HEADING_SIZES[level - 1], bold: true, gap: 4 });
        return;
      }
      case "paragraph":
        this.runs(this.inline(node), { x, width });
        return;
      case "blockquote": {
        const top = this.pdf.y;
        const page = this.pdf.page;
        this.blocks(node.content ?? [], depth + 1);
        // The bar beside the quote, on the page it ends on (from its top when it did not move on).
        const from = this.pdf.page === page ? top : this.pdf.page.margins.top;
        this.pdf.save().moveTo(x + 6, from).lineTo(x + 6, this.pdf.y - 4).lineWidth(2).strokeColor("#999999").stroke().restore();
        return;
      }
      case "codeBlock": {
        const text = (node.content ?? []).map((c) => c.text ?? "").join("");
        this.runs([{ text }], { x: x + 4, width: width - 8, size: 9.5, mono: true });
        return;
      }
      case "horizontalRule":
        this.need(12);
        this.rule(x, width);
        return;
      case "bulletList":
      case "orderedList":
      case "taskList":
        this.list(node, depth);
        return;
      case "table":
        this.table(
          (node.content ?? []).map((row, r) =>
            (row.content ?? []).map((cell) => ({
              text: (cell.content ?? []).map((b) => textOf(b, this.doc.cards, this.doc.meta.labels.cardRemoved)).join("\n"),
              header: cell.type === "tableHeader" || r === 0,
              span: Math.max(1, Number(cell.attrs?.colspan) || 1),
            })),
          ),
          x,
          width,
        );
        return;
      default:
        if (node.content) this.blocks(node.content, depth);
    }
  }

  rule(x: number, width: number) {
    const y = this.pdf.y + 4;
    this.pdf.save().moveTo(x, y).lineTo(x + width, y).lineWidth(0.75).strokeColor("#808080").stroke().restore();
    this.pdf.y = y + 8;
  }

  list(node: PMNode, depth: number) {
    let n = Number(node.attrs?.start) || 1;
    for (const item of node.content ?? []) {
      this.need(SIZE * 2);
      const y = this.pdf.y;
      const x = this.left + depth * INDENT;
      if (node.type === "taskList") this.checkbox(x + 2, y + 3.5, Boolean(item.attrs?.checked));
      else {
        const marker = node.type === "orderedList" ? `${n++}.` : ["•", "◦", "▪"][depth % 3];
        this.pdf.font("Noto").fontSize(SIZE).fillColor("#1a1a1a").text(marker, x, y, { width: INDENT + 6, lineBreak: false });
      }
      this.pdf.y = y;
      const [first, ...rest] = item.content ?? [];
      if (first?.type === "paragraph") this.runs(this.inline(first), { x: x + INDENT + 6, width: this.width - depth * INDENT - INDENT - 6, gap: 3 });
      else if (first) this.block(first, depth + 1);
      this.blocks(rest, depth + 1);
    }
  }

  /** A task's box, drawn (Noto Sans SC has no ballot-box glyphs). */
  checkbox(x: number, y: number, checked: boolean) {
    this.pdf.save().rect(x, y, 8, 8).lineWidth(0.8).strokeColor("#1a1a1a").stroke();
    if (checked) this.pdf.moveTo(x + 1.6, y + 4.2).lineTo(x + 3.4, y + 6.2).lineTo(x + 6.6, y + 1.8).lineWidth(1.2).stroke();
    this.pdf.restore();
  }

  table(rows: { text: string; header: boolean; span: number }[][], x: number, width: number) {
    const columns = Math.max(1, ...rows.map((r) => r.reduce((s, c) => s + c.span, 0)));
    // At least 24 pt a column: a table of hundreds of columns runs off the page rather than setting
    // one character a line.
    const col = Math.max(width / columns, 24);
    const pad = 4;
    this.pdf.y += 4;
    for (const row of rows) {
      const heights = row.map((c) => this.pdf.font(c.header ? "NotoBold" : "Noto").fontSize(9.5).heightOfString(c.text || " ", { width: col * c.span - 2 * pad, lineGap: 1 }));
      const height = Math.max(...heights, 10) + 2 * pad;
      this.need(Math.min(height, this.bottom - this.pdf.page.margins.top));
      const y = this.pdf.y;
      let cx = x;
      for (const c of row) {
        const w = col * c.span;
        if (c.header) this.pdf.save().rect(cx, y, w, height).fill("#eeeeee").restore();
        this.pdf.save().rect(cx, y, w, height).lineWidth(0.5).strokeColor("#808080").stroke().restore();
        this.pdf
          .font(c.header ? "NotoBold" : "Noto")
          .fontSize(9.5)
          .fillColor("#1a1a1a")
          .text(c.text || " ", cx + pad, y + pad, { width: w - 2 * pad, lineGap: 1 });
        cx += w;
      }
      this.pdf.y = Math.max(this.pdf.y, y + height);
    }
    this.pdf.x = x;
    this.pdf.y += 6;
  }

  /**
   * A bilingual export's body: two columns headed by the two languages (again on every page the
   * table goes on to), each row a source block beside its translation (`pairBlocks`), a light rule
   * under each row. A row that does not fit where it would start goes to the next page when it fits
   * on one; a longer row starts here and both its columns run on over the same pages (pdfkit's own
   * page breaks in text go through `nextPage` too). `measure` sets a block alone on a scratch page.
   */
  bilingual(translation: PMNode, headings: [string, string], measure: (node: PMNode, width: number) => number) {
    const gap = 18;
    const full = this.width;
    const left = this.left;
    const column = (full - gap) / 2;
    const xs = [left, left + column + gap];
    this.pages = [this.pdf.page];
    this.pdf.on("pageAdded", () => this.pages!.push(this.pdf.page));
    const continueOnNewPage = this.pdf.continueOnNewPage;
    this.pdf.continueOnNewPage = () => (this.nextPage(), this.pdf);
    this.columnsHead = () => {
      const y = this.pdf.y;
      headings.forEach((h, i) => {
        this.pdf.font("NotoBold").fontSize(10).fillColor("#444444").text(h, xs[i], y, { width: column, lineBreak: false, ellipsis: true, height: 14 });
      });
      this.pdf.fillColor("#1a1a1a");
      this.pdf.y = y + 16;
      this.rule(left, full);
      this.columnsTop = this.pdf.y;
    };
    this.pdf.y += 6;
    this.columnsHead();
    const pageHeight = this.bottom - this.columnsTop;
    const index = () => this.pages!.indexOf(this.pdf.page);
    for (const row of pairBlocks(this.doc.content.content ?? [], translation.content ?? [])) {
      const height = Math.max(...row.map((node) => (node ? measure(node, column) : 0)));
      if (this.pdf.y + height > this.bottom && (height <= pageHeight || this.pdf.y + 3 * SIZE > this.bottom)) this.nextPage();
      const start = { page: index(), y: this.pdf.y };
      let end = start;
      row.forEach((node, i) => {
        if (!node) return;
        this.pdf.switchToPage(start.page);
        this.pdf.y = start.y;
        this.frame = { left: xs[i], width: column };
        this.block(node, 0);
        const here = { page: index(), y: this.pdf.y };
        if (here.page > end.page || (here.page === end.page && here.y > end.y)) end = here;
      });
      this.frame = null;
      this.pdf.switchToPage(end.page);
      this.pdf.y = end.y;
      this.pdf.save().moveTo(left, end.y).lineTo(left + full, end.y).lineWidth(0.5).strokeColor("#d9d9d9").stroke().restore();
      this.pdf.y += 6;
    }
    this.pdf.switchToPage(this.pages.length - 1);
    this.pdf.x = left;
    this.columnsHead = null;
    this.pdf.continueOnNewPage = continueOnNewPage;
  }

  /** How tall a block is, set alone in `width` from the top of this (scratch) writer's page; Infinity when it would not fit one. */
  height(node: PMNode, width: number): number {
    this.pdf.addPage();
    const page = this.pdf.page;
    const top = this.pdf.y;
    this.frame = { left: this.pdf.page.margins.left, width };
    this.block(node, 0);
    this.frame = null;
    return this.pdf.page === page ? this.pdf.y - top : Infinity;
  }

  head() {
    const { meta } = this.doc;
    this.runs([{ text: meta.title }], { x: this.left, width: this.width, size: 22, bold: true, gap: 6 });
    for (const f of meta.facts) this.runs([{ text: `${f.label}: `, bold: true }, { text: f.value }], { x: this.left, width: this.width, size: 9, color: "#444444", gap: 1 });
    this.rule(this.left, this.width);
  }

  signature() {
    const s = this.doc.meta.signature;
    if (!s) return;
    this.pdf.addPage();
    this.runs([{ text: s.heading }], { x: this.left, width: this.width, size: HEADING_SIZES[1], bold: true });
    this.runs([{ text: s.statement }], { x: this.left, width: this.width });
    this.table([s.columns, ...s.parties].map((row, r) => row.map((text, i) => ({ text, header: r === 0 || i === 0, span: 1 }))), this.left, this.width);
    for (const h of s.hashes) {
      this.runs([{ text: `${h.label}: `, bold: true }], { x: this.left, width: this.width, gap: 0 });
      this.runs([{ text: h.hash }], { x: this.left, width: this.width, size: 9, mono: true });
    }
  }
}

/** The document as a PDF file. */
export async function toPdf(doc: ExportDocument): Promise<Uint8Array> {
  const { regular, bold } = notoSansSc();
  const pdf = new PDFDocument({ size: "A4", bufferPages: Boolean(doc.translation), margins: { top: MARGIN + 14, bottom: MARGIN, left: MARGIN, right: MARGIN }, lang: doc.meta.language, displayTitle: true, info: { Title: doc.meta.title, Creator: "Twinning" } });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pdf.on("data", (c: Buffer) => chunks.push(c));
    pdf.on("end", () => resolve());
    pdf.on("error", reject);
  });
  pdf.registerFont("Noto", regular);
  pdf.registerFont("NotoBold", bold);
  const running = [doc.meta.facts[0]?.value, doc.meta.title].filter(Boolean).join(" — ");
  let page = 0;
  const runningHead = () => {
    page++;
    const { x, y } = pdf;
    pdf
      .font("Noto")
      .fontSize(8)
      .fillColor("#666666")
      .text(`${running.length > 110 ? `${running.slice(0, 109)}…` : running}`, MARGIN, MARGIN - 16, { width: pdf.page.width - 2 * MARGIN - 40, lineBreak: false, height: 10, ellipsis: true });
    pdf.text(String(page), pdf.page.width - MARGIN - 40, MARGIN - 16, { width: 40, align: "right", lineBreak: false });
    pdf.fillColor("#1a1a1a");
    pdf.x = x;
    pdf.y = y;
  };
  runningHead();
  // pdfkit's own page break in a long paragraph adds the page mid-text: the rest of it keeps its font.
  pdf.on("pageAdded", () => {
    const kept = fontState(pdf);
    runningHead();
    kept();
  });
  const w = new Writer(pdf, doc);
  w.head();
  if (doc.translation && doc.meta.bilingual) {
    const scratch = scratchWriter(doc, regular, bold);
    w.bilingual(doc.translation, doc.meta.bilingual.headings, (node, width) => scratch.height(node, width));
  } else w.blocks(doc.content.content ?? []);
  w.signature();
  pdf.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** The document's current font, size and fill colour (pdfkit keeps them on the document), and a function that sets them back. */
function fontState(pdf: Doc): () => void {
  const state = pdf as unknown as { _font: unknown; _fontSize: number; _fillColor?: [string, number] };
  const { _font: font, _fontSize: size, _fillColor: fill } = state;
  return () => {
    state._font = font;
    pdf.fontSize(size);
    if (fill) pdf.fillColor(...fill);
  };
}

/**
 * A writer on a PDF that is never kept, whose pages are very tall: a bilingual export measures each
 * block on it before setting its row (pdfkit measures strings, not blocks). Its output is dropped.
 */
function scratchWriter(doc: ExportDocument, regular: Buffer, bold: Buffer): Writer {
  const pdf = new PDFDocument({ size: [595.28, 100_000], margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, autoFirstPage: false });
  pdf.on("data", () => {});
  pdf.registerFont("Noto", regular);
  pdf.registerFont("NotoBold", bold);
  return new Writer(pdf, doc);
}
