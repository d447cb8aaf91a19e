import {
  AlignmentType,
  BorderStyle,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type ParagraphChild,
} from "docx";
import { pairBlocks } from "./bilingual";
import { CJK, inlineRuns, type ExportDocument, type PMNode, type Run } from "./model";

/**
 * Where each comment thread starts and ends, as indexes of the runs the writer makes from text blocks
 * in document order (a thread may span runs and paragraphs; Word wants one range and one reference).
 */
function threadRanges(doc: ExportDocument): Map<string, { id: number; first: number; last: number }> {
  const wanted = new Map((doc.meta.threads ?? []).map((t, i) => [t.threadId, i]));
  const ranges = new Map<string, { id: number; first: number; last: number }>();
  if (!wanted.size) return ranges;
  let index = 0;
  const visit = (node: PMNode) => {
    if (node.type === "paragraph" || node.type === "heading") {
      for (const run of inlineRuns(node, doc.cards, doc.meta.labels.cardRemoved)) {
        for (const t of run.threads ?? []) {
          if (!wanted.has(t)) continue;
          const range = ranges.get(t);
          if (range) range.last = index;
          else ranges.set(t, { id: wanted.get(t)!, first: index, last: index });
        }
        index++;
      }
    } else if (node.type !== "codeBlock") node.content?.forEach(visit);
  };
  visit(doc.content);
  return ranges;
}

/**
 * Word (.docx) with the `docx` package. Every run names a Latin and an East Asian font, and a run
 * holding Chinese is marked zh-CN with the East Asian hint, so Word shows it in a Chinese font
 * whatever the machine's default. Lists use Word numbering (each list restarts, at its own first
 * number), tables Word tables.
 */

const LATIN = "Calibri";
const EAST_ASIAN = "Microsoft YaHei";
const MONO = "Consolas";
const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

function levels(kind: "bullet" | "number", start = 1): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    start: level === 0 ? start : 1,
    format: kind === "bullet" ? LevelFormat.BULLET : [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN][level % 3],
    text: kind === "bullet" ? ["•", "◦", "▪"][level % 3] : `%${level + 1}.`,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
  }));
}

class Writer {
  private listInstance = 0;
  /** Runs made from text blocks so far (see threadRanges). */
  private runIndex = 0;
  readonly ranges: Map<string, { id: number; first: number; last: number }>;
  /** The first numbers of the ordered lists written (each gets a numbering of its own). */
  readonly starts = new Set<number>([1]);
  constructor(private doc: ExportDocument) {
    this.ranges = threadRanges(doc);
  }

  runs(runs: Run[]): ParagraphChild[] {
    return runs.map((r) => {
      if (r.break) return new TextRun({ break: 1 });
      const cjk = CJK.test(r.text);
      const run = new TextRun({
        text: r.text,
        bold: r.bold,
        italics: r.italic,
        underline: r.underline ? {} : undefined,
        strike: r.strike,
        style: r.href ? "Hyperlink" : undefined,
        font: r.code ? { ascii: MONO, hAnsi: MONO, cs: MONO, eastAsia: EAST_ASIAN } : { ascii: LATIN, hAnsi: LATIN, cs: LATIN, eastAsia: EAST_ASIAN, ...(cjk ? { hint: "eastAsia" } : {}) },
        language: cjk ? { eastAsia: "zh-CN" } : undefined,
      });
      return r.href ? new ExternalHyperlink({ link: r.href, children: [run] }) : run;
    });
  }

  inline(node: PMNode): ParagraphChild[] {
    const runs = inlineRuns(node, this.doc.cards, this.doc.meta.labels.cardRemoved);
    const written = this.runs(runs);
    if (!this.ranges.size) {
      this.runIndex += runs.length;
      return written;
    }
    // Each thread's range opens before its first run and closes, with its reference, after its last.
    const out: ParagraphChild[] = [];
    runs.forEach((run, i) => {
      const at = this.runIndex++;
      const threads = (run.threads ?? []).map((t) => this.ranges.get(t)).filter((r) => r !== undefined);
      for (const r of threads) if (r.first === at) out.push(new CommentRangeStart(r.id));
      out.push(written[i]);
      for (const r of threads)
        if (r.last === at) out.push(new CommentRangeEnd(r.id), new TextRun({ children: [new CommentReference(r.id)] }));
    });
    return out;
  }

  blocks(nodes: PMNode[], ctx: Ctx = {}): (Paragraph | Table)[] {
    return nodes.flatMap((n) => this.block(n, ctx));
  }

  block(node: PMNode, ctx: Ctx): (Paragraph | Table)[] {
    switch (node.type) {
      case "heading": {
        const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
        return [new Paragraph({ heading: HEADINGS[level - 1], children: this.inline(node) })];
      }
      case "paragraph":
        return [this.paragraph(this.inline(node), ctx)];
      case "blockquote":
        return this.blocks(node.content ?? [], { ...ctx, quote: true });
      case "codeBlock": {
        const text = (node.content ?? []).map((c) => c.text ?? "").join("");
        const lines = text.split("\n").map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0, font: MONO }));
        return [new Paragraph({ children: lines, shading: { type: ShadingType.CLEAR, fill: "F3F3F3", color: "auto" } })];
      }
      case "horizontalRule":
        return [new Paragraph({ children: [], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "808080", space: 1 } } })];
      case "bulletList":
      case "orderedList":
      case "taskList":
        return this.list(node, ctx);
      case "table":
        return [this.table(node)];
      default:
        return node.content ? this.blocks(node.content, ctx) : [];
    }
  }

  paragraph(children: ParagraphChild[], ctx: Ctx): Paragraph {
    return new Paragraph({
      children,
      style: ctx.quote ? "Quote" : undefined,
      ...(ctx.list ? { numbering: ctx.list.first ? { reference: ctx.list.reference, level: ctx.list.level, instance: ctx.list.instance } : undefined, indent: ctx.list.first ? undefined : { left: 720 * (ctx.list.level + 1) } } : {}),
    });
  }

  list(node: PMNode, ctx: Ctx): (Paragraph | Table)[] {
    const level = ctx.list ? Math.min(8, ctx.list.level + 1) : 0;
    const start = Math.max(0, Math.min(1_000_000, Math.trunc(Number(node.attrs?.start) || 1)));
    if (node.type === "orderedList") this.starts.add(start);
    const reference = node.type === "orderedList" ? `numbers-${start}` : node.type === "taskList" ? "tasks" : "bullets";
    // Each ordered list counts from its own start: a new numbering instance.
    const instance = ++this.listInstance;
    return (node.content ?? []).flatMap((item) =>
      (item.content ?? []).flatMap((child, i) => {
        if (i === 0 && child.type === "paragraph") {
          const box = node.type === "taskList" ? this.runs([{ text: item.attrs?.checked ? "☒ " : "☐ " }]) : [];
          return [this.paragraph([...box, ...this.inline(child)], { ...ctx, list: { reference, level, instance, first: true } })];
        }
        return this.block(child, { ...ctx, list: { reference, level, instance, first: false } });
      }),
    );
  }

  table(node: PMNode): Table {
    const rows = (node.content ?? []).map(
      (row, r) =>
        new TableRow({
          tableHeader: r === 0,
          children: (row.content ?? []).map((cell) => {
            const header = cell.type === "tableHeader" || r === 0;
            const content = this.blocks(cell.content ?? []);
            return new TableCell({
              children: content.length ? content : [new Paragraph({ children: [] })],
              columnSpan: Math.max(1, Number(cell.attrs?.colspan) || 1),
              rowSpan: Math.max(1, Number(cell.attrs?.rowspan) || 1),
              shading: header ? { type: ShadingType.CLEAR, fill: "EEEEEE", color: "auto" } : undefined,
            });
          }),
        }),
    );
    return new Table({ rows: rows.length ? rows : [new TableRow({ children: [new TableCell({ children: [new Paragraph({ children: [] })] })] })], width: { size: 100, type: WidthType.PERCENTAGE } });
  }

  /**
   * A bilingual export's body: one two-column table, headed by the two languages (repeated on each
   * page), each row a source block beside its translation (see `pairBlocks`), with light rules
   * between rows and none between the columns.
   */
  bilingual(translation: PMNode, headings: [string, string]): Table {
    const light = { style: BorderStyle.SINGLE, size: 4, color: "D9D9D9" };
    const none = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
    const margins = { top: 80, bottom: 80, left: 115, right: 115 };
    // A Word cell must end with a paragraph (a table alone in it would not open).
    const cell = (content: (Paragraph | Table)[], shaded = false) =>
      new TableCell({
        children: content.at(-1) instanceof Paragraph ? content : [...content, new Paragraph({ children: [] })],
        width: { size: HALF, type: WidthType.DXA },
        margins,
        shading: shaded ? { type: ShadingType.CLEAR, fill: "F2F2F2", color: "auto" } : undefined,
      });
    const rows = pairBlocks(this.doc.content.content ?? [], translation.content ?? []).map(
      ([left, right]) => new TableRow({ children: [cell(left ? this.block(left, {}) : []), cell(right ? this.block(right, {}) : [])] }),
    );
    return new Table({
      width: { size: 2 * HALF, type: WidthType.DXA },
      columnWidths: [HALF, HALF],
      layout: TableLayoutType.FIXED,
      borders: { top: light, bottom: light, left: none, right: none, insideHorizontal: light, insideVertical: none },
      rows: [new TableRow({ tableHeader: true, children: headings.map((h) => cell([new Paragraph({ children: this.runs([{ text: h, bold: true }]) })], true)) }), ...rows],
    });
  }
}

/** Half the text width of an A4 page with Word's default margins (11906 − 2 × 1440 twips). */
const HALF = 4513;

interface Ctx {
  quote?: boolean;
  list?: { reference: string; level: number; instance: number; first: boolean };
}

/** The document as a .docx file. */
export async function toDocx(doc: ExportDocument): Promise<Uint8Array> {
  const w = new Writer(doc);
  const { meta } = doc;
  const head: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: w.runs([{ text: meta.title }]) }),
    ...meta.facts.map((f) => new Paragraph({ children: w.runs([{ text: `${f.label}: `, bold: true }, { text: f.value }]), spacing: { after: 40 } })),
    new Paragraph({ children: [], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "808080", space: 1 } } }),
  ];
  const tail: (Paragraph | Table)[] = [];
  if (meta.signature) {
    const s = meta.signature;
    const cell = (text: string, header: boolean) =>
      new TableCell({ children: [new Paragraph({ children: w.runs([{ text, bold: header }]) })], shading: header ? { type: ShadingType.CLEAR, fill: "EEEEEE", color: "auto" } : undefined });
    tail.push(
      new Paragraph({ heading: HeadingLevel.HEADING_2, pageBreakBefore: true, children: w.runs([{ text: s.heading }]) }),
      new Paragraph({ children: w.runs([{ text: s.statement }]) }),
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [new TableRow({ tableHeader: true, children: s.columns.map((c) => cell(c, true)) }), ...s.parties.map((row) => new TableRow({ children: row.map((c, i) => cell(c, i === 0)) }))],
      }),
      ...s.hashes.map((h) => new Paragraph({ children: w.runs([{ text: `${h.label}: `, bold: true }, { text: h.hash, code: true }]), spacing: { before: 200 } })),
    );
  }
  const body = doc.translation && meta.bilingual ? [w.bilingual(doc.translation, meta.bilingual.headings)] : w.blocks(doc.content.content ?? []);
  const threads = doc.meta.threads ?? [];
  const comments = [...w.ranges.entries()].map(([threadId, r]) => {
    const thread = threads.find((t) => t.threadId === threadId)!;
    const first = thread.comments[0];
    return {
      id: r.id,
      author: first?.author ?? "",
      date: first ? new Date(first.date) : undefined,
      // A thread is one Word comment: its first comment, then each reply under its author's name.
      children: thread.comments.map((c, i) => new Paragraph({ children: w.runs(i === 0 ? [{ text: c.text }] : [{ text: `${c.author}: `, bold: true }, { text: c.text }]) })),
    };
  });
  const document = new Document({
    ...(comments.length ? { comments: { children: comments } } : {}),
    title: meta.title,
    creator: "Twinning",
    styles: {
      default: {
        document: { run: { font: { ascii: LATIN, hAnsi: LATIN, cs: LATIN, eastAsia: EAST_ASIAN }, size: 22, language: { value: meta.language === "zh-CN" ? "zh-CN" : meta.language === "en" ? "en-GB" : "da-DK", eastAsia: "zh-CN" } } },
      },
      paragraphStyles: [{ id: "Quote", name: "Quote", basedOn: "Normal", paragraph: { indent: { left: 720 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: "999999", space: 8 } } }, run: { color: "333333" } }],
    },
    numbering: {
      config: [
        { reference: "bullets", levels: levels("bullet") },
        ...[...w.starts].map((start) => ({ reference: `numbers-${start}`, levels: levels("number", start) })),
        // Task items show their box as text; the list itself has no bullet.
        { reference: "tasks", levels: levels("bullet").map((l) => ({ ...l, text: "\u00a0" })) },
      ],
    },
    sections: [{ children: [...head, ...body, ...tail] }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
