/**
 * `npm run bench:board` — a board with 2,000 cards and 20 viewers. Prints, for a series of moves, the
 * time from a move's request to all viewers updated (each received the event with the changed card
 * and applied it, as the browser does; a board-level event would make them re-fetch), p50/p99; and
 * the board page's server time. Everything on 127.0.0.1,
 * bounded in count and time.
 */
import { generateNKeysBetween } from "fractional-indexing";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { startBenchServer } from "./server";

const CARDS = Number(process.env.BENCH_CARDS ?? 2000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const MOVES = Number(process.env.BENCH_MOVES ?? 40);
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 30);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

const { app, stop } = await startBenchServer("board");
try {
  await loadDemoWorld(app.db.owner);
  const [{ id: boardId, spaceId }] = await app.db.owner`select id, space_id from boards where title = 'Handlingsplan 2017–2018'`;
  const columns = await app.db.owner<{ id: string }[]>`select id from board_columns where board_id = ${boardId} order by position collate "C"`;
  const [{ max }] = await app.db.owner`select max(position collate "C") as max from cards where column_id = ${columns[0].id}`;
  const keys = generateNKeysBetween(max, null, CARDS);
  const rows = keys.map((position, i) => ({ spaceId, boardId, columnId: columns[i % 3].id, position, title: `Bench card ${i + 1}`, area: "soil" }));
  for (let i = 0; i < rows.length; i += 500) await app.db.owner`insert into cards ${app.db.owner(rows.slice(i, i + 500))}`;

  const login = async () => {
    const res = await fetch(`${app.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url },
      body: new URLSearchParams({ email: demoEmail("clean"), password: DEMO_PASSWORD }),
    });
    return res.headers.get("set-cookie")!.split(";")[0];
  };
  const mover = await login();
  const boardPath = `/s/${spaceId}/boards/${boardId}`;

  // Viewers: an event stream each; on an event they re-fetch the board's data, like the browser.
  const waiting = new Map<number, (viewer: number) => void>();
  const controllers: AbortController[] = [];
  let current = -1;
  for (let v = 0; v < VIEWERS; v++) {
    const cookie = await login();
    const controller = new AbortController();
    controllers.push(controller);
    const res = await fetch(`${app.url}/s/${spaceId}/events`, { headers: { Cookie: cookie }, signal: controller.signal });
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const text = decoder.decode(value);
          if (!text.includes("event: board")) continue;
          const move = current;
          const event = JSON.parse(text.split("data: ")[1]) as { cards?: unknown[] };
          if (!event.cards) await (await fetch(`${app.url}${boardPath}.data`, { headers: { Cookie: cookie } })).arrayBuffer();
          waiting.get(move)?.(v);
        }
      } catch {
        /* closed at the end */
      }
    })();
  }
  await new Promise((r) => setTimeout(r, 300));

  const cards = await app.db.owner<{ id: string }[]>`select id from cards where board_id = ${boardId} limit ${MOVES}`;
  const latencies: number[] = [];
  const moveTimes: number[] = [];
  for (let i = 0; i < MOVES; i++) {
    current = i;
    const updated = new Set<number>();
    const allUpdated = new Promise<void>((resolve) => {
      waiting.set(i, (viewer) => {
        updated.add(viewer);
        if (updated.size === VIEWERS) resolve();
      });
    });
    const started = performance.now();
    // As the browser's fetcher does: the action alone (its own board then revalidates separately).
    const res = await fetch(`${app.url}${boardPath}.data`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: mover },
      body: new URLSearchParams({ intent: "move", cardId: cards[i % cards.length].id, columnId: columns[(i + 1) % 3].id, afterId: "" }),
    });
    await res.arrayBuffer();
    moveTimes.push(performance.now() - started);
    await Promise.race([allUpdated, new Promise((r) => setTimeout(r, 10_000))]);
    latencies.push(performance.now() - started);
  }

  const pageTimes: number[] = [];
  const dataTimes: number[] = [];
  for (let i = 0; i < PAGE_LOADS; i++) {
    let t = performance.now();
    await (await fetch(`${app.url}${boardPath}`, { headers: { Cookie: mover } })).text();
    pageTimes.push(performance.now() - t);
    t = performance.now();
    await (await fetch(`${app.url}${boardPath}.data`, { headers: { Cookie: mover } })).arrayBuffer();
    dataTimes.push(performance.now() - t);
  }
  const [{ n }] = await app.db.owner`select count(*)::int as n from cards where board_id = ${boardId}`;
  console.log(`\nboard benchmark: ${n} cards, ${VIEWERS} viewers, ${MOVES} moves, ${PAGE_LOADS} page loads`);
  console.table({
    "move → all viewers updated": { p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)) },
    "move request (commit + NOTIFY)": { p50: ms(percentile(moveTimes, 50)), p99: ms(percentile(moveTimes, 99)) },
    "board page (HTML, server)": { p50: ms(percentile(pageTimes, 50)), p99: ms(percentile(pageTimes, 99)) },
    "board data (.data, server)": { p50: ms(percentile(dataTimes, 50)), p99: ms(percentile(dataTimes, 99)) },
  });
  for (const c of controllers) c.abort();
} finally {
  await stop();
}
process.exit(0);
