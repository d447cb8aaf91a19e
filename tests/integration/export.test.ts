import { Node } from "@tiptap/pm/model";
import { marked, type Token, type Tokens } from "marked";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld, sourceDocuments } from "@twinning/demo-world";
import { editorSchema, yDocToNode } from "@twinning/editor";
import { replaceContent } from "@twinning/editor/versions";
import { EXPORT_FORMATS, type ExportFormat } from "@twinning/export/model";
import { pdfText, unzipXml, zipEntries } from "@twinning/export/testing";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";
import { openSocket, type LiveSocket } from "../helpers/live";

/**
 * Export through the app: every demo document in every format, opened with real parsers (unzip and
 * XML for DOCX and ODT, pdf.js for PDF, a GFM parser for Markdown); Danish and Chinese text, headings
 * and table cells in each; a saved version; the signed strategy's signature; file names; who may
 * export (readers, not outsiders); foreign, malformed and unknown ids and formats; the audit log.
 */
describe("document export", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  const docs: Record<string, { id: string; spaceId: string; title: string; reader: string }> = {};
  const sockets: LiveSocket[] = [];
  const CHINESE = "土壤修复与无锡的合作";

  const get = (who: string | null, path: string) => fetch(`${app.url}${path}`, { redirect: "manual", headers: who ? { Cookie: cookie[who] } : {} });
  const exportPath = (slug: string, format: string, version?: string) =>
    `/s/${docs[slug].spaceId}/docs/${docs[slug].id}/export?${new URLSearchParams({ format, ...(version !== undefined ? { version } : {}) })}`;
  const until = async (what: string, predicate: () => Promise<boolean>, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /** The text a person would read in an exported file, by opening it as its program would. */
  async function readable(format: ExportFormat, bytes: Uint8Array): Promise<string> {
    switch (format) {
      case "docx":
        return unzipXml(bytes)["word/document.xml"].replace(/<[^>]+>/g, "");
      case "odt": {
        expect(zipEntries(bytes)[0]).toEqual({ name: "mimetype", method: 0 });
        return unzipXml(bytes)["content.xml"].replace(/<text:s text:c="(\d+)"\/>/g, (_, n) => " ".repeat(Number(n))).replace(/<[^>]+>/g, "");
      }
      case "pdf":
        return (await pdfText(bytes)).join("\n");
      case "md":
        // Markdown's escapes of its own characters are read as the characters.
        return new TextDecoder().decode(bytes).replace(/\\([\\`*_[\]<>~|])/g, "$1");
      case "html":
        return new TextDecoder().decode(bytes);
    }
  }
  const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  /** Text compared without white space (PDF lines wrap anywhere) and with XML and HTML entities read. */
  const squeeze = (s: string) =>
    s
      .replace(/&(amp|lt|gt|quot|apos);|&#(\d+);/g, (_, name: string | undefined, code: string | undefined) => (name ? ENTITIES[name] : String.fromCodePoint(Number(code))))
      .replace(/\s+/g, "");

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_UNLOAD_GRACE_MS: "200", COLLAB_DERIVE_DEBOUNCE_MS: "100" });
    await loadDemoWorld(app.db.owner);
    for (const slug of ["bycirklen", "region-hovedstaden", "clean", "skolenetvaerket", "kobenhavns-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const readers: Record<string, string> = {
      "samarbejdsaftale-bycirklen-wuxi-2016-2019": "bycirklen",
      "kina-erhvervsstrategi-2013-2016": "bycirklen",
      "handlingsplan-jordsporet-2017-2018": "region-hovedstaden",
      "udvekslingsprogram-uddannelses-og-skolenetvaerk": "skolenetvaerket",
    };
    for (const row of await app.db.owner<{ id: string; spaceId: string; title: string; template: string }[]>`select id, space_id, title, template from documents where template = any(${Object.keys(readers)})`)
      docs[row.template] = { ...row, reader: readers[row.template] };
    // CLEAN, an editor of the soil track, writes a Chinese heading and table into the action plan.
    const socket = openSocket(app.url, docs["handlingsplan-jordsporet-2017-2018"].id, cookie.clean);
    sockets.push(socket);
    await socket.synced;
    const json = yDocToNode(socket.ydoc).toJSON();
    json.content.push(
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: CHINESE }] },
      {
        type: "table",
        content: [
          { type: "tableRow", content: ["城市", "项目"].map((text) => ({ type: "tableHeader", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })) },
          { type: "tableRow", content: ["无锡", "土壤修复"].map((text) => ({ type: "tableCell", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })) },
        ],
      },
    );
    socket.ydoc.transact(() => replaceContent(socket.ydoc, Node.fromJSON(editorSchema, json)));
    await until("the Chinese text stored", async () => (await (await get("region-hovedstaden", exportPath("handlingsplan-jordsporet-2017-2018", "md"))).text()).includes(CHINESE));
    return () => sockets.forEach((s) => s.destroy());
  });

  it("exports every demo document in every format, each opening with its program's parser and holding its headings, lists, table cells and Danish text", async () => {
    for (const source of sourceDocuments) {
      const doc = docs[source.slug];
      const headings = source.sections.map((s) => s.heading);
      const cells = source.sections.flatMap((s) => s.table?.columns ?? []);
      const bullet = source.sections.flatMap((s) => s.bullets ?? [])[0];
      for (const format of EXPORT_FORMATS) {
        const res = await get(doc.reader, exportPath(source.slug, format));
        expect(res.status, `${source.slug} ${format}`).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const text = squeeze(await readable(format, bytes));
        const label = `${source.slug}.${format}`;
        expect(text, label).toContain(squeeze(doc.title));
        for (const heading of headings) expect(text, `${label}: ${heading}`).toContain(squeeze(heading));
        for (const c of cells) expect(text, `${label}: cell ${c}`).toContain(squeeze(c));
        if (bullet) expect(text, `${label}: ${bullet}`).toContain(squeeze(bullet));
        expect(text, label).toMatch(/[æøå]/);
      }
    }
  });

  it("writes Chinese into every format, and the PDF's Chinese reads back as Chinese", async () => {
    for (const format of EXPORT_FORMATS) {
      const res = await get("region-hovedstaden", exportPath("handlingsplan-jordsporet-2017-2018", format));
      const text = squeeze(await readable(format, new Uint8Array(await res.arrayBuffer())));
      for (const s of [CHINESE, "无锡", "土壤修复", "城市"]) expect(text, `${format}: ${s}`).toContain(s);
    }
  });

  it("the Markdown reads back as the document: headings, lists and tables", async () => {
    const md = await (await get("bycirklen", exportPath("kina-erhvervsstrategi-2013-2016", "md"))).text();
    const tokens: Token[] = [];
    marked.walkTokens(marked.lexer(md), (t) => void tokens.push(t));
    const source = sourceDocuments.find((d) => d.slug === "kina-erhvervsstrategi-2013-2016")!;
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === "heading" && t.depth === 2).map((t) => t.text.replace(/\\/g, ""));
    // The strategy is signed: its signature follows the text.
    expect(headings).toEqual([...source.sections.map((s) => s.heading), ...(source.tasks.length ? ["Opgaver"] : []), "Underskrift"]);
    const tables = tokens.filter((t): t is Tokens.Table => t.type === "table");
    const withTables = source.sections.filter((s) => s.table);
    const text = tables.slice(0, withTables.length);
    expect(text.map((t) => t.header.map((c) => c.text.replace(/\\/g, "")))).toEqual(withTables.map((s) => s.table!.columns));
    expect(text.map((t) => t.rows.length)).toEqual(withTables.map((s) => s.table!.rows.length));
    // Then the signature's table of parties.
    expect(tables.at(-1)!.header.map((c) => c.text)).toEqual(["Part", "Godkendt af", "Godkendt den"]);
    const lists = tokens.filter((t): t is Tokens.List => t.type === "list");
    const bullets = source.sections.filter((s) => s.bullets?.length).map((s) => s.bullets!.map((b) => b.replace(/\s+/g, " ")));
    expect(lists.slice(0, bullets.length).map((l) => l.items.map((i) => i.text.replace(/\\/g, "").replace(/\s+/g, " ")))).toEqual(bullets);
  });

  it("names the file after the title (RFC 6266), with the format's media type", async () => {
    const res = await get("bycirklen", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "docx"));
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent("Samarbejdsaftale mellem Bycirklen og Wuxi 2016–2019 (fornyelse)").replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}.docx`);
    expect(disposition).toMatch(/^attachment; filename="Samarbejdsaftale mellem Bycirklen og Wuxi 2016_2019 \(fornyelse\)\.docx"/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    for (const [format, type] of [["pdf", "application/pdf"], ["odt", "application/vnd.oasis.opendocument.text"], ["md", "text/markdown; charset=utf-8"], ["html", "text/html; charset=utf-8"]])
      expect((await get("bycirklen", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", format))).headers.get("content-type")).toBe(type);
  });

  it("exports a saved version as it was, named in the file and the header", async () => {
    const [first] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id = ${docs["samarbejdsaftale-bycirklen-wuxi-2016-2019"].id} and name = 'Første udkast'`;
    const res = await get("bycirklen", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "md", first.id));
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toContain("Kina-samarbejdet drøftes på Bycirklens møder efter behov.");
    expect(md).not.toContain("Kultur og fritid");
    expect(md).toMatch(/Version: Første udkast, gemt/);
    expect(res.headers.get("content-disposition")).toContain(encodeURIComponent("– Første udkast.md"));
    const now = await (await get("bycirklen", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "md"))).text();
    expect(now).toContain("Kultur og fritid");
    expect(now).toContain("Version: Nuværende tekst");
  });

  it("a signed version's PDF ends with the signature: every party, who approved when, and the hash", async () => {
    const strategy = docs["kina-erhvervsstrategi-2013-2016"];
    const [round] = await app.db.owner<{ versionId: string; contentHash: string }[]>`select version_id, content_hash from approval_rounds where document_id = ${strategy.id} and signed_at is not null`;
    const parties = await app.db.owner<{ name: string; decidedBy: string }[]>`
      select t.name, u.name as decided_by from approval_parties p join tenants t on t.id = p.tenant_id join users u on u.id = p.decided_by
      join approval_rounds r on r.id = p.round_id where r.document_id = ${strategy.id}`;
    expect(parties.length).toBeGreaterThanOrEqual(4);
    for (const version of [round.versionId, undefined]) {
      const res = await get("bycirklen", exportPath("kina-erhvervsstrategi-2013-2016", "pdf", version));
      expect(res.status).toBe(200);
      const pages = await pdfText(new Uint8Array(await res.arrayBuffer()));
      const last = squeeze(pages.at(-1)!);
      expect(last).toContain("Underskrift");
      for (const p of parties) {
        expect(last, p.name).toContain(squeeze(p.name));
        expect(last, p.decidedBy).toContain(squeeze(p.decidedBy));
      }
      expect(last).toContain(round.contentHash);
      expect(squeeze(pages[0])).toContain("Status:Underskrevet");
    }
    // An unsigned version has no signature.
    const [draft] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id = ${docs["samarbejdsaftale-bycirklen-wuxi-2016-2019"].id} limit 1`;
    const plain = await pdfText(new Uint8Array(await (await get("bycirklen", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "pdf", draft.id))).arrayBuffer()));
    expect(plain.join("")).not.toMatch(/[0-9a-f]{64}/);
  });

  it("a viewer may export; an outsider gets 404 for the document and its versions; no session goes to log-in", async () => {
    // Region Hovedstaden is a viewer of the Bycirklen–Wuxi space.
    expect((await get("region-hovedstaden", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "pdf"))).status).toBe(200);
    const [version] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id = ${docs["samarbejdsaftale-bycirklen-wuxi-2016-2019"].id} limit 1`;
    for (const format of EXPORT_FORMATS) {
      for (const v of [undefined, version.id]) {
        const res = await get("kobenhavns-kommune", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", format, v));
        expect(res.status).toBe(404);
        expect(await res.text()).not.toContain("Bycirklen");
      }
    }
    const anonymous = await get(null, exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "pdf"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("a version of another document, a malformed or unknown version id is a 404; an unknown format a 400 that says why", async () => {
    const [soilVersion] = await app.db.owner<{ id: string }[]>`select id from document_versions where document_id = ${docs["handlingsplan-jordsporet-2017-2018"].id} limit 1`;
    // Region Hovedstaden reads both documents, but the version belongs to the soil plan.
    expect((await get("region-hovedstaden", exportPath("handlingsplan-jordsporet-2017-2018", "md", soilVersion.id))).status).toBe(200);
    for (const version of [soilVersion.id, "not-a-uuid", "00000000-0000-4000-8000-000000000000", "", "'; drop table documents; --"])
      expect((await get("region-hovedstaden", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "md", version))).status, version).toBe(404);
    for (const query of ["format=exe", "format=", "", "format=PDF", "version=x"]) {
      const res = await get("bycirklen", `/s/${docs["kina-erhvervsstrategi-2013-2016"].spaceId}/docs/${docs["kina-erhvervsstrategi-2013-2016"].id}/export?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text()).toContain("docx, pdf, odt, md");
    }
    // Malformed document and space ids are 404s, never 500s.
    expect((await get("bycirklen", `/s/${docs["kina-erhvervsstrategi-2013-2016"].spaceId}/docs/nope/export?format=pdf`)).status).toBe(404);
    expect((await get("bycirklen", `/s/nope/docs/${docs["kina-erhvervsstrategi-2013-2016"].id}/export?format=pdf`)).status).toBe(404);
  });

  it("a DOCX with comments carries the open threads as Word comments around their text; resolved ones stay out", async () => {
    const files = unzipXml(new Uint8Array(await (await get("region-hovedstaden", `${exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "docx")}&comments=1`)).arrayBuffer()));
    const comments = files["word/comments.xml"];
    expect(comments).toContain("Skal vi nævne datoerne for byrådenes behandling her?");
    expect(comments).toContain("我们建议写明双方签署协议的时间和地点。");
    expect(comments).toContain("文化交流部分请补充学校之间的合作内容。");
    // The resolved thread is not among them.
    expect(comments).not.toContain("Er to besøg om året realistisk");
    const doc = files["word/document.xml"];
    expect(doc.match(/<w:commentReference /g)).toHaveLength(2);
    const start = doc.indexOf('<w:commentRangeStart w:id="0"/>');
    expect(start).toBeGreaterThan(-1);
    expect(doc.indexOf("I 2016 skal der træffes beslutning", start)).toBeGreaterThan(start);
    // Without `comments=1`, and for other formats, no comments.
    const plain = unzipXml(new Uint8Array(await (await get("region-hovedstaden", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "docx"))).arrayBuffer()));
    expect(plain["word/comments.xml"]).toBeUndefined();
    expect((await get("region-hovedstaden", `${exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "docx")}&comments=yes`)).status).toBe(400);
  });

  it("each export is in the space's audit log, with its format and version", async () => {
    const before = await app.db.owner<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'document.exported'`;
    await get("region-hovedstaden", exportPath("samarbejdsaftale-bycirklen-wuxi-2016-2019", "odt"));
    const rows = await app.db.owner<{ actorId: string; spaceId: string; details: Record<string, string> }[]>`
      select actor_id, space_id, details from audit_events where action = 'document.exported' order by at desc, id desc limit 1`;
    expect((await app.db.owner<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'document.exported'`)[0].n).toBe(before[0].n + 1);
    expect(rows[0]).toEqual({
      actorId: "demo-region-hovedstaden",
      spaceId: docs["samarbejdsaftale-bycirklen-wuxi-2016-2019"].spaceId,
      details: { format: "odt", title: docs["samarbejdsaftale-bycirklen-wuxi-2016-2019"].title, version: "Nuværende tekst" },
    });
  });
});
