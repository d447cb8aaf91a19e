import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { commentAnchors, deriveFromYDoc, yDocToNode, type DocJSON } from "@twinning/editor";
import { compareContent, contentHash, versionContent } from "@twinning/editor/versions";
import { createAuth } from "@twinning/auth";
import { blocksToReview, type Sql } from "@twinning/db";
import { DEMO_PASSWORD, DEMO_USER_TENANTS, demoEmail, loadDemoWorld, organisations } from "@twinning/demo-world";
import { freshDatabase } from "../helpers/db";

async function snapshot(sql: Sql) {
  const tables = ["tenants", "network_members", "users", "memberships", "spaces", "space_partners", "documents", "document_snapshots", "document_versions", "approval_rounds", "approval_parties", "comment_threads", "document_comments", "boards", "board_columns", "cards", "document_card_links"];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await sql.unsafe(`select md5(string_agg(x::text, ',' order by x::text)) as h, count(*)::int as n from ${t} x`);
  return out;
}

describe("demo world", () => {
  let sql: Sql;
  beforeAll(async () => {
    ({ sql } = await freshDatabase());
    await loadDemoWorld(sql);
  });

  it("turns every organisation into a tenant with its kind, country, parent and network members", async () => {
    const [count] = await sql`select count(*)::int as n from tenants`;
    expect(count.n).toBe(organisations.length);
    const [jepd] = await sql`select t.kind, t.country, p.slug as parent from tenants t left join tenants p on p.id = t.parent_id where t.slug = 'jepd'`;
    expect(jepd).toEqual({ kind: "organisation", country: "CN", parent: "jiangsu-provincial-government" });
    const members = await sql`
      select m.slug from network_members n join tenants t on t.id = n.network_id join tenants m on m.id = n.member_id
      where t.slug = 'bycirklen' order by m.slug`;
    expect(members.map((m) => m.slug)).toEqual(["ballerup-kommune", "egedal-kommune", "frederikssund-kommune"]);
  });

  it("has a demo user owning each key tenant; Chinese tenants' users prefer zh-CN", async () => {
    const auth = createAuth(sql, { secure: false });
    for (const slug of DEMO_USER_TENANTS) {
      const login = await auth.logIn({ email: demoEmail(slug), password: DEMO_PASSWORD, address: "127.0.0.1" });
      expect(login.ok, slug).toBe(true);
    }
    const [wuxi] = await sql`select u.locale, m.role from users u join memberships m on m.user_id = u.id where u.email = ${demoEmail("wuxi-foreign-affairs-office")}`;
    expect(wuxi).toEqual({ locale: "zh-CN", role: "owner" });
    const [ballerup] = await sql`select locale from users where email = ${demoEmail("ballerup-kommune")}`;
    expect(ballerup.locale).toBe("da");
  });

  it("has the four spaces of the source documents with their partners; Københavns Kommune is in none", async () => {
    const spaces = await sql`
      select s.title, h.slug as host, array_agg(t.slug || ':' || p.role order by t.slug) as partners
      from spaces s join tenants h on h.id = s.host_tenant_id
      join space_partners p on p.space_id = s.id and p.status = 'active' join tenants t on t.id = p.tenant_id
      group by s.title, h.slug order by s.title`;
    expect(spaces.map((s) => s.title)).toEqual([
      "Bycirklen–Wuxi samarbejdsaftale 2016–2019",
      "Jordsporet – Jiangsu",
      "Skoleudveksling Bycirklen–Wuxi",
      "Uddannelsesnetværket",
    ]);
    const bycirklen = spaces.find((s) => s.host === "bycirklen")!;
    expect(bycirklen.partners).toEqual([
      "ballerup-kommune:editor",
      "egedal-kommune:editor",
      "frederikssund-kommune:editor",
      "region-hovedstaden:viewer",
      "wuxi-foreign-affairs-office:editor",
    ]);
    expect(spaces.find((s) => s.host === "region-hovedstaden")!.partners).toEqual(["clean:editor", "jepd:editor"]);
    expect(spaces.find((s) => s.host === "skolenetvaerket")!.partners).toEqual(
      expect.arrayContaining(["ballerup-kommune:editor", "yuying-primary-school:editor", "jiangnan-middle-school:editor"]),
    );
    expect(spaces.find((s) => s.host === "uddannelsesnetvaerket")!.partners).toEqual(
      expect.arrayContaining(["dtu-diplom:editor", "jiangnan-university:editor", "borupgaard-gymnasium:editor"]),
    );
    expect(spaces.flatMap((s) => s.partners).some((p: string) => p.startsWith("kobenhavns-kommune"))).toBe(false);
  });

  it("has the four documents in their spaces, with their Danish titles and content", async () => {
    const docs = await sql`select d.title, d.type, s.title as space, length(ds.state) as bytes from documents d join spaces s on s.id = d.space_id join document_snapshots ds on ds.document_id = d.id
      where d.language = 'da' order by d.title`;
    expect(docs.map((d) => [d.space, d.type, d.title])).toEqual([
      ["Bycirklen–Wuxi samarbejdsaftale 2016–2019", "strategy", "Bycirklens Kina-erhvervsstrategi 2013–2016"],
      ["Jordsporet – Jiangsu", "action_plan", "Handlingsplan 2017–2018 for jordsporet: Region Hovedstaden – CLEAN – JEPD"],
      ["Bycirklen–Wuxi samarbejdsaftale 2016–2019", "agreement", "Samarbejdsaftale mellem Bycirklen og Wuxi 2016–2019 (fornyelse)"],
      ["Skoleudveksling Bycirklen–Wuxi", "exchange_programme", "Udvekslingsprogram for Uddannelsesnetværket og Skolenetværket"],
    ]);
    const [state] = await sql`select ds.state from document_snapshots ds join documents d on d.id = ds.document_id where d.type = 'agreement'`;
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, state.state);
    const derived = deriveFromYDoc(ydoc);
    expect(derived.outline.map((h) => h.text)).toContain("Fokusområder for erhvervssamarbejdet");
    expect(derived.plainText).toContain("Første samarbejdsaftale mellem Bycirklen og Wuxi underskrevet i maj 2007.");
  });

  it("has the renewal agreement's Chinese translation, its background, parties and areas translated, the areas stale against a later Danish edit", async () => {
    const [translation] = await sql`
      select d.title, d.language, s.title as source from document_translations t join documents d on d.id = t.document_id join documents s on s.id = t.source_id`;
    expect(translation).toEqual({ title: "碧城圈—无锡合作协议 2016–2019（续签）", language: "zh-CN", source: "Samarbejdsaftale mellem Bycirklen og Wuxi 2016–2019 (fornyelse)" });
    const blocks = await sql`select b.block_id, b.text from document_blocks b join document_translations t on t.document_id = b.document_id order by b.position limit 6`;
    expect(blocks.map((b) => b.text.split("\n")[0])).toEqual(["背景", "Bycirklen与无锡的首份合作协议于2007年5月签署。", "双方与组织", expect.stringContaining("巴勒鲁普"), "经济合作重点领域", "可持续城市发展"]);
    const [doc] = await sql`select t.document_id as id, t.space_id from document_translations t`;
    const stale = await blocksToReview(sql, { id: doc.id, spaceId: doc.spaceId });
    expect(stale.map((b) => [b.blockId, b.state])).toEqual([["b6", "changed"]]);
    expect(stale[0].now).toContain("Ældrepleje (drift og uddannelse)");
    expect(stale[0].then).not.toContain("Ældrepleje");
  });

  it("puts the 41 tasks as cards on boards in their spaces, with lead tenants and due months, linked from their documents", async () => {
    const [count] = await sql`select count(*)::int as n from cards`;
    expect(count.n).toBe(41);
    const jordsporet = await sql`
      select c.title, t.slug as lead, to_char(c.due_date, 'YYYY-MM-DD') as due, c.area, k.title as column
      from cards c join boards b on b.id = c.board_id join spaces s on s.id = b.space_id
      left join tenants t on t.id = c.lead_tenant_id join board_columns k on k.id = c.column_id
      where s.title = 'Jordsporet – Jiangsu' and b.title = 'Handlingsplan 2017–2018' order by c.position collate "C"`;
    expect(jordsporet).toHaveLength(11);
    expect(jordsporet[0]).toEqual({ title: "Underskrive MoU mellem CLEAN og NIES", lead: "clean", due: null, area: "soil", column: "Ikke startet" });
    expect(jordsporet.find((c) => c.title === "Modtage genbesøg fra Suzhou")?.due).toBe("2017-03-31");
    const [links] = await sql`
      select count(*)::int as n from document_card_links l join documents d on d.id = l.document_id where d.type = 'action_plan'`;
    expect(links.n).toBe(11);
    const [state] = await sql`select ds.state from document_snapshots ds join documents d on d.id = ds.document_id where d.type = 'action_plan'`;
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, state.state);
    expect(deriveFromYDoc(ydoc).links).toHaveLength(11);
  });

  it("gives the renewal agreement two named versions (a first draft, the draft sent to Wuxi) and the soil-track plan one", async () => {
    const rows = await sql<{ template: string; name: string; contentHash: string; content: DocJSON; author: string }[]>`
      select d.template, v.name, v.content_hash, v.content, v.created_by as author from document_versions v join documents d on d.id = v.document_id
      order by d.template, v.created_at`;
    expect(rows.map((r) => [r.template, r.name, r.author])).toEqual([
      ["handlingsplan-jordsporet-2017-2018", "Handlingsplan drøftet med JEPD", "demo-region-hovedstaden"],
      ["kina-erhvervsstrategi-2013-2016", "Vedtaget strategi 2013–2016", "demo-bycirklen"],
      ["samarbejdsaftale-bycirklen-wuxi-2016-2019", "Første udkast", "demo-bycirklen"],
      ["samarbejdsaftale-bycirklen-wuxi-2016-2019", "Udkast sendt til Wuxi", "demo-bycirklen"],
    ]);
    for (const r of rows) expect(r.contentHash, r.name).toBe(contentHash(r.content));
    // The draft sent to Wuxi is today's text; the first draft lacked the culture section.
    const [today] = await sql<{ state: Uint8Array }[]>`select s.state from document_snapshots s join documents d on d.id = s.document_id where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, today.state);
    expect(rows[3].contentHash).toBe(versionContent(ydoc).contentHash);
    const changes = compareContent(rows[2].content, rows[3].content).changes;
    expect(changes.filter((c) => c.kind === "inserted").map((c) => c.text).join(" ")).toContain("Kultur og fritid");
  });

  it("gives the renewal agreement comment threads in Danish and Chinese, anchored in its text, one of them resolved", async () => {
    const threads = await sql<{ id: string; quote: string; resolved: boolean; bodies: string[] }[]>`
      select t.id, t.quote, t.resolved_at is not null as resolved, array_agg(c.body order by c.created_at) as bodies
      from comment_threads t join documents d on d.id = t.document_id join document_comments c on c.thread_id = t.id
      where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019' group by t.id order by min(c.created_at)`;
    expect(threads.map((t) => t.resolved).sort()).toEqual([false, false, true]);
    expect(threads.flatMap((t) => t.bodies).join(" ")).toMatch(/[\u4e00-\u9fff]/);
    expect(threads.flatMap((t) => t.bodies).join(" ")).toContain("byrådenes");
    const [today] = await sql<{ state: Uint8Array }[]>`select s.state from document_snapshots s join documents d on d.id = s.document_id where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, today.state);
    const anchors = commentAnchors(yDocToNode(ydoc));
    for (const t of threads) expect(anchors.get(t.id), t.quote).toBe(t.quote);
  });

  it("has the China business strategy signed by its parties, each with its approval of the signed version's hash", async () => {
    const [round] = await sql<{ status: string; contentHash: string; versionHash: string; signedBy: string; signedAt: Date; endedAt: Date | null }[]>`
      select d.status, r.content_hash, v.content_hash as version_hash, r.signed_by, r.signed_at, r.ended_at
      from approval_rounds r join documents d on d.id = r.document_id join document_versions v on v.id = r.version_id
      where d.template = 'kina-erhvervsstrategi-2013-2016'`;
    expect(round).toMatchObject({ status: "signed", signedBy: "demo-bycirklen", endedAt: null });
    expect(round.contentHash).toBe(round.versionHash);
    const parties = await sql<{ slug: string; decision: string; contentHash: string; decidedBy: string }[]>`
      select t.slug, p.decision, p.content_hash, p.decided_by from approval_parties p join tenants t on t.id = p.tenant_id
      join approval_rounds r on r.id = p.round_id join documents d on d.id = r.document_id
      where d.template = 'kina-erhvervsstrategi-2013-2016' order by t.slug`;
    expect(parties.map((p) => [p.slug, p.decision, p.decidedBy])).toEqual(
      ["ballerup-kommune", "bycirklen", "egedal-kommune", "frederikssund-kommune", "wuxi-foreign-affairs-office"].map((slug) => [slug, "approved", `demo-${slug}`]),
    );
    for (const p of parties) expect(p.contentHash).toBe(round.contentHash);
  });

  it("changes nothing when loaded again", async () => {
    const before = await snapshot(sql);
    await loadDemoWorld(sql);
    expect(await snapshot(sql)).toEqual(before);
  });
});
