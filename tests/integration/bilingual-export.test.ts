import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { pdfText, unzipXml } from "@twinning/export/testing";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";

/**
 * Bilingual export and the grouped document list (issue 15) against the real server and the demo
 * world's Chinese translation of the renewal agreement: the DOCX sets each source block beside the
 * translation's block of the same id in one table row (the source on the left, from either document);
 * the PDF holds both languages' text; a document that is not linked to this one, a malformed id, a
 * format other than DOCX or PDF, and a user outside the space are refused. The space page and its
 * sidebar list the translation right under its source, with its language.
 */
describe("bilingual export and grouped document list", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  let spaceId: string;
  let source: { id: string; title: string };
  let translation: { id: string; title: string };
  let unlinked: string;
  /** Block id → text, as the server derived them, for each side. */
  const blocks: Record<"source" | "translation", Map<string, string>> = { source: new Map(), translation: new Map() };

  const get = (who: string | null, path: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: who ? { Cookie: cookie[who] } : {} });
  const exportPath = (docId: string, query: Record<string, string>) => `/s/${spaceId}/docs/${docId}/export?${new URLSearchParams(query)}`;
  const squeeze = (s: string) =>
    s
      .replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/\s+/g, "");
  /** The text of each row of the DOCX's first table (the bilingual one), cell by cell. */
  const docxRows = (bytes: Uint8Array) => {
    const xml = unzipXml(bytes)["word/document.xml"];
    const table = xml.slice(xml.indexOf("<w:tbl>"));
    return [...table.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((row) =>
      [...row[1].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((cell) => squeeze(cell[1].replace(/<[^>]+>/g, ""))),
    );
  };

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    for (const slug of ["bycirklen", "kobenhavns-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [link] = await app.db.owner<{ sourceId: string; sourceTitle: string; documentId: string; translationTitle: string; spaceId: string }[]>`
      select t.source_id, s.title as source_title, t.document_id, d.title as translation_title, t.space_id
      from document_translations t join documents s on s.id = t.source_id join documents d on d.id = t.document_id
      where s.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    spaceId = link.spaceId;
    source = { id: link.sourceId, title: link.sourceTitle };
    translation = { id: link.documentId, title: link.translationTitle };
    // The China business strategy: in the same space, linked to nothing.
    [{ id: unlinked }] = await app.db.owner<{ id: string }[]>`select id from documents where template = 'kina-erhvervsstrategi-2013-2016'`;
    for (const [side, id] of [
      ["source", source.id],
      ["translation", translation.id],
    ] as const)
      for (const b of await app.db.owner<
        { blockId: string; text: string }[]
      >`select block_id, text from document_blocks where document_id = ${id} order by position`)
        blocks[side].set(b.blockId, b.text);
  });

  it("sets each source block beside the translation's block of the same id in one DOCX table row, headed by the two languages", async () => {
    const res = await get("bycirklen", exportPath(source.id, { format: "docx", with: translation.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("wordprocessingml");
    const rows = docxRows(new Uint8Array(await res.arrayBuffer()));
    expect(rows[0]).toEqual(["Dansk", "中文（简体）"]);
    expect(rows.every((r) => r.length === 2)).toBe(true);
    // The demo translates b1 … b6 (headings, paragraphs, lists): each pair shares a row.
    for (const id of ["b1", "b2", "b3", "b4", "b5", "b6"]) {
      const danish = squeeze(blocks.source.get(id)!);
      const chinese = squeeze(blocks.translation.get(id)!);
      expect(chinese, id).toMatch(/[\u4e00-\u9fff]/);
      const row = rows.find((r) => r[0] === danish);
      expect(row, `row of ${id}`).toBeDefined();
      expect(row![1], id).toBe(chinese);
    }
    // Every source block has its row, in the source's order (the copy has every one of them).
    expect(rows.length).toBe(1 + blocks.source.size);
    [...blocks.source.values()].forEach((text, i) => expect(rows[i + 1][0]).toContain(squeeze(text)));
  });

  it("puts the source on the left when exported from the translation too, and makes a PDF with both languages' text", async () => {
    const fromTranslation = await get("bycirklen", exportPath(translation.id, { format: "docx", with: source.id }));
    expect(fromTranslation.status).toBe(200);
    const rows = docxRows(new Uint8Array(await fromTranslation.arrayBuffer()));
    expect(rows[0]).toEqual(["Dansk", "中文（简体）"]);
    expect(rows.find((r) => r[0] === squeeze(blocks.source.get("b1")!))?.[1]).toBe(squeeze(blocks.translation.get("b1")!));

    const res = await get("bycirklen", exportPath(source.id, { format: "pdf", with: translation.id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(decodeURIComponent(res.headers.get("Content-Disposition")!)).toContain("(da–zh-CN).pdf");
    const text = squeeze((await pdfText(new Uint8Array(await res.arrayBuffer()))).join("\n"));
    // Each paragraph or list item of both languages' blocks (a PDF's list has its markers between items).
    for (const id of ["b1", "b2", "b4", "b6"])
      for (const side of ["source", "translation"] as const)
        for (const line of blocks[side].get(id)!.split("\n")) expect(text, `${side} ${id}`).toContain(squeeze(line));
    expect(text).toContain(squeeze(source.title));
    expect(text).toContain(squeeze(translation.title));
  });

  it("refuses a document that is not linked to this one, a malformed or unknown id, an outsider, and formats other than DOCX and PDF", async () => {
    for (const other of [unlinked, source.id, "00000000-0000-4000-8000-000000000000", "not-a-uuid"])
      expect((await get("bycirklen", exportPath(source.id, { format: "docx", with: other }))).status, other).toBe(404);
    // The unlinked document's own export, beside the translation, is no more linked.
    expect((await get("bycirklen", exportPath(unlinked, { format: "pdf", with: translation.id }))).status).toBe(404);
    for (const query of [
      { format: "docx" as string, with: translation.id },
      { format: "pdf", with: translation.id },
    ])
      expect((await get("kobenhavns-kommune", exportPath(source.id, query))).status).toBe(404);
    expect((await get(null, exportPath(source.id, { format: "docx", with: translation.id }))).status).not.toBe(200);
    for (const format of ["md", "odt", "html"])
      expect((await get("bycirklen", exportPath(source.id, { format, with: translation.id }))).status, format).toBe(400);
    const versioned = await get("bycirklen", exportPath(source.id, { format: "docx", with: translation.id, version: "00000000-0000-4000-8000-000000000000" }));
    expect(versioned.status).toBe(400);
    // Each bilingual export is audit-logged like any export.
    const [{ count }] = await app.db.owner<{ count: number }[]>`
      select count(*)::int as count from audit_events where action = 'document.exported' and details->>'version' like '%|%' and space_id = ${spaceId}`;
    expect(count).toBeGreaterThanOrEqual(3);
  });

  it("lists the translation right under its source on the space page and in its sidebar, with its language", async () => {
    const res = await get("bycirklen", `/s/${spaceId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const table = html.slice(html.indexOf('aria-labelledby="documents-heading"'));
    const rows = [...table.slice(0, table.indexOf("</table>")).matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[0]);
    const at = (id: string) => rows.findIndex((r) => r.includes(`/docs/${id}"`));
    expect(at(source.id)).toBeGreaterThan(0);
    expect(at(translation.id)).toBe(at(source.id) + 1);
    const row = rows[at(translation.id)];
    expect(row).toContain("document-translation-row");
    expect(row.replace(/<[^>]+>/g, "")).toContain("↳ 中文（简体） (zh-CN)");
    expect(rows[at(source.id)]).not.toContain("document-translation-row");
    expect(rows[at(unlinked)]).not.toContain("document-translation-row");

    const sidebar = html.slice(html.indexOf('class="sidebar-tree"'));
    const items = [...sidebar.slice(0, sidebar.indexOf("</ul>")).matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[0]);
    const item = (id: string) => items.findIndex((i) => i.includes(`/docs/${id}"`));
    expect(item(translation.id)).toBe(item(source.id) + 1);
    expect(items[item(translation.id)]).toContain("sidebar-translation");
    expect(items[item(source.id)]).not.toContain("sidebar-translation");
  });
});
