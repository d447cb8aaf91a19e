import { marked, type Token, type Tokens } from "marked";
import { describe, expect, it } from "vitest";
import { jsonToYUpdate } from "@twinning/editor";
import { asciiFileName, contentDisposition, fileName } from "./files";
import type { ExportMeta, PMNode } from "./model";
import { odfText } from "./odt";
import { createExporter, ExportBusyError } from "./pool";
import { renderExport, type ExportJob } from "./render";
import { pdfFontNames, pdfText, unzipXml, zipEntries } from "./testing";

const CARD = "0b6c8f5e-8a52-4c3e-9d7e-2f1a3b4c5d6e";
const GONE = "1b6c8f5e-8a52-4c3e-9d7e-2f1a3b4c5d6e";
const t = (text: string, ...marks: string[]): PMNode => ({ type: "text", text, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
const p = (...content: PMNode[]): PMNode => ({ type: "paragraph", content });
const h = (level: number, text: string): PMNode => ({ type: "heading", attrs: { level }, content: [t(text)] });
const li = (...content: PMNode[]): PMNode => ({ type: "listItem", content });
const cell = (type: "tableHeader" | "tableCell", text: string, attrs: Record<string, unknown> = {}): PMNode => ({ type, attrs, content: [p(t(text))] });

/** Every kind of node the schema has, in Danish and Chinese. */
const CONTENT = {
  type: "doc",
  content: [
    h(1, "Samarbejdsaftale med Wuxi"),
    p(t("Fælles mål: "), t("grøn", "bold"), t(" omstilling, "), t("kursiv", "italic"), t(" og "), t("understreget", "underline"), t(" og "), t("slettet", "strike"), t(". Se "), { type: "text", text: "hjemmesiden", marks: [{ type: "link", attrs: { href: "https://example.org/aftale" } }] }, t(".")),
    p(t("无锡市人民政府与巴勒鲁普市政府就土壤修复达成协议。"), { type: "hardBreak" }, t("第二行")),
    p(t("Kort: "), { type: "cardLink", attrs: { cardId: CARD } }, t(" og "), { type: "cardLink", attrs: { cardId: GONE } }),
    h(2, "Opgaver"),
    { type: "bulletList", content: [li(p(t("Første punkt æøå")), { type: "bulletList", content: [li(p(t("Indrykket punkt")))] }), li(p(t("Andet punkt")))] },
    { type: "orderedList", attrs: { start: 1 }, content: [li(p(t("Et"))), li(p(t("To")))] },
    { type: "orderedList", attrs: { start: 7 }, content: [li(p(t("Syv")))] },
    { type: "taskList", content: [{ type: "taskItem", attrs: { checked: true }, content: [p(t("Gjort"))] }, { type: "taskItem", attrs: { checked: false }, content: [p(t("Ikke gjort"))] }] },
    { type: "blockquote", content: [p(t("Et citat * med _tegn_ [som] Markdown kender"))] },
    { type: "horizontalRule" },
    {
      type: "table",
      content: [
        { type: "tableRow", content: [cell("tableHeader", "Område"), cell("tableHeader", "Ansvarlig"), cell("tableHeader", "Frist")] },
        { type: "tableRow", content: [cell("tableCell", "土壤修复"), cell("tableCell", "Region | Hovedstaden"), cell("tableCell", "2017")] },
        { type: "tableRow", content: [cell("tableCell", "Skoler", { colspan: 2 }), cell("tableCell", "2018")] },
      ],
    },
    { type: "codeBlock", content: [t("linje 1\nlinje 2")] },
    p(t("  to  mellemrum\u0001")),
  ],
} as const;

const META: ExportMeta = {
  title: "Aftale: Bycirklen/无锡 <2016>",
  language: "da",
  facts: [
    { label: "Rum", value: "Bycirklen–Wuxi" },
    { label: "Version", value: "Nuværende tekst" },
    { label: "Status", value: "Underskrevet" },
  ],
  signature: {
    heading: "Underskrift",
    statement: "Underskrevet af Anna Berg den 22. april 2013.",
    columns: ["Part", "Godkendt af", "Godkendt den"],
    parties: [
      ["Ballerup Kommune", "Anna Berg", "21. marts 2013"],
      ["Wuxi Foreign Affairs Office", "李伟", "15. april 2013"],
    ],
    hashes: [
      { label: "Indholdets hash", hash: "3f".repeat(32) },
      { label: "Oversættelse: kinesisk — Indholdets hash", hash: "7a".repeat(32) },
    ],
  },
  labels: { cardRemoved: "Kort fjernet" },
};

const cards = async (ids: string[]) => Object.fromEntries(ids.filter((id) => id === CARD).map((id) => [id, { title: "Jordrensning i Wuxi", column: "I gang" }]));
const render = (format: ExportJob["format"], content: unknown = CONTENT, meta = META) => renderExport({ format, source: { kind: "json", json: content as never }, meta }, cards);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("ODT", () => {
  it("is a zip with mimetype first and stored, a manifest, and well-formed XML parts", async () => {
    const { bytes } = await render("odt");
    const entries = zipEntries(bytes);
    expect(entries[0]).toEqual({ name: "mimetype", method: 0 });
    expect(entries.map((e) => e.name).sort()).toEqual(["META-INF/manifest.xml", "content.xml", "meta.xml", "mimetype", "styles.xml"]);
    const files = unzipXml(bytes);
    expect(files.mimetype).toBe("application/vnd.oasis.opendocument.text");
    expect(files["META-INF/manifest.xml"]).toContain('manifest:full-path="content.xml"');
  });

  it("holds every block: headings with outline levels, lists, tasks, quotes, tables with spans, links, card links", async () => {
    const content = unzipXml((await render("odt")).bytes)["content.xml"];
    expect(content).toContain('<text:h text:style-name="Heading_20_1" text:outline-level="1">Samarbejdsaftale med Wuxi</text:h>');
    expect(content).toContain("无锡市人民政府与巴勒鲁普市政府就土壤修复达成协议。<text:line-break/>第二行");
    expect(content).toContain('<text:a xlink:type="simple" xlink:href="https://example.org/aftale">');
    expect(content).toContain("▣ Jordrensning i Wuxi (I gang)");
    expect(content).toContain("▣ Kort fjernet");
    // A nested list sits inside its item.
    expect(content).toMatch(/<text:list-item><text:p[^>]*>Første punkt æøå<\/text:p><text:list text:style-name="List_20_1"><text:list-item><text:p[^>]*>Indrykket punkt/);
    expect(content).toContain("☑ Gjort");
    expect(content).toContain("☐ Ikke gjort");
    expect(content).toContain('table:number-columns-spanned="2"');
    expect(content).toContain("<table:covered-table-cell/>");
    expect(content).toContain('table:number-columns-repeated="3"');
    // Every row has the table's three columns (a spanned cell and its covered cell count two).
    for (const row of content.match(/<table:table-row>.*?<\/table:table-row>/g)!) expect((row.match(/<table:(covered-)?table-cell/g) ?? []).length).toBe(3);
    // The title escaped, and the signature with its hash.
    expect(content).toContain("Aftale: Bycirklen/无锡 &lt;2016&gt;");
    expect(content).toContain("3f".repeat(32));
    expect(content).toContain("7a".repeat(32));
    // A control character any editor could have stored is dropped, not written into the XML.
    expect(content).not.toContain("\u0001");
  });

  it("uses only styles it defines", async () => {
    const files = unzipXml((await render("odt")).bytes);
    const defined = new Set([...(files["styles.xml"] + files["content.xml"]).matchAll(/style:name="([^"]+)"/g)].map((m) => m[1]));
    const used = new Set([...files["content.xml"].matchAll(/(?:text|table):style-name="([^"]+)"/g)].map((m) => m[1]));
    expect([...used].filter((s) => !defined.has(s))).toEqual([]);
    expect(files["styles.xml"]).toContain('style:font-name-asian="Noto Sans SC"');
  });

  it("keeps spaces, tabs and newlines as ODF elements", () => {
    expect(odfText("a  b")).toBe('a <text:s text:c="1"/>b');
    expect(odfText("  a", true)).toBe('<text:s text:c="2"/>a');
    expect(odfText("a\tb\nc<&")).toBe("a<text:tab/>b<text:line-break/>c&lt;&amp;");
  });
});

describe("DOCX", () => {
  it("is Word XML with headings, numbering, a table, a link, and Chinese runs in an East Asian font", async () => {
    const files = unzipXml((await render("docx")).bytes);
    const doc = files["word/document.xml"];
    expect(doc).toContain("Samarbejdsaftale med Wuxi");
    expect(doc).toMatch(/<w:pStyle w:val="Heading1"\/>/);
    expect(doc).toContain("<w:numPr>");
    expect(doc).toContain("<w:tbl>");
    expect(doc).toContain('w:gridSpan w:val="2"');
    expect(doc).toContain("Region | Hovedstaden");
    expect(doc).toContain("▣ Jordrensning i Wuxi (I gang)");
    expect(files["word/_rels/document.xml.rels"]).toContain("https://example.org/aftale");
    // The Chinese run: East Asian font, hint and language.
    const run = doc.split("<w:r>").find((r) => r.includes("土壤修复"))!;
    expect(run).toMatch(/w:eastAsia="Microsoft YaHei"/);
    expect(run).toMatch(/w:hint="eastAsia"/);
    expect(run).toMatch(/<w:lang [^>]*w:eastAsia="zh-CN"/);
    expect(doc).toContain("3f".repeat(32));
    expect(doc).toContain("7a".repeat(32));
    expect(files["word/numbering.xml"]).toContain("w:abstractNum");
    // A list that starts at 7 counts from 7.
    expect(files["word/numbering.xml"]).toContain('<w:start w:val="7"/>');
  });
});

describe("DOCX comments", () => {
  it("writes open threads as Word comments around the text they mark, replies under their authors", async () => {
    const thread = "7c1d2e3f-0000-4000-8000-000000000001";
    const marked: PMNode = { type: "text", text: "markeret tekst 无锡", marks: [{ type: "comment", attrs: { threadId: thread } }] };
    const content = { type: "doc", content: [p(t("Før "), marked), p({ ...marked, text: "og videre" }, t(" efter"))] };
    const meta: ExportMeta = {
      ...META,
      threads: [{ threadId: thread, comments: [{ author: "Anna Berg", date: "2026-03-01T10:00:00Z", text: "Skal vi skrive 2017?" }, { author: "李伟", date: "2026-03-02T10:00:00Z", text: "同意" }] }],
    };
    const files = unzipXml((await renderExport({ format: "docx", source: { kind: "json", json: content as never }, meta }, cards)).bytes);
    const doc = files["word/document.xml"];
    // One range over both paragraphs, then one reference.
    expect(doc.match(/<w:commentRangeStart w:id="0"\/>/g)).toHaveLength(1);
    expect(doc.match(/<w:commentRangeEnd w:id="0"\/>/g)).toHaveLength(1);
    expect(doc.match(/<w:commentReference w:id="0"\/>/g)).toHaveLength(1);
    expect(doc.indexOf("commentRangeStart")).toBeLessThan(doc.indexOf("markeret tekst"));
    expect(doc.indexOf("commentRangeEnd")).toBeGreaterThan(doc.indexOf("og videre"));
    expect(doc.indexOf("commentRangeEnd")).toBeLessThan(doc.indexOf(" efter"));
    expect(files["word/comments.xml"]).toMatch(/w:author="Anna Berg"/);
    expect(files["word/comments.xml"]).toContain("Skal vi skrive 2017?");
    expect(files["word/comments.xml"]).toContain("同意");
    // Without threads asked for, no comments part.
    const plain = unzipXml((await renderExport({ format: "docx", source: { kind: "json", json: content as never }, meta: META }, cards)).bytes);
    expect(plain["word/document.xml"]).not.toContain("commentRangeStart");
  });
});

describe("Markdown", () => {
  it("reads back with a GFM parser: headings, nested lists, task lists, a table, a quote", async () => {
    const md = text((await render("md")).bytes);
    const tokens = marked.lexer(md);
    const all: Token[] = [];
    marked.walkTokens(tokens, (token) => void all.push(token));
    const headings = all.filter((x): x is Tokens.Heading => x.type === "heading").map((x) => [x.depth, x.text]);
    expect(headings).toContainEqual([1, "Samarbejdsaftale med Wuxi"]);
    expect(headings).toContainEqual([2, "Opgaver"]);
    const lists = all.filter((x): x is Tokens.List => x.type === "list");
    const bullets = lists.find((l) => l.items[0]?.text.startsWith("Første"))!;
    expect(bullets.ordered).toBe(false);
    expect(bullets.items.map((i) => i.text.split("\n")[0])).toEqual(["Første punkt æøå", "Andet punkt"]);
    expect(lists.some((l) => l.items[0]?.text === "Indrykket punkt")).toBe(true);
    expect(lists.find((l) => l.ordered)!.items.map((i) => i.text)).toEqual(["Et", "To"]);
    expect(lists.find((l) => l.ordered && l.start === 7)!.items.map((i) => i.text)).toEqual(["Syv"]);
    const tasks = lists.find((l) => l.items.some((i) => i.task))!;
    expect(tasks.items.map((i) => [i.text.replace(/^\[[ x]\]\s*/, ""), i.checked])).toEqual([
      ["Gjort", true],
      ["Ikke gjort", false],
    ]);
    const tables = all.filter((x): x is Tokens.Table => x.type === "table");
    expect(tables[0].header.map((c) => c.text)).toEqual(["Område", "Ansvarlig", "Frist"]);
    expect(tables[0].rows[0].map((c) => c.text.replace(/\\/g, ""))).toEqual(["土壤修复", "Region | Hovedstaden", "2017"]);
    const quote = all.find((x): x is Tokens.Blockquote => x.type === "blockquote")!;
    // Markdown's own characters in the text were escaped, so they read back as text.
    expect(quote.text.replace(/\\/g, "")).toBe("Et citat * med _tegn_ [som] Markdown kender");
    expect(md).toContain("**grøn**");
    expect(md).toContain("~~slettet~~");
    expect(md).toContain("[hjemmesiden](<https://example.org/aftale>)");
    expect(md).toContain("▣ Jordrensning i Wuxi (I gang)");
    expect(md).toContain("`" + "3f".repeat(32) + "`");
    expect(md).toContain("`" + "7a".repeat(32) + "`");
  });
});

describe("HTML", () => {
  it("is a standalone page with the server's rendering, the card titles and a print stylesheet", async () => {
    const html = text((await render("html")).bytes);
    expect(html).toMatch(/^<!doctype html>\n<html lang="da">/);
    expect(html).toContain("<title>Aftale: Bycirklen/无锡 &#60;2016&#62;</title>");
    expect(html).toContain("<h1>Samarbejdsaftale med Wuxi</h1>");
    expect(html).toContain('data-card-id="' + CARD + '">▣ Jordrensning i Wuxi (I gang)</span>');
    expect(html).toContain('<ul data-type="taskList">');
    expect(html).toContain("@media print");
    expect(html).toContain("3f".repeat(32));
    expect(html).toContain("7a".repeat(32));
    expect(html).not.toContain("<script");
  });
});

describe("PDF", () => {
  it("embeds Noto Sans SC as a subset and its text holds Danish, Chinese, headings, table cells and the signature", async () => {
    const { bytes } = await render("pdf");
    expect(pdfFontNames(bytes).some((f) => /^[A-Z]{6}\+NotoSansSC-Regular$/.test(f))).toBe(true);
    // A subset: far smaller than the 10 MB font.
    expect(bytes.length).toBeLessThan(300_000);
    const pages = await pdfText(bytes);
    const all = pages.join("\n").replace(/\s+/g, "");
    for (const s of ["Samarbejdsaftale med Wuxi", "Førstepunktæøå", "无锡市人民政府", "土壤修复", "Område", "Region|Hovedstaden", "JordrensningiWuxi(Igang)", "Bycirklen–Wuxi"]) expect(all).toContain(s.replace(/\s+/g, ""));
    // The signature is the last page: parties, approvers, the hashes (the text's and its translation's).
    const last = pages.at(-1)!.replace(/\s+/g, "");
    for (const s of ["Underskrift", "BallerupKommune", "WuxiForeignAffairsOffice", "李伟", "3f".repeat(32), "7a".repeat(32)]) expect(last).toContain(s);
  });

  it("wraps long Chinese text within the page", async () => {
    const long = "无锡市人民政府与巴勒鲁普市政府在双方友好合作的基础上达成如下协议。".repeat(40);
    const { bytes } = await render("pdf", { type: "doc", content: [p(t(long))] }, { ...META, signature: undefined });
    const pages = await pdfText(bytes);
    const lines = pages[0].split("\n").filter((l) => l.includes("无锡") || l.includes("协议"));
    expect(lines.length).toBeGreaterThan(10);
    expect(pages.join("").replace(/\s+/g, "")).toContain(long);
  });
});

describe("content sources", () => {
  it("reads a Yjs state or updates given in slices (as the database reads large ones) as the whole", async () => {
    const state = jsonToYUpdate(CONTENT as never);
    const cut = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
    const whole = await renderExport({ format: "md", source: { kind: "state", state }, meta: META }, cards);
    const sliced = await renderExport({ format: "md", source: { kind: "state", state: cut(state, 100) }, meta: META }, cards);
    const updates = await renderExport({ format: "md", source: { kind: "updates", updates: [cut(state, 7), jsonToYUpdate({ type: "doc", content: [] })] }, meta: META }, cards);
    expect(text(whole.bytes)).toContain("Samarbejdsaftale med Wuxi");
    expect(text(sliced.bytes)).toBe(text(whole.bytes));
    expect(text(updates.bytes)).toBe(text(whole.bytes));
  });
});

describe("file names", () => {
  it("names the file after the title, with an ASCII fallback and RFC 6266 filename*", () => {
    expect(fileName("Handlingsplan 2017/2018: jord?", "pdf")).toBe("Handlingsplan 2017 2018 jord.pdf");
    expect(fileName("  ", "md")).toBe("document.md");
    expect(asciiFileName("Udvekslingsprogram æøå.docx")).toBe("Udvekslingsprogram aeoeaa.docx");
    expect(asciiFileName("无锡协议.pdf")).toBe("document.pdf");
    expect(contentDisposition("无锡协议 “2016”", "pdf")).toBe(`attachment; filename="2016.pdf"; filename*=UTF-8''${encodeURIComponent("无锡协议 “2016”.pdf")}`);
    expect(contentDisposition("It's (a) plan*", "odt")).toBe(`attachment; filename="It_s (a) plan.odt"; filename*=UTF-8''It%27s%20%28a%29%20plan.odt`);
  });
});

describe("the worker pool", () => {
  it("gives up an export that takes too long and ends its worker", async () => {
    const exporter = createExporter({ workers: 1, timeoutMs: 50 });
    try {
      const wide = { type: "doc", content: [{ type: "table", content: Array.from({ length: 40 }, () => ({ type: "tableRow", content: Array.from({ length: 60 }, () => cell("tableCell", "土壤修复 ".repeat(20))) })) }] };
      await expect(exporter.render({ format: "pdf", source: { kind: "json", json: wide as never }, meta: META }, cards)).rejects.toThrow(/gave up after 50 ms/);
      expect(exporter.stats()).toMatchObject({ running: 0, workers: 0 });
    } finally {
      await exporter.close();
    }
  });

  it("renders in a worker what the main thread renders, asking for the cards", async () => {
    const exporter = createExporter({ workers: 1, maxQueue: 1 });
    try {
      const asked: string[][] = [];
      const job: ExportJob = { format: "md", source: { kind: "json", json: CONTENT as never }, meta: META };
      const inWorker = await exporter.render(job, async (ids) => (asked.push(ids), cards(ids)));
      expect(asked.map((ids) => [...ids].sort())).toEqual([[CARD, GONE].sort()]);
      expect(text(inWorker.bytes)).toBe(text((await render("md")).bytes));
      // One rendering, one waiting: a third is refused until they are done.
      const running = [exporter.render({ ...job, format: "pdf" }, cards), exporter.render(job, cards)];
      await expect(exporter.render(job, cards)).rejects.toBeInstanceOf(ExportBusyError);
      await Promise.all(running);
    } finally {
      await exporter.close();
    }
  });
});
