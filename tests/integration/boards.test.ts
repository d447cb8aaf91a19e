import { beforeAll, describe, expect, it } from "vitest";
import { asUser, cardsOf, columnsOf, moveCard } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";

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

  /** Reads an event stream until `count` board events arrived or `ms` passed. */
  async function listen(who: string, space: string, ms: number) {
    const controller = new AbortController();
    const res = await fetch(`${app.url}/s/${space}/events`, { headers: { Cookie: cookie[who] }, signal: controller.signal });
    const events: { boardId: string; cardIds: string[] }[] = [];
    let ended = false;
    const reading = (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value);
          for (const block of buffer.split("\n\n").slice(0, -1)) {
            if (block.startsWith("event: board")) events.push(JSON.parse(block.split("data: ")[1]));
          }
          buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
        }
        ended = true;
      } catch {
        /* aborted */
      }
    })();
    const stop = async () => {
      await new Promise((r) => setTimeout(r, ms));
      controller.abort();
      await reading;
    };
    return { status: res.status, events, stop, ended: () => ended };
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
    const [a, b] = await Promise.all([
      asUser(app.db.sql, "demo-clean", (tx) => moveCard(tx, { cardId: card.id, columnId: columns[2].id, actorId: "demo-clean" })),
      asUser(app.db.sql, "demo-region-hovedstaden", (tx) => moveCard(tx, { cardId: card.id, columnId: columns[1].id, actorId: "demo-region-hovedstaden" })),
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

    const [gone] = await app.db.owner`insert into board_columns (board_id, title, position) values (${boardId}, 'Midlertidig', 'zz') returning id`;
    await app.db.owner`delete from board_columns where id = ${gone.id}`;
    const toDeleted = await post(base(), "clean", { intent: "move", cardId: card.id, columnId: gone.id, afterId: "" });
    expect(toDeleted.status).toBe(409);
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
