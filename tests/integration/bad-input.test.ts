import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";

/**
 * Input that breaks nothing, over real HTTP: redirect targets that would leave the site, malformed
 * cookies, NUL characters, prototype names in the URL, and names that pretend to be other names. None
 * of them gives a 500; each is refused with a message in the user's language, or ignored.
 */
describe("bad input", () => {
  let app: RunningApp;
  let cookie: string;
  let spaceId: string;
  let boardId: string;

  const form = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, ...headers },
      body: new URLSearchParams(body),
    });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { redirect: "manual", headers });
  /** Where a browser goes with this Location header (the WHATWG URL parser drops tabs and newlines and reads `\` as `/`, as Chromium does). */
  const landsOn = (res: Response) => new URL(res.headers.get("location") ?? "", app.url);

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    cookie = await logInCookie(app.url, demoEmail("bycirklen"), DEMO_PASSWORD);
    [{ spaceId, id: boardId }] = await app.db.owner`select space_id, id from boards where title = 'Samarbejdsaftale 2016–2019'`;
  });

  // The shapes of the issue, raw (as the browser sends them in a form field or query value).
  const targets = [
    "/\t/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "/\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/%5C/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "javascript:alert(document.cookie)",
    "https://evil.example/",
    "http:evil.example",
  ];

  it("after log-in (GET when signed in, POST /login, POST /signup), every redirect target lands on the site", async () => {
    const own = new URL(app.url).origin;
    for (const [i, target] of targets.entries()) {
      const loggedIn = await get(`/login?redirectTo=${encodeURIComponent(target)}`, { Cookie: cookie });
      expect(loggedIn.status, target).toBe(302);
      expect(landsOn(loggedIn).origin, JSON.stringify(target)).toBe(own);

      const posted = await form("/login", { email: demoEmail("egedal-kommune"), password: DEMO_PASSWORD, redirectTo: target });
      expect(posted.status, target).toBe(302);
      expect(landsOn(posted).origin, JSON.stringify(target)).toBe(own);
      expect(landsOn(posted).pathname).toBe("/");

      const signedUp = await form("/signup", { name: "Ny Bruger", email: `ny${i}@egedal.dk`, password: "en-lang-adgangskode", redirectTo: target });
      expect(signedUp.status, target).toBe(302);
      expect(landsOn(signedUp).origin, JSON.stringify(target)).toBe(own);
    }
    // The exact URL of the report, as a browser sends it.
    const reported = await get("/login?redirectTo=%2F%09%2Fevil.example", { Cookie: cookie });
    expect(reported.headers.get("location")).toBe("/");
    // A path of our own is still followed.
    const ownPath = await form("/login", { email: demoEmail("egedal-kommune"), password: DEMO_PASSWORD, redirectTo: `/s/${spaceId}?tab=docs` });
    expect(ownPath.headers.get("location")).toBe(`/s/${spaceId}?tab=docs`);
  });

  it("ignores a malformed language cookie (every page, signed in or not) and keeps a good one", async () => {
    for (const bad of ["twinning_lng=%E0%A4%A", "twinning_lng=en", "twinning_lng=\"%\"", "twinning_lng=eyJfX3Byb3RvX18iOjF9", "x=%E0; twinning_lng=%"]) {
      const login = await get("/login", { Cookie: bad });
      expect(login.status, bad).toBe(200);
      expect(await login.text()).toContain('<html lang="da"');
      expect((await get("/", { Cookie: `${bad}; ${cookie}` })).status, bad).toBe(200);
      expect((await get("/no/such/page", { Cookie: bad })).status, bad).toBe(404);
    }
    const switched = await form("/locale", { locale: "en", redirectTo: "/login" });
    expect(switched.status).toBe(302);
    const set = switched.headers.get("set-cookie")!;
    expect(set).toMatch(/^twinning_lng=[^;]+; Max-Age=\d+; .*Path=\//);
    const english = await get("/login", { Cookie: set.split(";")[0] });
    expect(await english.text()).toContain('<html lang="en"');
  });

  it("a signed-in user's language switch is saved on the account", async () => {
    const own = await logInCookie(app.url, demoEmail("clean"), DEMO_PASSWORD);
    const switched = await form("/locale", { locale: "zh-CN", redirectTo: "/" }, { Cookie: own });
    expect(switched.status).toBe(302);
    expect(await (await get("/", { Cookie: own })).text()).toContain('<html lang="zh-CN"');
    const [row] = await app.db.owner<{ locale: string }[]>`select locale from users where email = ${demoEmail("clean")}`;
    expect(row.locale).toBe("zh-CN");
  });

  it("answers a NUL in a path or query with a translated 400, never a 500", async () => {
    for (const path of ["/t/%00.data", "/t/%00", `/api/cards?space=${spaceId}&q=%00`, "/api/cards?ids=%00", "/login?redirectTo=%00", "/s/%00/boards/%00", "/t/%E0%A4%A"]) {
      const res = await get(path, { Cookie: cookie, "Accept-Language": "en" });
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toMatch(/cannot be read|ikke kan læses/);
    }
    // A search without the NUL still works.
    expect((await get(`/api/cards?space=${spaceId}&q=aftale`, { Cookie: cookie })).status).toBe(200);
  });

  it("ignores a sort the list view does not know, such as __proto__", async () => {
    for (const sort of ["__proto__", "constructor", "toString", "hasOwnProperty", ""]) {
      const res = await get(`/s/${spaceId}/boards/${boardId}?view=list&sort=${sort}`, { Cookie: cookie });
      expect(res.status, sort).toBe(200);
    }
    const data = await get(`/s/${spaceId}/boards/${boardId}.data?view=list&sort=__proto__`, { Cookie: cookie });
    expect(data.status).toBe(200);
  });

  it("refuses a NUL in a form field with a message and keeps what was typed", async () => {
    // (The user's own language setting, Danish, wins over the browser's.)
    const res = await form("/tenants/new", { name: "Ballerup\0 Kommune 2", slug: "ballerup-2", kind: "municipality", country: "DK" }, { Cookie: cookie, "Accept-Language": "en" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Navnet må ikke indeholde kontroltegn som tabulatorer eller linjeskift.");
    expect(html).toContain('value="ballerup-2"');
    // A title over the limit is not cut: the form names the limit and keeps all of it.
    const long = "Samarbejde om jordrensning ".repeat(7);
    const tooLong = await form(`/t/bycirklen/spaces/new`, { title: long, color: "blue", icon: "handshake" }, { Cookie: cookie });
    expect(tooLong.status).toBe(400);
    const tooLongHtml = await tooLong.text();
    expect(tooLongHtml).toContain("Højst 160 tegn. Forkort teksten, og gem igen.");
    expect(tooLongHtml).toContain(`value="${long}"`);
    expect(tooLongHtml).not.toMatch(/<input[^>]*name="title"[^>]*maxlength/);
    const space = await form(`/t/bycirklen/spaces/new`, { title: "Rum\0", color: "blue", icon: "handshake" }, { Cookie: cookie });
    expect(space.status).toBe(400);
    expect(await space.text()).toContain("Teksten indeholder et usynligt kontroltegn (NUL), som ikke kan gemmes. Fjern det.");
    const card = await form(`/s/${spaceId}/boards/${boardId}`, { intent: "createCard", title: "Kort", area: "Energi\0" }, { Cookie: cookie });
    expect(card.status).toBe(400);
    expect(await card.text()).toContain("Teksten indeholder et usynligt kontroltegn (NUL), som ikke kan gemmes. Fjern det.");
    const areas = await form(`/s/${spaceId}/boards/${boardId}`, { intent: "setAreas", areas: "Energi, Vand\0" }, { Cookie: cookie });
    expect(areas.status).toBe(400);
    const parent = await form("/tenants/new", { name: "Ny", slug: "ny-kommune", kind: "municipality", country: "DK", parentSlug: "bycirklen\0" }, { Cookie: cookie });
    expect(parent.status).toBe(400);
    expect(await parent.text()).toContain("Brug små bogstaver, tal og enkelte bindestreger.");
    expect(await app.db.owner`select 1 from cards where title = 'Kort'`).toHaveLength(0);
  });

  it("refuses duplicate or unknown ids in \"choose members\" with a message, keeping what was chosen and changing nothing", async () => {
    const [{ id: ballerup }] = await app.db.owner`select id from tenants where slug = 'ballerup-kommune'`;
    const [{ id: bycirklenWuxi }] = await app.db.owner`select s.id from spaces s join space_partners p on p.space_id = s.id where p.tenant_id = ${ballerup} and p.status = 'active' limit 1`;
    const owner = await logInCookie(app.url, demoEmail("ballerup-kommune"), DEMO_PASSWORD);
    const [{ id: ownerId }] = await app.db.owner`select id from users where email = ${demoEmail("ballerup-kommune")}`;
    const before = await app.db.owner`select member_selection, (select count(*)::int from space_members m where m.space_id = p.space_id and m.tenant_id = p.tenant_id) as n from space_partners p where space_id = ${bycirklenWuxi} and tenant_id = ${ballerup}`;
    const choose = (userIds: string[]) => {
      const body = new URLSearchParams({ intent: "choose", selection: "chosen" });
      for (const id of userIds) body.append("userIds", id);
      return fetch(`${app.url}/s/${bycirklenWuxi}/partners/${ballerup}`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: owner }, body });
    };
    const twice = await choose([ownerId, ownerId]);
    expect(twice.status).toBe(400);
    const html = await twice.text();
    expect(html).toContain("Det samme er valgt mere end én gang. Kontrollér valgene, og gem igen.");
    expect(html).toMatch(/id="selection-chosen"[^>]*checked/);
    expect(html).toMatch(new RegExp(`id="member-${ownerId}"[^>]*checked`));

    const unknown = await choose([ownerId, "nosuchuser"]);
    expect(unknown.status).toBe(400);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain("Kun medlemmer af jeres organisation kan vælges.");
    expect(unknownHtml).toMatch(/id="selection-chosen"[^>]*checked/);
    const after = await app.db.owner`select member_selection, (select count(*)::int from space_members m where m.space_id = p.space_id and m.tenant_id = p.tenant_id) as n from space_partners p where space_id = ${bycirklenWuxi} and tenant_id = ${ballerup}`;
    expect(after).toEqual(before);
    // The right choice is saved.
    expect((await choose([ownerId])).status).toBe(200);
  });

  it("normalises tenant names to NFC and refuses direction controls, control characters and invisible names, keeping the form", async () => {
    const create = (name: string, slug: string) => form("/tenants/new", { name, slug, kind: "municipality", country: "DK" }, { Cookie: cookie });
    const created = await create("Ko\u0308ge Kommune", "koge-test");
    expect(created.status).toBe(302);
    const [row] = await app.db.owner<{ name: string }[]>`select name from tenants where slug = 'koge-test'`;
    expect(row.name).toBe("K\u00f6ge Kommune");
    expect(row.name.normalize("NFC")).toBe(row.name);

    // Without a short name (no JavaScript to suggest one), the server suggests it from the name; a
    // name with no Latin letters gets none, and the form says a short name is needed.
    const suggested = await create("Rødovre Kommune Test", "");
    expect(suggested.headers.get("location")).toBe("/t/roedovre-kommune-test");
    const chinese = await create("无锡测试机构", "");
    expect(chinese.status).toBe(400);
    expect(await chinese.text()).toContain("无锡测试机构");

    const cases: [string, string][] = [
      ["Ballerup \u202eenummoK", "Navnet indeholder usynlige tegn, der ændrer tekstretningen"],
      ["\u2067Ballerup Kommune\u2069", "Navnet indeholder usynlige tegn, der ændrer tekstretningen"],
      ["Ballerup\u200f Kommune", "Navnet indeholder usynlige tegn, der ændrer tekstretningen"],
      ["Ballerup\tKommune", "Navnet må ikke indeholde kontroltegn"],
      ["\u200b\u200b\u200b", "Navnet skal have synlige bogstaver, tal eller tegn"],
    ];
    for (const [name, message] of cases) {
      const res = await create(name, "ballerup-look-alike");
      expect(res.status, JSON.stringify(name)).toBe(400);
      const html = await res.text();
      expect(html, JSON.stringify(name)).toContain(message);
      expect(html).toContain('value="ballerup-look-alike"');
    }
    expect(await app.db.owner`select 1 from tenants where slug = 'ballerup-look-alike'`).toHaveLength(0);
  });

  it("partner search tells two tenants of one name apart: short name, kind, country and member count", async () => {
    const impostor = await logInCookie(app.url, demoEmail("kobenhavns-kommune"), DEMO_PASSWORD);
    const created = await form("/tenants/new", { name: "Ballerup Kommune", slug: "ballerup-kommune-2", kind: "organisation", country: "CN" }, { Cookie: impostor });
    expect(created.status).toBe(302);
    await app.db.owner`insert into memberships (tenant_id, user_id, role) select id, 'demo-egedal-kommune', 'member' from tenants where slug = 'ballerup-kommune'`;
    const res = await get(`/s/${spaceId}/settings?q=${encodeURIComponent("Ballerup Kommune")}`, { Cookie: cookie });
    expect(res.status).toBe(200);
    const html = (await res.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("<strong>Ballerup Kommune</strong> (kort navn ballerup-kommune, Kommune, Danmark, medlemmer: 2)");
    expect(html).toContain("<strong>Ballerup Kommune</strong> (kort navn ballerup-kommune-2, Organisation, Kina, medlemmer: 1)");
    expect(html).toContain('aria-label="Invitér Ballerup Kommune (ballerup-kommune-2)"');
    // A name typed decomposed finds the NFC name.
    const decomposed = await get(`/s/${spaceId}/settings?q=${encodeURIComponent("Ko\u0308ge")}`, { Cookie: cookie });
    expect((await decomposed.text()).replaceAll("<!-- -->", "")).toContain("<strong>K\u00f6ge Kommune</strong>");
  });
});
