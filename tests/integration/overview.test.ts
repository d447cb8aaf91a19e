import { beforeAll, describe, expect, it } from "vitest";
import { ACTIVITY_SPACE, DEMO_PASSWORD, demoEmail, loadDemoWorld, sourceActivities } from "@twinning/demo-world";
import { pdfText, unzipXml } from "@twinning/export/testing";
import { resources } from "@twinning/i18n";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";

const da = resources.da.translation;
const zh = resources["zh-CN"].translation;
const fill = (text: string, values: Record<string, string> = {}) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");
/** Text as React renders it into HTML (quotes and ampersands escaped). */
const html = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("'", "&#x27;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * The activity overview over HTTP, against the demo world: for every year of the source report
 * (2013–2015) the page's counts per month, area and kind are those of activities.json (and the
 * space's dated cards, counted the same way from the database); filters; activities added, changed
 * and removed by an editor; bad input refused with a translated message, what was typed kept and
 * nothing changed; viewers and outsiders refused; the CSV, DOCX and PDF exports opened and read.
 */
describe("activity overview", () => {
  let app: RunningApp;
  let spaceId: string;
  const cookie: Record<string, string> = {};

  const request = (who: string | null, path: string, init: RequestInit = {}) =>
    fetch(`${app.url}${path}`, { redirect: "manual", ...init, headers: { ...(who ? { Cookie: cookie[who] } : {}), Origin: app.url, ...(init.headers ?? {}) } });
  const page = async (who: string, query: string) => {
    const res = await request(who, `/s/${spaceId}/overview?${query}`);
    expect(res.status, query).toBe(200);
    const body = await res.text();
    // React 18 streams stray NUL bytes where a multi-byte character meets its 2 KB buffer's end; entry.server.tsx drops them.
    expect(body.includes("\u0000"), `NUL bytes in the page for ${query}`).toBe(false);
    return body;
  };
  const post = (who: string, body: Record<string, string>, query = "year=2014") =>
    request(who, `/s/${spaceId}/overview?${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body),
    });
  /** Everything the activity tables hold, to prove a refused request changed nothing. */
  const snapshot = async () => {
    const [row] = await app.db.owner<{ sum: string }[]>`
      select md5(coalesce((select string_agg(a::text, '|' order by a.id) from activities a), '') || coalesce((select string_agg(o::text, '|' order by o.activity_id, o.tenant_id) from activity_organisations o), '')) as sum`;
    return row.sum;
  };

  /** The page's totals, read from the table's marked cells. */
  function totals(body: string) {
    const months: Record<number, number> = {};
    for (const [, month, row] of body.matchAll(/<tr data-month="(\d+)">(.*?)<\/tr>/gs)) {
      const counts = [...row.matchAll(/class="overview-count">(\d+)</g)];
      months[Number(month)] = Number(counts.at(-1)![1]);
    }
    const areas = Object.fromEntries([...body.matchAll(/data-area-total="([^"]*)">(\d+)</g)].map(([, a, n]) => [a, Number(n)]));
    const kinds = Object.fromEntries(
      [...body.matchAll(/<tr data-kind="([^"]+)"><th scope="row">[^<]*<\/th><td>(\d+)<\/td>/g)].map(([, k, n]) => [k, Number(n)])
    );
    const total = Number(/data-total="(\d+)"/.exec(body)![1]);
    return { months, areas, kinds, total };
  }

  /** What the overview must show for a year: the source's activities plus the space's cards dated that year. */
  async function expected(year: number, keep: (a: (typeof sourceActivities)[number]) => boolean = () => true) {
    const months: Record<number, number> = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i + 1, 0]));
    const areas: Record<string, number> = { overall: 0, education: 0, school: 0 };
    const kinds: Record<string, number> = {};
    const add = (month: number, area: string, kind: string) => {
      months[month]++;
      areas[area] = (areas[area] ?? 0) + 1;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    };
    for (const a of sourceActivities.filter((a) => a.date.startsWith(`${year}-`) && keep(a))) add(Number(a.date.slice(5, 7)), a.area, a.kind);
    return { months, areas, kinds, add, total: () => Object.values(months).reduce((x, y) => x + y, 0) };
  }
  async function datedCards(year: number) {
    return app.db.owner<{ month: number; area: string }[]>`
      select extract(month from coalesce(c.due_date, c.start_date))::int as month, coalesce(c.area, '') as area
      from cards c join boards b on b.id = c.board_id
      where b.space_id = ${spaceId} and c.deleted_at is null and extract(year from coalesce(c.due_date, c.start_date)) = ${year}`;
  }

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    [{ id: spaceId }] = await app.db.owner<{ id: string }[]>`select id from spaces where title = ${ACTIVITY_SPACE}`;
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune", "region-hovedstaden", "kobenhavns-kommune", "wuxi-foreign-affairs-office"]) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    }
  });

  it("loads the source report's 195 activities into the Bycirklen–Wuxi space, once", async () => {
    const count = async () => (await app.db.owner<{ n: number }[]>`select count(*)::int as n from activities where space_id = ${spaceId}`)[0].n;
    expect(sourceActivities).toHaveLength(195);
    expect(await count()).toBe(195);
    await loadDemoWorld(app.db.owner);
    expect(await count()).toBe(195);
    const [{ n }] = await app.db.owner<{ n: number }[]>`select count(*)::int as n from activity_organisations where space_id = ${spaceId}`;
    expect(n).toBe(sourceActivities.reduce((sum, a) => sum + a.organisations.length, 0));
  });

  it.each([2013, 2014, 2015])("%i: counts per month, area and kind match the source report", async (year) => {
    const want = await expected(year);
    for (const card of await datedCards(year)) want.add(card.month, card.area, "card");
    const got = totals(await page("bycirklen", `year=${year}`));
    expect(got.months).toEqual(want.months);
    expect(Object.fromEntries(Object.entries(got.areas).filter(([, n]) => n > 0))).toEqual(
      Object.fromEntries(Object.entries(want.areas).filter(([, n]) => n > 0))
    );
    expect(got.kinds).toEqual(want.kinds);
    expect(got.total).toBe(want.total());
    // The source report's own figures per year (no dated cards in those years).
    expect(got.total).toBe({ 2013: 35, 2014: 99, 2015: 61 }[year]);
  });

  it("a cell lists its items: February 2014, overall, holds the visit to Wuxi about soil remediation", async () => {
    const body = await page("ballerup-kommune", "year=2014");
    const february = /<tr data-month="2">(.*?)<\/tr>/s.exec(body)![1];
    const overall = /<td data-area="overall">(.*?)<\/td>/s.exec(february)![1];
    const visit = sourceActivities.find((a) => a.id === "act-2014-014")!;
    expect(overall).toContain(html(visit.title_da));
    expect(overall).toContain(da.overview.kinds.visit_out);
    // The Chinese reader sees the months, kinds and areas in Chinese, the title as written.
    const chinese = await page("wuxi-foreign-affairs-office", "year=2014");
    expect(chinese).toContain(zh.overview.kinds.visit_out);
    expect(chinese).toContain(zh.areas.education);
    expect(chinese).toContain(html(visit.title_da));
  });

  it("filters by kind and by tenant", async () => {
    const meetings = totals(await page("bycirklen", "year=2014&kind=meeting"));
    expect(meetings.total).toBe(sourceActivities.filter((a) => a.date.startsWith("2014-") && a.kind === "meeting").length);
    expect(Object.keys(meetings.kinds)).toEqual(["meeting"]);
    const [wuxi] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'wuxi'`;
    const withWuxi = totals(await page("bycirklen", `year=2014&tenant=${wuxi.id}`));
    const want = await expected(2014, (a) => a.organisations.includes("wuxi"));
    expect(withWuxi.months).toEqual(want.months);
    expect(withWuxi.total).toBe(want.total());
    // An unknown filter is ignored, not an error.
    expect(totals(await page("bycirklen", "year=2014&kind=picnic&tenant=nope")).total).toBe(99);
  });

  it("lists a card with a date in its month, under its area (a column of its own), linked to the card; a deleted card goes", async () => {
    const title = "Kort: fælles rapport om jordrensning";
    await app.db.owner`delete from cards where title = ${title}`;
    const [board] = await app.db.owner<{ id: string; column: string }[]>`
      select b.id, (select c.id from board_columns c where c.board_id = b.id order by c.position limit 1) as column from boards b where b.space_id = ${spaceId} limit 1`;
    const [card] = await app.db.owner<{ id: string }[]>`
      insert into cards (space_id, board_id, column_id, position, title, due_date, area, lead_tenant_id)
      values (${spaceId}, ${board.id}, ${board.column}, 'zz', ${title}, '2014-06-15', 'business', (select id from tenants where slug = 'ballerup-kommune')) returning id`;
    const body = await page("egedal-kommune", "year=2014");
    const got = totals(body);
    expect(got.total).toBe(100);
    expect(got.kinds.card).toBe(1);
    expect(got.areas.business).toBe(1);
    const june = /<tr data-month="6">(.*?)<\/tr>/s.exec(body)![1];
    expect(/<td data-area="business">(.*?)<\/td>/s.exec(june)![1]).toContain(`href="/s/${spaceId}/boards/${board.id}/cards/${card.id}"`);
    expect(body).toContain(`<th scope="col">${da.areas.business}</th>`);
    // Filtered by kind and by its lead tenant.
    expect(totals(await page("egedal-kommune", "year=2014&kind=card")).total).toBe(1);
    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    expect(totals(await page("egedal-kommune", `year=2014&tenant=${ballerup.id}&kind=card`)).total).toBe(1);
    await app.db.owner`update cards set deleted_at = now() where id = ${card.id}`;
    expect(totals(await page("egedal-kommune", "year=2014")).total).toBe(99);
    await app.db.owner`delete from cards where id = ${card.id}`;
  });

  it("an editor adds, changes and removes an activity; the overview follows", async () => {
    // A retry starts from the demo's activities (a first attempt may have left its own).
    await app.db.owner`delete from activities where title like 'Videomøde om Learning EXPO %'`;
    const title = `Videomøde om Learning EXPO ${Date.now()}`;
    let res = await post("ballerup-kommune", {
      intent: "addActivity",
      kind: "meeting",
      title,
      start: "2014-11",
      end: "2014-12-02",
      area: "education",
      organisations: "ballerup-kommune, wuxi",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/year=2014/);
    const [row] = await app.db.owner<
      { id: string; startsOn: Date; startPrecision: string; endPrecision: string }[]
    >`select * from activities where title = ${title}`;
    expect(row).toMatchObject({ startPrecision: "month", endPrecision: "day" });
    let body = await page("ballerup-kommune", "year=2014");
    expect(totals(body).total).toBe(100);
    expect(/<tr data-month="11">(.*?)<\/tr>/s.exec(body)![1]).toContain(html(title));
    // The edit form shows what is stored, as typed.
    body = await page("ballerup-kommune", `year=2014&edit=${row.id}`);
    expect(body).toContain('value="2014-11"');
    expect(body).toContain("ballerup-kommune, wuxi");
    res = await post("ballerup-kommune", {
      intent: "updateActivity",
      activityId: row.id,
      kind: "conference",
      title,
      start: "2015-01-20",
      area: "overall",
      organisations: "",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/year=2015/);
    expect(totals(await page("ballerup-kommune", "year=2014")).total).toBe(99);
    expect(totals(await page("ballerup-kommune", "year=2015")).kinds.conference).toBe(
      sourceActivities.filter((a) => a.date.startsWith("2015-") && a.kind === "conference").length + 1
    );
    const [{ n: orgs }] = await app.db.owner<{ n: number }[]>`select count(*)::int as n from activity_organisations where activity_id = ${row.id}`;
    expect(orgs).toBe(0);
    res = await post("ballerup-kommune", { intent: "removeActivity", activityId: row.id });
    expect(res.status).toBe(302);
    expect(totals(await page("ballerup-kommune", "year=2015")).total).toBe(61);
    // Each step is in the space's audit log, by the editor who took it.
    const events = await app.db.owner<{ action: string; actorId: string }[]>`
      select action, actor_id from audit_events where space_id = ${spaceId} and details->>'title' = ${title} order by at, id`;
    expect(events.map((e) => e.action)).toEqual(["activity.added", "activity.updated", "activity.removed"]);
    expect(new Set(events.map((e) => e.actorId))).toEqual(new Set(["demo-ballerup-kommune"]));
  });

  const valid = { intent: "addActivity", kind: "visit_in", title: "Besøg fra Wuxi", start: "2014-05-12", end: "", area: "overall", organisations: "wuxi" };
  const refusals: [string, Record<string, string>, string, string][] = [
    ["end before start", { end: "2014-05-01" }, "endBeforeStart", "end"],
    ["an end month before the start's month", { end: "2014-04" }, "endBeforeStart", "end"],
    ["unknown area", { area: "soil" }, "areaUnknown", "area"],
    ["empty title", { title: "   " }, "required", "title"],
    ["a day that does not exist", { start: "2014-02-30" }, "activityDateInvalid", "start"],
    ["a date that is no date", { start: "next tuesday" }, "activityDateInvalid", "start"],
    ["no date", { start: "" }, "activityDateRequired", "start"],
    ["an unknown kind", { kind: "picnic" }, "activityKindUnknown", "kind"],
    ["an unknown organisation", { organisations: "wuxi, atlantis-kommune" }, "organisationUnknown", "organisations"],
    ["a NUL in the title", { title: "Møde\u0000" }, "textControl", "title"],
  ];
  it.each(refusals)("bad input refused with a translated message, what was typed kept, nothing changed: %s", async (_, change, key, field) => {
    for (const [who, strings] of [
      ["bycirklen", da],
      ["wuxi-foreign-affairs-office", zh],
    ] as const) {
      const before = await snapshot();
      const body = { ...valid, title: `${valid.title} ${field}`, ...change };
      const res = await post(who, body);
      expect(res.status, `${who}: ${key}`).toBe(400);
      const text = await res.text();
      const message = fill((strings.errors as Record<string, string>)[key], { area: "soil", names: "atlantis-kommune" });
      expect(text, `${who}: ${key}`).toContain(html(message));
      // The message sits beside its field, which is marked invalid and keeps what was typed.
      expect(text).toMatch(new RegExp(`id="activity-${field}"[^>]*aria-invalid="true"`));
      if (field !== "title") expect(text, "the title typed is kept").toContain(html(body.title));
      if ((field === "start" || field === "end") && body[field]) expect(text, "the date typed is kept").toContain(`value="${html(body[field])}"`);
      if (field === "organisations") expect(text).toContain(`value="${body.organisations}"`);
      expect(await snapshot(), `${who}: ${key}`).toBe(before);
    }
  });

  it("viewers and outsiders cannot change activities; a foreign or malformed id is not found", async () => {
    const before = await snapshot();
    const [one] = await app.db.owner<{ id: string }[]>`select id from activities where space_id = ${spaceId} limit 1`;
    // Region Hovedstaden is a viewer in the space: it reads the overview, and may not write.
    expect((await request("region-hovedstaden", `/s/${spaceId}/overview?year=2014`)).status).toBe(200);
    expect((await post("region-hovedstaden", valid)).status).toBe(403);
    expect((await post("region-hovedstaden", { intent: "removeActivity", activityId: one.id })).status).toBe(403);
    expect((await request("region-hovedstaden", `/s/${spaceId}/overview?year=2014&edit=${one.id}`)).status).toBe(403);
    // Københavns Kommune takes part in nothing: the space does not exist for it.
    for (const path of [`/s/${spaceId}/overview?year=2014`, `/s/${spaceId}/overview/export?year=2014&format=csv`]) {
      const res = await request("kobenhavns-kommune", path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(ACTIVITY_SPACE);
    }
    expect((await post("kobenhavns-kommune", valid)).status).toBe(404);
    // An activity of another space (the soil track's, made here) is not found in this one.
    const [soil] = await app.db.owner<{ id: string }[]>`select id from spaces where title = 'Jordsporet – Jiangsu'`;
    const [foreign] = await app.db.owner<
      { id: string }[]
    >`insert into activities (space_id, kind, title, starts_on, area) values (${soil.id}, 'meeting', 'Fremmed møde', '2014-01-02', 'overall') returning id`;
    const afterForeign = await snapshot();
    expect((await post("bycirklen", { intent: "removeActivity", activityId: foreign.id })).status).toBe(404);
    expect((await post("bycirklen", { ...valid, intent: "updateActivity", activityId: foreign.id })).status).toBe(404);
    expect((await request("bycirklen", `/s/${spaceId}/overview?edit=${foreign.id}`)).status).toBe(404);
    expect((await post("bycirklen", { intent: "removeActivity", activityId: "not-an-id" })).status).toBe(404);
    expect((await request("bycirklen", `/s/${spaceId}/overview?edit=not-an-id`)).status).toBe(404);
    expect(await snapshot()).toBe(afterForeign);
    await app.db.owner`delete from activities where id = ${foreign.id}`;
    expect(await snapshot()).toBe(before);
  });

  it("exports the year as CSV, DOCX and PDF, each opened and read", async () => {
    const csv = await request("bycirklen", `/s/${spaceId}/overview/export?year=2014&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename=".*\.csv"; filename\*=UTF-8''/);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1));
    const columns = da.overview.columns;
    expect(rows[0]).toEqual([columns.date, columns.end, columns.month, columns.area, columns.kind, columns.title, columns.organisations, columns.note]);
    const items = rows.slice(1);
    expect(items).toHaveLength(99);
    const source2014 = sourceActivities.filter((a) => a.date.startsWith("2014-"));
    expect(items.map((r) => r[5]).sort()).toEqual(source2014.map((a) => a.title_da).sort());
    const visit = items.find((r) => r[5] === sourceActivities.find((a) => a.id === "act-2014-017")!.title_da)!;
    expect(visit.slice(0, 5)).toEqual(["2014-03-16", "2014-03-23", "marts", da.areas.school, da.overview.kinds.visit_out]);
    expect(visit[6]).toContain("Skolenetværket");
    // Filtered as the page is.
    const meetings = parseCsv(
      new TextDecoder("utf-8", { ignoreBOM: true })
        .decode(await (await request("bycirklen", `/s/${spaceId}/overview/export?year=2014&format=csv&kind=meeting`)).arrayBuffer())
        .slice(1)
    );
    expect(meetings.slice(1).every((r) => r[4] === da.overview.kinds.meeting)).toBe(true);
    expect(meetings).toHaveLength(1 + source2014.filter((a) => a.kind === "meeting").length);

    const docx = await request("bycirklen", `/s/${spaceId}/overview/export?year=2014&format=docx`);
    expect(docx.status).toBe(200);
    expect(docx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    const word = unzipXml(new Uint8Array(await docx.arrayBuffer()))["word/document.xml"].replace(/<[^>]+>/g, "");
    expect(word).toContain(`${da.overview.title} 2014`);
    expect(word).toContain(fill(da.overview.tableCaption, { year: "2014" }));
    expect(word).toContain("Borgmestermøde");
    expect(word).toContain(da.overview.kindsHeading);
    for (const month of ["januar", "december"]) expect(word).toContain(month);

    const pdf = await request("wuxi-foreign-affairs-office", `/s/${spaceId}/overview/export?year=2014&format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const pages = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).join("\n").replace(/\s+/g, "");
    expect(pages).toContain(`${zh.overview.title}2014`);
    expect(pages).toContain(zh.overview.kindsHeading);
    expect(pages).toContain("Borgmestermøde");
    expect(pages).toContain(zh.areas.school);

    const exported = await app.db.owner<{ format: string }[]>`
      select details->>'format' as format from audit_events where space_id = ${spaceId} and action = 'activity.overviewExported' and details->>'year' = '2014'`;
    expect(exported.map((e) => e.format)).toEqual(expect.arrayContaining(["CSV", "DOCX", "PDF"]));
    const bad = await request("bycirklen", `/s/${spaceId}/overview/export?year=2014&format=exe`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe(da.overview.exportBadFormat);
  });

  it("the host's admins set the space's areas, typed in any language; an area still in use stays; partners may not", async () => {
    // A retry starts from the default areas.
    await app.db.owner`update spaces set activity_areas = array['overall', 'education', 'school'] where id = ${spaceId}`;
    const set = (who: string, areas: string) => post(who, { intent: "setOverviewAreas", areas });
    let res = await set("bycirklen", "Overordnet, Uddannelse, Skoler, Kultur, 土壤");
    expect(res.status).toBe(302);
    const [{ activityAreas }] = await app.db.owner<{ activityAreas: string[] }[]>`select activity_areas from spaces where id = ${spaceId}`;
    expect(activityAreas).toEqual(["overall", "education", "school", "culture", "soil"]);
    const body = await page("bycirklen", "year=2014");
    expect(totals(body).areas).toEqual({ overall: 62, education: 22, school: 15, culture: 0, soil: 0 });
    expect(body).toContain(`<th scope="col">${da.areas.culture}</th>`);
    // Schools still hold activities: refused, named in the reader's language, what was typed kept, nothing changed.
    for (const [who, strings] of [
      ["bycirklen", da],
      ["wuxi-foreign-affairs-office", zh],
    ] as const) {
      res = await set(who, "overall, education");
      if (who === "wuxi-foreign-affairs-office") {
        // Wuxi is an editor partner, not the host: it may not change the space.
        expect(res.status).toBe(403);
        continue;
      }
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain(html(fill(strings.errors.areaInUse, { areas: strings.areas.school })));
      expect(text).toContain('value="overall, education"');
    }
    expect((await set("ballerup-kommune", "overall")).status).toBe(403);
    expect((await set("region-hovedstaden", "overall")).status).toBe(403);
    const [{ activityAreas: after }] = await app.db.owner<{ activityAreas: string[] }[]>`select activity_areas from spaces where id = ${spaceId}`;
    expect(after).toEqual(["overall", "education", "school", "culture", "soil"]);
    expect((await set("bycirklen", "overall, education, school")).status).toBe(302);
  });

  it("has a <title> in the reader's language, and the space page links to it", async () => {
    expect(await page("bycirklen", "year=2014")).toContain(`<title>${fill(da.overview.pageTitle, { year: "2014" })} — Twinning</title>`);
    expect(await page("wuxi-foreign-affairs-office", "year=2013")).toContain(`<title>${fill(zh.overview.pageTitle, { year: "2013" })} — Twinning</title>`);
    const space = await (await request("bycirklen", `/s/${spaceId}`)).text();
    expect(space).toContain(`href="/s/${spaceId}/overview"`);
    // Without a year it opens on the latest year with activities (the report's 2015).
    expect(await page("bycirklen", "")).toContain(`<title>${fill(da.overview.pageTitle, { year: "2015" })} — Twinning</title>`);
  });
});

/** A CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      (row = []), (field = ""), i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
