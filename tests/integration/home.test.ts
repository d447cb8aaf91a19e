import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@twinning/auth";
import { asUser, createCard, endPartnership, invitePartner } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { formPoster, saveVersion, type Post, setAsideDemoTranslations } from "../helpers/approval";

/** Text as React writes it into server HTML. */
const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

/** The markup of one section of a page, found by an attribute of its opening tag (sections hold no sections). */
function section(page: string, attribute: string): string {
  const found = page.replaceAll("<!-- -->", "").match(new RegExp(`<section[^>]*${attribute}[^>]*>([\\s\\S]*?)</section>`));
  if (!found) throw new Error(`no section with ${attribute}`);
  return found[1];
}

/** The links of a page marked as the current page (the tabs' current one), by their addresses. */
const currentLinks = (page: string) => [...page.matchAll(/<a [^>]*aria-current="page"[^>]*>/g)].map((m) => m[0].match(/href="([^"]*)"/)?.[1]);

/** Where each text first occurs in `markup` (all must occur). */
function positions(markup: string, texts: string[]): number[] {
  return texts.map((text) => {
    const at = markup.indexOf(html(text));
    expect(at, `${text} is listed`).toBeGreaterThanOrEqual(0);
    return at;
  });
}

/**
 * The signed-in home (what needs me) and the space dashboard over HTTP, on the demo world: approvals
 * waiting for a party's admins and named approvers (gone once decided), cards assigned to a user
 * (overdue first), recent changes (the audit log only for a space's host admins), invitations waiting
 * for a tenant with their answer, and never anything of a space the reader does not take part in.
 */
describe("home and space dashboard", () => {
  let app: RunningApp;
  let post: Post;
  const cookie: Record<string, string> = {};
  const userId: Record<string, string> = {};
  const tenant: Record<string, string> = {};
  const USERS = ["bycirklen", "ballerup-kommune", "wuxi-foreign-affairs-office", "kobenhavns-kommune", "region-hovedstaden", "clean", "jepd"];
  let agreement: { id: string; spaceId: string; title: string };
  let docPath: string;
  let soil: { spaceId: string; boardId: string; open: string; done: string };

  const get = async (who: string, path = "/") => {
    const res = await fetch(`${app.url}${path}`, { headers: { Cookie: cookie[who] } });
    return { status: res.status, text: await res.text() };
  };
  const home = async (who: string) => {
    const res = await get(who);
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of USERS) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
      [{ id: userId[slug] }] = await app.db.owner`select id from users where email = ${demoEmail(slug)}`;
      [{ id: tenant[slug] }] = await app.db.owner`select id from tenants where slug = ${slug}`;
    }
    // A member of Ballerup (not an admin): decides only once named an approver.
    const passwordHash = await hashPassword("ballerup-member-1");
    await app.db
      .owner`insert into users (id, email, name, password_hash, locale) values ('ballerup-member', 'member@ballerup.dk', 'Bo Medlem', ${passwordHash}, 'da')`;
    await app.db.owner`insert into memberships (tenant_id, user_id, role) values (${tenant["ballerup-kommune"]}, 'ballerup-member', 'member')`;
    cookie["ballerup-member"] = await logInCookie(app.url, "member@ballerup.dk", "ballerup-member-1");
    post = formPoster(() => app.url, cookie);

    [agreement] = await app.db.owner`select id, space_id, title from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docPath = `/s/${agreement.spaceId}/docs/${agreement.id}`;
    const [board] = await app.db
      .owner`select b.id, b.space_id from boards b join spaces s on s.id = b.space_id where s.title = 'Jordsporet – Jiangsu' order by b.created_at limit 1`;
    const columns = await app.db.owner<{ id: string; kind: string }[]>`select id, kind from board_columns where board_id = ${board.id} order by position`;
    soil = { spaceId: board.spaceId, boardId: board.id, open: columns.find((c) => c.kind === "open")!.id, done: columns.find((c) => c.kind === "done")!.id };
  });

  it("an outsider's home names nothing of any space, and every section says it is empty", async () => {
    const page = (await home("kobenhavns-kommune")).replaceAll("<!-- -->", "");
    for (const { title } of await app.db.owner<{ title: string }[]>`select title from spaces`) expect(page).not.toContain(html(title));
    expect(page).not.toContain(html(agreement.title));
    expect(section(page, 'data-section="home-invitations"')).toContain("Ingen invitationer venter på svar.");
    expect(section(page, 'data-section="home-approvals"')).toContain("Intet venter på din godkendelse.");
    expect(section(page, 'data-section="home-cards"')).toContain("Du er ikke sat på nogen åbne kort.");
    expect(section(page, 'data-section="home-changes"')).toContain("Der er ikke ændret noget i dine rum endnu.");
    expect(section(page, 'data-section="home-spaces"')).toContain("Du deltager endnu ikke i nogen rum.");
  });

  it("an approval waiting for a tenant shows on its admins' and named approvers' homes, and goes once the tenant decides", async () => {
    const approvals = async (who: string) => section(await home(who), 'data-section="home-approvals"');
    const versionId = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Til godkendelse fra forsiden");
    const sent = await post("bycirklen", `${docPath}/approval`, {
      intent: "requestApproval",
      versionId,
      tenantIds: [tenant["ballerup-kommune"], tenant["wuxi-foreign-affairs-office"]],
    });
    expect(sent.status).toBe(200);

    const ballerup = await approvals("ballerup-kommune");
    expect(ballerup).toContain(`href="${docPath}/approval"`);
    expect(ballerup).toContain(html(agreement.title));
    expect(ballerup).toContain("For Ballerup Kommune");
    expect(ballerup).toContain("Version: “Til godkendelse fra forsiden”");
    expect(await approvals("wuxi-foreign-affairs-office")).toContain(`href="${docPath}/approval"`);
    // The host was not asked; a member who is not named does not decide; an outsider sees nothing.
    for (const who of ["bycirklen", "ballerup-member", "kobenhavns-kommune", "region-hovedstaden"]) {
      const page = await approvals(who);
      expect(page, who).not.toContain(agreement.id);
      expect(page, who).toContain("Intet venter på din godkendelse.");
    }

    // Named an approver, the member decides for Ballerup too.
    expect((await post("ballerup-kommune", "/t/ballerup-kommune", { intent: "setApprover", userId: "ballerup-member", approver: "1" })).status).toBe(200);
    expect(await approvals("ballerup-member")).toContain(`href="${docPath}/approval"`);

    // Ballerup decides: gone for its admin and its approver, still waiting for Wuxi.
    const decided = await post("ballerup-member", `${docPath}/approval`, { intent: "approve", versionId, tenantId: tenant["ballerup-kommune"] });
    expect(decided.status).toBe(200);
    for (const who of ["ballerup-kommune", "ballerup-member"]) expect(await approvals(who), who).not.toContain(agreement.id);
    expect(await approvals("wuxi-foreign-affairs-office")).toContain(`href="${docPath}/approval"`);

    // An archived document waits for nobody (the policy refuses deciding on it).
    await app.db.owner`update documents set archived_at = now() where id = ${agreement.id}`;
    expect(await approvals("wuxi-foreign-affairs-office")).not.toContain(agreement.id);
    await app.db.owner`update documents set archived_at = null where id = ${agreement.id}`;
    expect(await approvals("wuxi-foreign-affairs-office")).toContain(agreement.id);
  });

  it("recent changes: the audit log's events only on the homes of the space's host admins", async () => {
    const changes = async (who: string) => section(await home(who), 'data-section="home-changes"');
    const host = await changes("bycirklen");
    expect(host).toContain(`href="/s/${agreement.spaceId}/audit"`);
    expect(host).toContain(html(`Sendte ${agreement.title} til godkendelse`));
    // A partner's admin sees the space's card changes, not its audit log.
    for (const who of ["ballerup-kommune", "wuxi-foreign-affairs-office"]) {
      const page = await changes(who);
      expect(page, who).not.toContain("/audit");
      expect(page, who).not.toContain("til godkendelse");
    }
  });

  it("cards assigned to me: overdue first, then by due date, undated last; done cards and other people's never", async () => {
    const board = { id: soil.boardId, spaceId: soil.spaceId };
    const make = async (title: string, assignee: string, dueDate?: string, columnId = soil.open) => {
      const made = await asUser(app.db.sql, userId["region-hovedstaden"], (tx) =>
        createCard(tx, { board, title, description: "", assignees: [userId[assignee]], dueDate, columnId, actorId: userId["region-hovedstaden"] })
      );
      if (!made.ok) throw new Error(made.error);
      return made.card.id;
    };
    const later = await make("Hjem: næste år", "clean", "2099-06-01");
    await make("Hjem: uden frist", "clean");
    await make("Hjem: forsinket", "clean", "2020-01-15");
    const oldest = await make("Hjem: meget forsinket", "clean", "2019-05-01");
    await make("Hjem: færdig", "clean", "2019-01-01", soil.done);
    await make("Hjem: JEPD's opgave", "jepd", "2019-02-01");

    const cards = section(await home("clean"), 'data-section="home-cards"');
    const at = positions(cards, ["Hjem: meget forsinket", "Hjem: forsinket", "Hjem: næste år", "Hjem: uden frist"]);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(cards).toContain(`href="/s/${soil.spaceId}/boards/${soil.boardId}/cards/${oldest}"`);
    expect(cards).toContain("Overskredet");
    expect(cards).toContain("Ingen frist");
    // The overdue badge is on the overdue cards only.
    const item = (id: string) => cards.slice(cards.indexOf(id), cards.indexOf("</li>", cards.indexOf(id)));
    expect(item(oldest)).toContain("Overskredet");
    expect(item(later)).not.toContain("Overskredet");
    expect(cards).not.toContain("Hjem: færdig");
    expect(cards).not.toContain(html("Hjem: JEPD's opgave"));
    expect(section(await home("jepd"), 'data-section="home-cards"')).not.toContain("Hjem: meget forsinket");
    // Card changes reach everyone taking part, with a link to the card; nobody outside.
    expect(section(await home("jepd"), 'data-section="home-changes"')).toContain(`/cards/${oldest}"`);
    for (const who of ["kobenhavns-kommune", "bycirklen"]) expect(await home(who), who).not.toContain("Hjem: ");
  });

  it("the space overview is a dashboard: due soon (overdue first), what changed, who takes part; partners and people on their own tab", async () => {
    const overview = await get("clean", `/s/${soil.spaceId}`);
    expect(overview.status).toBe(200);
    const page = overview.text.replaceAll("<!-- -->", "");
    const expected = await app.db.owner<{ title: string }[]>`
      select c.title from cards c join boards b on b.id = c.board_id join board_columns k on k.id = c.column_id
      where b.space_id = ${soil.spaceId} and c.deleted_at is null and k.kind <> 'done' and c.due_date is not null
      order by c.due_date, c.title, c.id limit 8`;
    const due = section(page, 'aria-labelledby="due-heading"');
    const at = positions(
      due,
      expected.map((c) => c.title)
    );
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(due).toContain("Overskredet");
    expect(due).not.toContain("Hjem: færdig");
    const [{ total }] = await app.db.owner`
      select count(*)::int as total from cards c join boards b on b.id = c.board_id join board_columns k on k.id = c.column_id
      where b.space_id = ${soil.spaceId} and c.deleted_at is null and k.kind <> 'done' and c.due_date is not null`;
    expect(due).toContain(`Åbne kort med frist: ${total}`);

    const takingPart = section(page, 'aria-labelledby="taking-part-heading"');
    const names = await app.db.owner<{ name: string }[]>`select name from tenants where slug in ('region-hovedstaden', 'clean', 'jepd')`;
    for (const { name } of names) expect(takingPart).toContain(html(name));
    expect(takingPart).toContain(`href="/s/${soil.spaceId}/people"`);
    expect(section(page, 'aria-labelledby="activity-heading"')).toContain("oprettede kortet i");
    // The tabs: real links, the current one marked.
    expect(currentLinks(page)).toContain(`/s/${soil.spaceId}`);
    expect(currentLinks(page)).not.toContain(`/s/${soil.spaceId}/people`);
    expect(page).toContain("Dokumenter");

    const people = await get("clean", `/s/${soil.spaceId}/people`);
    expect(people.status).toBe(200);
    const peoplePage = people.text.replaceAll("<!-- -->", "");
    expect(currentLinks(peoplePage)).toContain(`/s/${soil.spaceId}/people`);
    expect(currentLinks(peoplePage)).not.toContain(`/s/${soil.spaceId}`);
    expect(peoplePage).toContain("<title>Partnere og deltagere — Jordsporet – Jiangsu — Twinning</title>");
    expect(peoplePage).toContain('id="partners-heading"');
    // CLEAN's admin chooses CLEAN's members or leaves from the partner page; JEPD's row has no such link for them.
    expect(peoplePage).toContain(`href="/s/${soil.spaceId}/partners/${tenant.clean}"`);
    expect(peoplePage).not.toContain(`href="/s/${soil.spaceId}/partners/${tenant.jepd}"`);
    // The host's admins are pointed to the settings, where partners are invited and removed.
    expect((await get("region-hovedstaden", `/s/${soil.spaceId}/people`)).text).toContain(`href="/s/${soil.spaceId}/settings"`);

    for (const path of [`/s/${soil.spaceId}`, `/s/${soil.spaceId}/people`]) expect((await get("kobenhavns-kommune", path)).status, path).toBe(404);
    expect((await get("clean", "/s/not-a-uuid/people")).status).toBe(404);
  });

  it("an invitation waiting for my tenant shows on my home with its answer; accepting from there lets me in", async () => {
    const invited = await asUser(app.db.sql, userId.bycirklen, (tx) =>
      invitePartner(tx, { spaceId: agreement.spaceId, tenantSlug: "kobenhavns-kommune", role: "viewer", actorId: userId.bycirklen })
    );
    expect(invited.ok).toBe(true);
    const [space] = await app.db.owner<{ title: string }[]>`select title from spaces where id = ${agreement.spaceId}`;
    const invitations = section(await home("kobenhavns-kommune"), 'data-section="home-invitations"');
    expect(invitations).toContain(html(space.title));
    expect(invitations).toContain('action="/t/kobenhavns-kommune"');
    expect(invitations).toContain(`value="${agreement.spaceId}"`);
    // Not for a tenant that was not invited.
    expect(section(await home("ballerup-kommune"), 'data-section="home-invitations"')).toContain("Ingen invitationer venter på svar.");

    const accepted = await post("kobenhavns-kommune", "/t/kobenhavns-kommune", { intent: "acceptSpace", spaceId: agreement.spaceId });
    expect(accepted.status).toBe(302);
    const page = await home("kobenhavns-kommune");
    expect(section(page, 'data-section="home-invitations"')).toContain("Ingen invitationer venter på svar.");
    expect(section(page, 'data-section="home-spaces"')).toContain(`href="/s/${agreement.spaceId}"`);
  });

  it("once a partner is removed, its people's homes show nothing more of the space", async () => {
    await asUser(app.db.sql, userId["region-hovedstaden"], (tx) =>
      endPartnership(tx, { spaceId: soil.spaceId, tenantId: tenant.clean, actorId: userId["region-hovedstaden"], by: "host" })
    );
    const page = await home("clean");
    expect(page).not.toContain("Hjem: ");
    expect(page).not.toContain(`/s/${soil.spaceId}`);
    expect(page).not.toContain("Jordsporet");
  });
});
