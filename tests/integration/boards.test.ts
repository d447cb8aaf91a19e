import { beforeAll, describe, expect, it } from "vitest";
import { asUser, cardsOf, columnsOf, moveCard } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { openStream } from "../helpers/live";

/** Boards over HTTP and in PostgreSQL: concurrent moves, bad input, event streams and their wall. */
describe("boards", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  let spaceId: string;
  let boardId: string;
  let otherSpaceId: string;
  const base = () => `/s/${spaceId}/boards/${boardId}`;
  const post = (path: string, who: string, body: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const value of [v].flat()) params.append(k, value);
    return fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] }, body: params });
  };

  /** Reads a space's event stream for `ms`; `events` are its board events. */
  async function listen(who: string, space: string, ms: number) {
    const stream = await openStream(app.url, space, cookie[who]);
    return {
      status: stream.status,
      get events() {
        return stream.events.filter((e) => e.event === "board").map((e) => e.data as { boardId: string; cardIds: string[] });
      },
      ended: stream.ended,
      stop: async () => {
        await new Promise((r) => setTimeout(r, ms));
        await stream.stop();
      },
    };
  }

  beforeAll(async () => {
    app = await startTestApp();
    await loadDemoWorld(app.db.owner);
    for (const slug of ["region-hovedstaden", "clean", "jepd", "kobenhavns-kommune", "bycirklen"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    [{ spaceId, id: boardId }] = await app.db.owner`select b.space_id, b.id from boards b where b.title = 'Handlingsplan 2017–2018'`;
    [{ spaceId: otherSpaceId }] = await app.db.owner`select space_id from boards where title = 'Samarbejdsaftale 2016–2019'`;
  });

  it("concurrent moves of the same card from two sessions end in one consistent order", async () => {
    const columns = await columnsOf(app.db.owner, boardId);
    const [card] = await cardsOf(app.db.owner, boardId);
    const moves = Array.from({ length: 10 }, (_, i) => ({ who: i % 2 ? "clean" : "region-hovedstaden", column: columns[i % 3].id }));
    const results = await Promise.all(moves.map((m) => post(base(), m.who, { intent: "move", cardId: card.id, columnId: m.column, afterId: "" })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const after = await cardsOf(app.db.owner, boardId);
    // One column holds the card; positions in every column are distinct and strictly ordered.
    expect(after.filter((c) => c.id === card.id)).toHaveLength(1);
    for (const column of columns) {
      const positions = after.filter((c) => c.columnId === column.id).map((c) => c.position);
      expect(new Set(positions).size).toBe(positions.length);
      expect([...positions].sort()).toEqual(positions);
    }
    // Direct concurrent moves in two transactions also serialise on the board.
    const [boardRef] = await app.db.owner<{ id: string; spaceId: string }[]>`select id, space_id from boards where id = ${boardId}`;
    const [a, b] = await Promise.all([
      asUser(app.db.sql, "demo-clean", (tx) => moveCard(tx, { board: boardRef, cardId: card.id, columnId: columns[2].id, actorId: "demo-clean" })),
      asUser(app.db.sql, "demo-region-hovedstaden", (tx) => moveCard(tx, { board: boardRef, cardId: card.id, columnId: columns[1].id, actorId: "demo-region-hovedstaden" })),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const final = (await cardsOf(app.db.owner, boardId)).find((c) => c.id === card.id)!;
    expect([columns[1].id, columns[2].id]).toContain(final.columnId);
  });

  it("bad input gets a clear message, keeps what was typed, and changes nothing", async () => {
    const [card] = await cardsOf(app.db.owner, boardId);
    const cardPath = `${base()}/cards/${card.id}`;
    const empty = await post(base(), "clean", { intent: "createCard", title: "  " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Feltet skal udfyldes.");

    const dueFirst = await post(cardPath, "clean", { intent: "update", title: "Ny titel der ikke gemmes", startDate: "2017-06-01", dueDate: "2017-05-01" });
    expect(dueFirst.status).toBe(400);
    const html = await dueFirst.text();
    expect(html).toContain("Fristen skal ligge på eller efter startdatoen.");
    expect(html).toContain('value="Ny titel der ikke gemmes"');
    expect(html).toContain('value="2017-06-01"');

    const stranger = await post(cardPath, "clean", { intent: "update", title: card.title, assignees: ["demo-kobenhavns-kommune"] });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain("Kun deltagere i rummet kan være ansvarlige.");

    const [gone] = await app.db.owner`insert into board_columns (space_id, board_id, title, position) select space_id, id, 'Midlertidig', 'zz' from boards where id = ${boardId} returning id`;
    await app.db.owner`delete from board_columns where id = ${gone.id}`;
    const toDeleted = await post(base(), "clean", { intent: "move", cardId: card.id, columnId: gone.id, afterId: "" });
    // Not found (as a column of another board would be), with a message and the page kept.
    expect(toDeleted.status).toBe(404);
    expect(await toDeleted.text()).toContain("Kolonnen findes ikke længere. Vælg en anden.");

    const unchanged = (await cardsOf(app.db.owner, boardId)).find((c) => c.id === card.id)!;
    expect(unchanged).toMatchObject({ title: card.title, startDate: card.startDate, dueDate: card.dueDate, columnId: card.columnId, assignees: card.assignees });
  });

  it("the space overview shows everyone taking part the latest card activity", async () => {
    // (React separates adjacent text with <!-- --> in server HTML.)
    const page = (await (await fetch(`${app.url}/s/${spaceId}`, { headers: { Cookie: cookie.clean } })).text()).replaceAll("<!-- -->", "");
    expect(page).toMatch(/Region Hovedstaden: flyttede kortet til|CLEAN: flyttede kortet til/);
    // The audit section stays the host's admins'.
    expect(page).not.toContain("Partnere og dokumenter (revision)");
    const hostPage = await (await fetch(`${app.url}/s/${spaceId}`, { headers: { Cookie: cookie["region-hovedstaden"] } })).text();
    expect(hostPage).toContain("Partnere og dokumenter (revision)");
  });

  it("areas are shown in the reader's language and saved as keys whatever language they are typed in", async () => {
    const field = async (who: string) => (await (await fetch(`${app.url}${base()}`, { headers: { Cookie: cookie[who] } })).text()).match(/id="areas" name="areas" value="([^"]*)"/)?.[1];
    const [before] = await app.db.owner`select areas from boards where id = ${boardId}`;
    expect(await field("region-hovedstaden")).toContain("Overordnet, Erhverv, Jord");
    expect((await post(base(), "region-hovedstaden", { intent: "setAreas", areas: "Jord, Skoler, Idræt" })).status).toBe(200);
    expect((await app.db.owner`select areas from boards where id = ${boardId}`)[0].areas).toEqual(["soil", "school", "Idræt"]);
    expect(await field("region-hovedstaden")).toBe("Jord, Skoler, Idræt");
    await app.db.owner`update boards set areas = ${before.areas} where id = ${boardId}`;
  });

  it("the calendar opens on the month of the nearest due date and says what it does not show; the timeline names undated cards", async () => {
    const html = (view: string) => fetch(`${app.url}${base()}?view=${view}`, { headers: { Cookie: cookie.clean } }).then(async (r) => (await r.text()).replaceAll("<!-- -->", ""));
    const due = await app.db.owner<{ dueDate: string | null }[]>`select to_char(due_date, 'YYYY-MM-DD') as due_date from cards where board_id = ${boardId} and deleted_at is null`;
    const today = new Date().toISOString().slice(0, 10);
    const nearest = due.map((d) => d.dueDate).filter((d): d is string => !!d).sort((a, b) => Math.abs(Date.parse(a) - Date.parse(today)) - Math.abs(Date.parse(b) - Date.parse(today)))[0];
    const calendar = await html("calendar");
    const title = new Intl.DateTimeFormat("da-DK", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${nearest.slice(0, 7)}-01T00:00:00Z`));
    expect(calendar).toContain(`<h2 id="calendar-title">${title}</h2>`);
    const elsewhere = due.filter((d) => d.dueDate && d.dueDate.slice(0, 7) !== nearest.slice(0, 7)).length;
    const undated = due.filter((d) => !d.dueDate).length;
    expect(calendar).toContain(`Ikke i denne måned: ${elsewhere} kort med frist i andre måneder, ${undated} uden frist.`);
  });

  it("a viewer sees the board but the server refuses their writes", async () => {
    // Region Hovedstaden is a viewer in the Bycirklen–Wuxi space.
    const [board] = await app.db.owner`select id from boards where space_id = ${otherSpaceId}`;
    const [card] = await cardsOf(app.db.owner, board.id);
    expect((await fetch(`${app.url}/s/${otherSpaceId}/boards/${board.id}`, { headers: { Cookie: cookie["region-hovedstaden"] } })).status).toBe(200);
    const columns = await columnsOf(app.db.owner, board.id);
    const res = await post(`/s/${otherSpaceId}/boards/${board.id}`, "region-hovedstaden", { intent: "move", cardId: card.id, columnId: columns[2].id, afterId: "" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Du har ikke tilladelse til dette.");
    const after = (await cardsOf(app.db.owner, board.id)).find((c) => c.id === card.id)!;
    expect(after.columnId).toBe(card.columnId);
  });

  it("a space's event stream carries its own board events and never another space's", async () => {
    const own = await listen("clean", spaceId, 800);
    const other = await listen("bycirklen", otherSpaceId, 800);
    expect(own.status).toBe(200);
    const [card] = await cardsOf(app.db.owner, boardId);
    const columns = await columnsOf(app.db.owner, boardId);
    await post(base(), "region-hovedstaden", { intent: "move", cardId: card.id, columnId: columns[0].id, afterId: "" });
    await Promise.all([own.stop(), other.stop()]);
    const event = own.events.find((e) => e.cardIds.includes(card.id)) as { boardId: string; cards: { id: string; columnId: string }[] } | undefined;
    // The event carries the card as it now is, so viewers update without re-fetching.
    expect(event).toMatchObject({ boardId, cards: [{ id: card.id, columnId: columns[0].id }] });
    expect(other.events).toEqual([]);
    // Someone outside the space cannot even open its stream.
    expect((await fetch(`${app.url}/s/${spaceId}/events`, { headers: { Cookie: cookie["kobenhavns-kommune"] } })).status).toBe(404);
  });

  it("closes a removed partner's event stream", async () => {
    const stream = await listen("jepd", spaceId, 1500);
    expect(stream.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const [{ id: jepd }] = await app.db.owner`select id from tenants where slug = 'jepd'`;
    const removed = await post(`/s/${spaceId}/settings`, "region-hovedstaden", { intent: "removePartner", tenantId: jepd });
    expect(removed.status).toBe(200);
    await expect.poll(() => stream.ended(), { timeout: 2_000 }).toBe(true);
    await stream.stop();
    expect((await fetch(`${app.url}/s/${spaceId}/events`, { headers: { Cookie: cookie.jepd } })).status).toBe(404);
  });

  it("deleting a linked card leaves a 'card removed' mark for the documents, never broken content", async () => {
    const [link] = await app.db.owner`
      select l.card_id, l.document_id from document_card_links l join cards c on c.id = l.card_id
      join boards b on b.id = c.board_id where b.id = ${boardId} limit 1`;
    const res = await post(`${base()}/cards/${link.cardId}`, "clean", { intent: "delete" });
    expect(res.status).toBe(302);
    const body = await (await fetch(`${app.url}/api/cards?ids=${link.cardId}`, { headers: { Cookie: cookie.clean } })).json();
    expect(body.cards).toMatchObject([{ id: link.cardId, deleted: true }]);
    // The card is gone from the board; the document still renders, its node intact.
    expect((await cardsOf(app.db.owner, boardId)).some((c) => c.id === link.cardId)).toBe(false);
    const [doc] = await app.db.owner`select space_id from documents where id = ${link.documentId}`;
    const page = await fetch(`${app.url}/s/${doc.spaceId}/docs/${link.documentId}`, { headers: { Cookie: cookie.clean } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`data-card-id="${link.cardId}"`);
  });

  it("cards for document nodes: members get their space's cards, strangers none", async () => {
    const [card] = await cardsOf(app.db.owner, boardId);
    const mine = await (await fetch(`${app.url}/api/cards?ids=${card.id}`, { headers: { Cookie: cookie.clean } })).json();
    expect(mine.cards.map((c: { id: string }) => c.id)).toEqual([card.id]);
    const theirs = await (await fetch(`${app.url}/api/cards?ids=${card.id}`, { headers: { Cookie: cookie["kobenhavns-kommune"] } })).json();
    expect(theirs.cards).toEqual([]);
  });
});
