import { describe, expect, it } from "vitest";
import { LIMITS } from "@twinning/domain";
import { markdownToDoc } from "./markdown";
import type { DocJSON } from "./schema";

type N = { type: string; attrs?: Record<string, unknown>; content?: N[]; text?: string; marks?: { type: string; attrs?: Record<string, unknown> }[] };
const types = (json: DocJSON) => ((json as N).content ?? []).map((n) => n.type);
const texts = (node: N): string => node.text ?? (node.content ?? []).map(texts).join("");
const converted = (markdown: string) => {
  const result = markdownToDoc(markdown);
  if (!result.ok) throw new Error(result.reason);
  return result.json as N;
};

describe("Markdown to a document", () => {
  it("reads headings, paragraphs, lists, task lists, tables, quotes and code into the shared schema", () => {
    const doc = converted(
      [
        "# Samarbejdsaftale",
        "",
        "Parterne mødes **hvert år** i *Wuxi* og ~~Nanjing~~ Ballerup, se [aftalen](https://example.org/aftale).",
        "en linje mere",
        "",
        "## Områder",
        "",
        "1. Jord",
        "2. Vand",
        "",
        "- [x] Underskrevet",
        "- [ ] Sendt til Wuxi",
        "",
        "| Område | Ansvarlig |",
        "| --- | --- |",
        "| Jord | Region Hovedstaden |",
        "",
        "> Citat",
        "",
        "```",
        "kode\nlinje",
        "```",
      ].join("\n"),
    );
    expect(types(doc as DocJSON)).toEqual(["heading", "paragraph", "heading", "orderedList", "taskList", "table", "blockquote", "codeBlock"]);
    const [h1, p] = doc.content!;
    expect(h1.attrs?.level).toBe(1);
    expect(texts(p)).toBe("Parterne mødes hvert år i Wuxi og Nanjing Ballerup, se aftalen. en linje mere");
    const marks = p.content!.flatMap((t) => (t.marks ?? []).map((m) => m.type));
    expect(marks).toEqual(expect.arrayContaining(["bold", "italic", "strike", "link"]));
    const task = doc.content![4].content!.map((item) => item.attrs?.checked);
    expect(task).toEqual([true, false]);
    expect(texts(doc.content![5])).toContain("Region Hovedstaden");
    expect(texts(doc.content![7])).toBe("kode\nlinje");
  });

  it("keeps HTML as text and drops links that are not web, mail or site addresses", () => {
    const doc = converted("<script>alert(1)</script>\n\n[klik](javascript:alert(1)) [post](mailto:a@example.org) [side](/s/x)");
    const all = JSON.stringify(doc);
    expect(all).not.toContain("javascript:");
    const links = doc.content!.flatMap((n) => n.content ?? []).flatMap((t) => (t.marks ?? []).map((m) => m.attrs?.href));
    expect(links).toEqual(["mailto:a@example.org", "/s/x"]);
    expect(texts(doc)).toContain("<script>");
  });

  it("gives an empty document one paragraph, and reads Chinese text", () => {
    expect(types(converted("") as DocJSON)).toEqual(["paragraph"]);
    expect(texts(converted("## 合作领域\n\n土壤修复"))).toBe("合作领域土壤修复");
  });

  it("refuses what is too long or nested too deep, with a reason, and never throws", () => {
    expect(markdownToDoc("a".repeat(LIMITS.markdownLength + 1))).toEqual({ ok: false, reason: "tooLarge" });
    expect(markdownToDoc(">".repeat(5000) + " dybt")).toMatchObject({ ok: false, reason: "tooDeep" });
    expect(markdownToDoc(Array.from({ length: 400 }, (_, i) => `${"  ".repeat(i)}- x`).join("\n"))).toMatchObject({ ok: false, reason: "tooDeep" });
  });

  it("reads a large file of short paragraphs (the list and table tokenizers look only at its first lines)", () => {
    const text = Array.from({ length: 6000 }, (_, i) => `Afsnit ${i} om jord og vand.`).join("\n\n");
    const doc = converted(text);
    expect(doc.content!.length).toBe(6000);
  });
});
