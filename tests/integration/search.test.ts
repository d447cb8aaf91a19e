import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  addComment,
  asUser,
  createBoard,
  createCard,
  createDocument,
  createSpace,
  createTenant,
  endPartnership,
  hanGrams,
  invitePartner,
  parseQuery,
  saveDerived,
  search,
  searchLocaleWarning,
  snippet,
  type SearchFilter,
  type Sql,
} from "@twinning/db";
import { deriveFromYDoc, jsonToYUpdate, templateContent, type DocJSON } from "@twinning/editor";
import { loadDemoWorld } from "@twinning/demo-world";
import { freshDatabase } from "../helpers/db";

/**
 * Search as a user sees it, against the real schema: Danish stemming, Chinese by characters and
 * pairs, mixed queries, ranking, snippets, the derive step feeding the index, and the tenant wall —
 * nothing from a space the user does not take part in, and nothing once their tenant is removed.
 */

const paragraphs = (...texts: string[]): DocJSON => ({ type: "doc", content: texts.map((t) => ({ type: "paragraph", content: [{ type: "text", text: t }] })) });

describe("search", () => {
  let owner: Sql;
  let app: Sql;
  let spaceId: string;
  let secretSpaceId: string;
  let partnerTenant: string;
  let docId: string;
  let boardId: string;

  const find = (user: string, q: string, filter: SearchFilter = {}, prefix = false) =>
    asUser(app, user, (tx) => search(tx, { query: parseQuery(q), filter, limit: 20, prefix }));

  /** Derives a document's content as the collaboration server does, and saves it. */
  async function setContent(documentId: string, json: DocJSON) {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, jsonToYUpdate(json));
    await saveDerived(owner, { documentId, ...deriveFromYDoc(ydoc) });
  }

  beforeAll(async () => {
    ({ sql: owner, app } = await freshDatabase());
    for (const id of ["host", "partner", "outsider"]) {
      await owner`insert into users (id, email, name, password_hash, locale) values (${id}, ${`${id}@example.org`}, ${id}, 'x', 'da')`;
    }
    const tenant = async (slug: string, name: string, ownerId: string) => {
      const t = await asUser(app, ownerId, (tx) => createTenant(tx, { name, slug, kind: "network", country: "DK", ownerId }));
      if (!t.ok) throw new Error(t.error);
      return t.tenant.id;
    };
    const host = await tenant("bycirkel", "Bycirkel", "host");
    partnerTenant = await tenant("wuxi-test", "Wuxi Test Office", "partner");
    await owner`update tenants set name_zh = '无锡测试办公室' where id = ${partnerTenant}`;
    await tenant("fremmed", "Fremmed Kommune", "outsider");
    const space = await asUser(app, "host", (tx) => createSpace(tx, { hostTenantId: host, title: "Skolesamarbejde Wuxi", color: "blue", icon: "globe", private: false, actorId: "host" }));
    spaceId = space.id;
    const secret = await asUser(app, "host", (tx) => createSpace(tx, { hostTenantId: host, title: "Hemmeligt rum", color: "blue", icon: "globe", private: true, actorId: "host" }));
    secretSpaceId = secret.id;
    await asUser(app, "host", (tx) => invitePartner(tx, { spaceId, tenantSlug: "wuxi-test", role: "editor", actorId: "host" }));
    await owner`update space_partners set status = 'active'`;
    const doc = await asUser(app, "host", (tx) =>
      createDocument(tx, { spaceId, type: "note", title: "Udvekslingsprogram", language: "da", template: "blank", initialState: jsonToYUpdate(templateContent("blank", "da")), actorId: "host" }),
    );
    docId = doc.id;
    await setContent(
      docId,
      paragraphs(
        "Indledning om samarbejdet.",
        "Skolerne i Ballerup sender elever til Wuxi hvert forår.",
        "无锡市的土壤修复项目由丹麦公司参与。",
        "Der er ingen omtale af jord her.",
      ),
    );
    const board = await asUser(app, "host", (tx) => createBoard(tx, { spaceId, title: "Opgaver", columns: ["A", "B", "C"], actorId: "host" }));
    boardId = board.id;
    const card = await asUser(app, "host", (tx) => createCard(tx, { board, title: "Jordrensning i Wuxi", description: "土壤污染调查", assignees: [], actorId: "host" }));
    if (!card.ok) throw new Error(card.error);
    await asUser(app, "host", (tx) => addComment(tx, { cardId: card.card.id, body: "Husk budgettet for skolebesøget", actorId: "host" }));
    const hidden = await asUser(app, "host", (tx) =>
      createDocument(tx, { spaceId: secretSpaceId, type: "note", title: "Fortrolig skoleplan", language: "da", template: "blank", initialState: jsonToYUpdate(templateContent("blank", "da")), actorId: "host" }),
    );
    await setContent(hidden.id, paragraphs("Skolerne i 无锡 får en fortrolig plan."));
  });

  it("runs on a UTF-8 database with a UTF-8 LC_CTYPE (the embedded cluster is initialised so)", async () => {
    expect(await searchLocaleWarning(owner)).toBeNull();
    const [{ trgm }] = await owner<{ trgm: string[] }[]>`select show_trgm('协议草案') as trgm`;
    expect(trgm.length).toBeGreaterThan(0);
  });

  it("splits Chinese in Node as SQL does (characters and neighbouring pairs)", async () => {
    const text = "无锡 Wuxi 土壤修复";
    const [{ grams }] = await owner<{ grams: string }[]>`select app_search_grams(${text}) as grams`;
    expect(grams.split(" ")).toEqual(hanGrams(text));
    expect(parseQuery("土壤修复").grams).toEqual(["土壤", "壤修", "修复"]);
    expect(parseQuery("Skolerne  i\u0000Wuxi").latin).toEqual(["skolerne", "i", "wuxi"]);
  });

  it("stems Danish: skole finds skolerne, and a hit names its block", async () => {
    const hits = await find("host", "skole");
    const doc = hits.find((h) => h.documentId === docId);
    expect(doc?.block).toBe(1);
    expect(doc?.body).toContain("Skolerne i Ballerup");
    // The card comment "skolebesøget" shares no stem with "skole": found by its beginning as you type.
    expect((await find("host", "skolebesøg", {}, true)).some((h) => h.kind === "comment")).toBe(true);
  });

  it("finds Chinese words and substrings: 无锡, 土壤, 修复, 土壤修复", async () => {
    for (const q of ["无锡", "土壤", "修复", "土壤修复"]) {
      const hits = await find("partner", q);
      expect(hits.some((h) => h.documentId === docId && h.block === 2), q).toBe(true);
    }
    const soil = await find("partner", "土壤");
    expect(soil.some((h) => h.kind === "card" && h.title === "Jordrensning i Wuxi")).toBe(true);
    expect((await find("partner", "修土")).filter((h) => h.kind !== "tenant")).toEqual([]);
  });

  it("mixed queries need every part: Ballerup 无锡 matches nothing in one block, Wuxi 土壤 matches the card", async () => {
    const mixed = await find("partner", "Jordrensning 土壤");
    expect(mixed.map((h) => h.kind)).toEqual(["card"]);
    expect((await find("partner", "Ballerup 修复")).filter((h) => h.documentId === docId)).toEqual([]);
  });

  it("ranks a title match above a match in the text", async () => {
    const hits = await find("host", "Wuxi");
    const card = hits.findIndex((h) => h.kind === "card");
    const doc = hits.findIndex((h) => h.documentId === docId);
    expect(card).toBeGreaterThanOrEqual(0);
    expect(doc).toBeGreaterThan(card);
  });

  it("finds tenants by their Chinese name and their Danish one", async () => {
    expect((await find("outsider", "无锡测试")).map((h) => h.kind)).toEqual(["tenant"]);
    expect((await find("outsider", "wuxi test")).map((h) => h.tenantSlug)).toEqual(["wuxi-test"]);
  });

  it("highlights snippets in both scripts from match offsets", () => {
    const q = parseQuery("skole 土壤");
    const s = snippet("Skolerne i Ballerup og 无锡市的土壤修复项目", q);
    expect(s.marks.map(([a, b]) => s.text.slice(a, b))).toEqual(["Skolerne", "土壤"]);
    const long = snippet(`${"indledende tekst ".repeat(30)}her er Wuxi i midten ${"afsluttende tekst ".repeat(30)}`, parseQuery("wuxi"), 80);
    expect(long.text.startsWith("…") && long.text.endsWith("…")).toBe(true);
    expect(long.marks.map(([a, b]) => long.text.slice(a, b))).toEqual(["Wuxi"]);
  });

  it("filters by space, kind, tenant and date", async () => {
    expect((await find("host", "skole", { kind: "comment" })).every((h) => h.kind === "comment")).toBe(true);
    expect(await find("host", "skole", { spaceId: secretSpaceId })).toHaveLength(1);
    expect((await find("host", "skole", { tenantId: partnerTenant })).some((h) => h.spaceId === secretSpaceId)).toBe(false);
    expect(await find("host", "skole", { from: new Date(Date.now() + 86_400_000 * 2) })).toEqual([]);
  });

  it("follows an edit: the derive step replaces the document's blocks", async () => {
    expect((await find("host", "delegation")).filter((h) => h.documentId === docId)).toEqual([]);
    await setContent(docId, paragraphs("En delegation fra Wuxi besøger Egedal."));
    const hits = await find("host", "delegationen");
    expect(hits.find((h) => h.documentId === docId)?.block).toBe(0);
    expect((await find("host", "Ballerup")).filter((h) => h.documentId === docId)).toEqual([]);
  });

  it("follows edits incrementally: given what it wrote before, the derive step rewrites only the changed, added and removed blocks", async () => {
    const derive = (...texts: string[]) => {
      const ydoc = new Y.Doc();
      Y.applyUpdate(ydoc, jsonToYUpdate(paragraphs(...texts)));
      return { documentId: docId, ...deriveFromYDoc(ydoc) };
    };
    // Each entry's row version: a rewritten row gets a new one.
    const versions = async () =>
      new Map((await owner<{ block: number; xmin: string }[]>`select block, xmin::text from search_entries where document_id = ${docId} and block is not null`).map((r) => [r.block, r.xmin]));
    let written = await saveDerived(owner, derive("Første afsnit om skolen.", "Andet afsnit om havnen.", "Tredje afsnit om parken."));
    const before = await versions();
    written = await saveDerived(owner, derive("Første afsnit om skolen.", "Andet afsnit om lufthavnen.", "Tredje afsnit om parken."), written);
    const after = await versions();
    expect(after.get(0)).toBe(before.get(0));
    expect(after.get(2)).toBe(before.get(2));
    expect(after.get(1)).not.toBe(before.get(1));
    expect((await find("host", "lufthavnen")).find((h) => h.documentId === docId)?.block).toBe(1);
    // A removed block leaves the index; nothing changed writes no block at all.
    written = await saveDerived(owner, derive("Første afsnit om skolen.", "Andet afsnit om lufthavnen."), written);
    expect([...(await versions()).keys()].sort()).toEqual([0, 1]);
    expect((await find("host", "parken")).filter((h) => h.documentId === docId)).toEqual([]);
    const unchanged = await versions();
    await saveDerived(owner, derive("Første afsnit om skolen.", "Andet afsnit om lufthavnen."), written);
    expect(await versions()).toEqual(unchanged);
  });

  it("shows nothing from a space the user does not take part in, by row-level security and by the query", async () => {
    for (const q of ["skole", "无锡", "Fortrolig", "fortrolig plan", "Hemmeligt"]) {
      const partnerHits = await find("partner", q);
      expect(partnerHits.some((h) => h.spaceId === secretSpaceId), q).toBe(false);
      const outsiderHits = await find("outsider", q);
      expect(outsiderHits.filter((h) => h.kind !== "tenant"), q).toEqual([]);
    }
    // Even asked for the space by id.
    expect(await find("partner", "skole", { spaceId: secretSpaceId })).toEqual([]);
    const rows = await asUser(app, "outsider", (tx) => tx`select count(*)::int as n from search_entries`);
    expect(rows[0].n).toBe(0);
  });

  it("forgets a deleted card and its comments", async () => {
    const [card] = await owner`select id from cards where title = 'Jordrensning i Wuxi'`;
    await owner`update cards set deleted_at = now() where id = ${card.id}`;
    expect((await find("host", "Jordrensning")).filter((h) => h.cardId === card.id)).toEqual([]);
    expect((await find("host", "budgettet")).filter((h) => h.cardId === card.id)).toEqual([]);
    await owner`update cards set deleted_at = null where id = ${card.id}`;
    expect((await find("host", "Jordrensning")).map((h) => h.cardId)).toContain(card.id);
  });

  it("shows nothing of a space once the partner is removed", async () => {
    expect((await find("partner", "Jordrensning")).length).toBeGreaterThan(0);
    expect((await find("partner", "Skolesamarbejde")).length).toBeGreaterThan(0);
    await asUser(app, "host", (tx) => endPartnership(tx, { spaceId, tenantId: partnerTenant, actorId: "host", by: "host" }));
    for (const q of ["Jordrensning", "土壤", "skole", "Skolesamarbejde"]) expect((await find("partner", q)).filter((h) => h.kind !== "tenant"), q).toEqual([]);
  });

  it("never fails on odd input: NUL bytes, quotes, tsquery syntax, a huge query, only punctuation", async () => {
    for (const q of ["\u0000", "a\u0000b", "'\"&|!:*()<->", "skole:* & !", "x".repeat(100_000), "无".repeat(5_000), "   ", "%_\\", "\uD800"]) {
      await expect(find("host", q), JSON.stringify(q.slice(0, 20))).resolves.toBeInstanceOf(Array);
      await expect(find("host", q, {}, true)).resolves.toBeInstanceOf(Array);
    }
    void boardId;
  });
});

describe("search in the demo world", () => {
  let owner: Sql;
  let app: Sql;
  beforeAll(async () => {
    ({ sql: owner, app } = await freshDatabase());
    await loadDemoWorld(owner);
  });
  const find = (user: string, q: string) => asUser(app, user, (tx) => search(tx, { query: parseQuery(q), limit: 20 }));

  it("finds the Chinese tenants by their Chinese names", async () => {
    const hits = await find("demo-kobenhavns-kommune", "无锡");
    expect(hits.map((h) => h.tenantSlug)).toContain("wuxi-foreign-affairs-office");
    expect((await find("demo-kobenhavns-kommune", "江苏")).map((h) => h.tenantSlug)).toContain("jiangsu");
  });

  it("finds the loaded documents' text at block level for those taking part, and not for Københavns Kommune", async () => {
    const hits = await find("demo-clean", "jordforurening");
    const plan = hits.find((h) => h.kind === "document");
    expect(plan?.documentTitle).toMatch(/jord/i);
    expect(plan?.block).toBeTypeOf("number");
    expect((await find("demo-kobenhavns-kommune", "jordforurening")).filter((h) => h.kind !== "tenant")).toEqual([]);
  });
});
