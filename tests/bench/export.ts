/**
 * `npm run bench:export` — exports the demo renewal agreement and a generated 10 MB document
 * (Danish and Chinese paragraphs, headings, lists and tables) in every format through the running
 * server. Prints per document and format: the request's time (median of runs), the file's size, the
 * process's peak resident memory above what it was before (the worker thread is in the process), and
 * the event loop's delay meanwhile (how late a 10 ms timer fires: max and p99) with a `/healthz`
 * probe's worst answer time. Then, for comparison, the 10 MB PDF rendered on the main thread.
 * Everything on 127.0.0.1, bounded in count and time.
 */
import { readFileSync } from "node:fs";
import { asUser, createDocument } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { jsonToYUpdate } from "@twinning/editor";
import { EXPORT_FORMATS } from "@twinning/export/model";
import { renderExport } from "@twinning/export/render";
import { bigDocument } from "./big-document";
import { startBenchServer } from "./server";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIG_MB = Number(process.env.BENCH_MB ?? 10);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const { app, stop } = await startBenchServer("export");
try {
  await loadDemoWorld(app.db.owner);
  const [agreement] = await app.db.owner<{ id: string; spaceId: string }[]>`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
  // Only the stored state is kept: the bench process's own garbage would add to the collector's pauses.
  let state: Uint8Array | null = jsonToYUpdate(bigDocument(BIG_MB));
  const initialState = state;
  const stateBytes = state.byteLength;
  const big = await asUser(app.db.sql, "demo-bycirklen", (tx) =>
    createDocument(tx, { spaceId: agreement.spaceId, type: "report", title: "Stort dokument 大文件", language: "da", template: "blank", initialState, actorId: "demo-bycirklen" }),
  );
  const res = await fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url },
    body: new URLSearchParams({ email: demoEmail("bycirklen"), password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  state = null;
  console.log(`documents: the renewal agreement, and a generated one of ${mb(stateBytes)} (Yjs state)`);
  console.log(`runs per format: ${RUNS} (the 10 MB document: 1)\n`);
  console.log("document    format   time (median)   file       peak RSS +   loop delay max / p99   main-thread CPU in a tick   /healthz worst");

  // The event loop's delay: how late a 10 ms timer fires (the server and this client share the process).
  // A late tick is the loop's own work or a wait for a core other processes hold: the main thread's CPU
  // time within each tick (Linux, /proc, in 10 ms clock ticks) tells which.
  const mainCpu = () => {
    try {
      const f = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1].split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      return 0;
    }
  };
  const lag = { gaps: [] as number[], cpu: [] as number[], last: performance.now(), lastCpu: mainCpu() };
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = mainCpu();
    lag.gaps.push(Math.max(0, now - lag.last - 10));
    lag.cpu.push(cpu - lag.lastCpu);
    lag.last = now;
    lag.lastCpu = cpu;
  }, 10);
  const reset = () => ((lag.gaps = []), (lag.cpu = []), (lag.last = performance.now()), (lag.lastCpu = mainCpu()));
  const worst = () => Math.max(0, ...lag.gaps);
  const worstCpu = () => Math.max(0, ...lag.cpu);
  const p99 = () => [...lag.gaps].sort((a, b) => a - b)[Math.floor(lag.gaps.length * 0.99)] ?? 0;
  for (const [label, doc, runs] of [["agreement", agreement, RUNS], [`${BIG_MB} MB`, { id: big.id, spaceId: agreement.spaceId }, 1]] as const) {
    for (const format of EXPORT_FORMATS) {
      const times: number[] = [];
      let size = 0;
      let peak = 0;
      let probeWorst = 0;
      const base = process.memoryUsage().rss;
      reset();
      for (let r = 0; r < runs; r++) {
        let done = false;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - base)), 20);
        // Another request meanwhile, every 50 ms: how long the server takes to answer it.
        const probe = (async () => {
          while (!done) {
            const t = performance.now();
            await fetch(`${app.url}/healthz`).then((r) => r.arrayBuffer());
            probeWorst = Math.max(probeWorst, performance.now() - t);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
        const started = performance.now();
        const answer = await fetch(`${app.url}/s/${doc.spaceId}/docs/${doc.id}/export?format=${format}`, { headers: { Cookie: cookie } });
        if (answer.status !== 200) throw new Error(`${label} ${format}: ${answer.status} ${await answer.text()}`);
        size = (await answer.arrayBuffer()).byteLength;
        times.push(performance.now() - started);
        done = true;
        await probe;
        clearInterval(sampler);
      }
      console.log(
        `${label.padEnd(11)} ${format.padEnd(8)} ${`${median(times).toFixed(0)} ms`.padStart(13)}   ${mb(size).padStart(8)}   ${mb(peak).padStart(10)}   ${`${worst().toFixed(0)} / ${p99().toFixed(0)} ms`.padStart(20)}   ${`≤ ${worstCpu()} ms`.padStart(25)}   ${`${probeWorst.toFixed(0)} ms`.padStart(14)}`,
      );
    }
  }
  // For comparison: the same 10 MB PDF on the main thread, as it would be without the worker.
  const json = bigDocument(BIG_MB);
  reset();
  const started = performance.now();
  const inline = await renderExport({ format: "pdf", source: { kind: "json", json }, meta: { title: "Stort dokument", language: "da", facts: [], labels: { cardRemoved: "—" } } }, async () => ({}));
  // The delay is recorded when the loop runs again.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(
    `\nwithout the worker (the ${BIG_MB} MB PDF rendered on the event loop): ${(performance.now() - started).toFixed(0)} ms, ${mb(inline.bytes.byteLength)}, loop delay max ${worst().toFixed(0)} ms, main-thread CPU in one tick ${worstCpu()} ms`,
  );
  clearInterval(ticker);
} finally {
  await stop();
}
process.exit(0);
