import type { DocJSON } from "@twinning/editor";

/** About `megabytes` of content (as its Yjs state): sections of headings, paragraphs, a list and a table. */
export function bigDocument(megabytes: number): DocJSON {
  const da = "Kommunerne i Bycirklen og Wuxi samarbejder om grøn omstilling, jordrensning, uddannelse og erhverv; møderne afholdes på skift i Ballerup, Egedal, Frederikssund og Wuxi. ";
  const zh = "无锡市与巴勒鲁普市在环境、教育、卫生和商业领域开展合作，双方每年轮流举办会议，共同推进土壤修复项目。";
  const text = (t: string) => [{ type: "text", text: t }];
  const content: unknown[] = [];
  let bytes = 0;
  for (let section = 1; bytes < megabytes * 1024 * 1024; section++) {
    content.push({ type: "heading", attrs: { level: 2 }, content: text(`Afsnit ${section} — 第${section}节`) });
    for (let i = 0; i < 20; i++) {
      const body = i % 3 === 2 ? zh.repeat(4) : da.repeat(3);
      content.push({ type: "paragraph", content: text(`${i + 1}. ${body}`) });
      bytes += Buffer.byteLength(body) + 40;
    }
    content.push({ type: "bulletList", content: ["Ballerup", "Egedal", "无锡"].map((t) => ({ type: "listItem", content: [{ type: "paragraph", content: text(`${t}: ${da}`) }] })) });
    content.push({
      type: "table",
      content: [["Område", "Ansvarlig", "城市"], ["Jord", "Region Hovedstaden", "无锡"]].map((row, r) => ({
        type: "tableRow",
        content: row.map((c) => ({ type: r === 0 ? "tableHeader" : "tableCell", content: [{ type: "paragraph", content: text(c) }] })),
      })),
    });
    bytes += 1200;
  }
  return { type: "doc", content };
}
