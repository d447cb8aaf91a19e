/**
 * `npm run bench:large-document` — how a large document behaves in Chromium, beside the demo renewal
 * agreement, through the running server (its embedded PostgreSQL of its own). Prints per document:
 * its stored Yjs state, the page's HTML (what the server renders before the editor loads), a stock
 * y-websocket client's first sync (connect → synced, in a process of its own), the time from
 * navigation until the editor is editable and holds the whole text, and keystroke → screen (a keydown
 * in the page until the frame after the editor's DOM changed: p50 / p95 / max of BENCH_KEYS
 * keystrokes, typed one at a time).
 * BENCH_MB (10) sizes the large document (`big-document.ts`, as `bench:export` uses). With
 * BENCH_PROFILE set, the keystrokes are CPU-profiled in the page (Chromium's profiler): the functions
 * with the most self time are printed with React's commits per keystroke, and the profiles written
 * to that folder (`.cpuprofile`, for the browser's performance panel).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type CDPSession, type Page } from "playwright-core";
import { asUser, createDocument } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { jsonToYUpdate, withBlockIds } from "@twinning/editor";
import { COUNT_REACT_COMMITS, reactCommits } from "../helpers/react-commits";
import { bigDocument } from "./big-document";
import { startBenchServer } from "./server";

const BIG_MB = Number(process.env.BENCH_MB ?? 10);
const KEYS = Number(process.env.BENCH_KEYS ?? 40);
const PROFILE = process.env.BENCH_PROFILE;
const EDITABLE = '.document-body[contenteditable="true"]';

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function logIn(baseUrl: string, slug: string): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email: demoEmail(slug), password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`log-in failed: ${res.status}`);
  return cookie.split(";")[0];
}

/** Keydown → the frame after the editor's DOM changed, measured in the page for each key typed. */
async function keystrokes(page: Page, count: number): Promise<number[]> {
  await page.evaluate((selector) => {
    const w = window as unknown as { __latencies: number[] };
    w.__latencies = [];
    const editor = document.querySelector(selector)!;
    document.addEventListener(
      "keydown",
      () => {
        const start = performance.now();
        const observer = new MutationObserver(() => {
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => w.__latencies.push(performance.now() - start), 0));
        });
        observer.observe(editor, { subtree: true, childList: true, characterData: true });
      },
      true,
    );
  }, EDITABLE);
  for (let i = 0; i < count; i++) {
    await page.keyboard.type(String.fromCharCode(97 + (i % 26)));
    await page.waitForFunction((n) => (window as unknown as { __latencies: number[] }).__latencies.length > n, i);
  }
  return page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs `work` under the page's CPU profiler; returns the profile. */
async function profiled(cdp: CDPSession, work: () => Promise<unknown>): Promise<CpuProfile> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await work();
  const { profile } = await cdp.send("Profiler.stop");
  return profile as CpuProfile;
}

/** The `top` functions by self time, per keystroke: "ms  name  file:line". */
function hottest(profile: CpuProfile, keys: number, top = 15): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!;
    const key = `${frame.functionName || "(anonymous)"}  ${frame.url.split("/").pop() || "-"}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, ms]) => `${(ms / keys).toFixed(2).padStart(7)} ms  ${key}`);
}

/** `first-sync.ts` in a process of its own: the milliseconds from connect until synced. */
async function firstSyncElsewhere(url: string, documentId: string, cookie: string): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./first-sync.ts", import.meta.url)), url, documentId, cookie], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk));
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`first-sync.ts exited with ${code}`);
  return Number(out.trim());
}

const { app, stop } = await startBenchServer("large-document");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking"],
});
try {
  await loadDemoWorld(app.db.owner);
  const [agreement] = await app.db.owner<{ id: string; spaceId: string }[]>`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
  const content = bigDocument(BIG_MB);
  const bigBlocks = content.content?.length ?? 0;
  const big = await asUser(app.db.sql, "demo-bycirklen", (tx) =>
    createDocument(tx, { spaceId: agreement.spaceId, type: "report", title: "Stort dokument", language: "da", template: "blank", initialState: jsonToYUpdate(withBlockIds(content)), actorId: "demo-bycirklen" }),
  );
  const cookie = await logIn(app.url, "bycirklen");
  const [name, value] = cookie.split("=");
  const rows: string[] = [];
  for (const [label, id] of [["renewal agreement", agreement.id], [`${BIG_MB} MB document`, big.id]] as const) {
    const [{ bytes }] = await app.db.owner<{ bytes: number }[]>`
      select coalesce((select octet_length(state) from document_snapshots where document_id = ${id}), 0)
           + coalesce((select sum(octet_length(update)) from document_updates where document_id = ${id}), 0) as bytes`;
    const path = `/s/${agreement.spaceId}/docs/${id}`;
    const html = await (await fetch(`${app.url}${path}`, { headers: { Cookie: cookie } })).text();

    const firstSync = await firstSyncElsewhere(app.url, id, cookie);

    const context = await browser.newContext({ locale: "da-DK", viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name, value, url: app.url }]);
    const page = await context.newPage();
    if (PROFILE) await page.addInitScript(COUNT_REACT_COMMITS);
    const navigated = performance.now();
    await page.goto(`${app.url}${path}`, { waitUntil: "commit" });
    // Editable, and holding the whole text (every top-level block), not only the page's preview.
    const blocks = id === big.id ? bigBlocks : 0;
    await page
      .waitForFunction(
        ({ selector, blocks }) => {
          const editor = document.querySelector(selector);
          return editor !== null && editor.childElementCount >= blocks;
        },
        { selector: EDITABLE, blocks },
        { timeout: 120_000, polling: 50 },
      )
      .catch(async (error: unknown) => {
        const seen = await page.evaluate(() => {
          const body = document.querySelector(".document-body");
          return { editable: body?.getAttribute("contenteditable"), blocks: body?.childElementCount, last: body?.lastElementChild?.outerHTML.slice(0, 300) };
        });
        throw new Error(`${label}: not editable with the whole text: ${JSON.stringify(seen)}`, { cause: error });
      });
    const editable = performance.now() - navigated;
    await page.locator(`${EDITABLE} p`).first().click();
    await page.keyboard.press("End");
    let latencies: Promise<number[]> = Promise.resolve([]);
    if (PROFILE) {
      const commitsBefore = await reactCommits(page);
      const profile = await profiled(await context.newCDPSession(page), () => (latencies = keystrokes(page, KEYS)).catch(() => {}));
      const commits = (await reactCommits(page)) - commitsBefore;
      writeFileSync(join(PROFILE, `${label.replace(/\W+/g, "-")}.cpuprofile`), JSON.stringify(profile));
      console.log(`${label}: ${(commits / KEYS).toFixed(1)} React commits and self time per keystroke\n${hottest(profile, KEYS).join("\n")}`);
    } else latencies = keystrokes(page, KEYS);
    const typed = await latencies.then(
      (latencies) => `${pct(latencies, 50).toFixed(1)} / ${pct(latencies, 95).toFixed(1)} / ${Math.max(...latencies).toFixed(1)}`,
      (error: unknown) => `failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
    await context.close().catch(() => {});
    rows.push(`| ${label} | ${mb(Number(bytes))} | ${mb(Buffer.byteLength(html))} | ${firstSync.toFixed(0)} | ${editable.toFixed(0)} | ${typed} |`);
    console.log(rows.at(-1));
  }
  console.log("| document | Yjs state | page HTML | first sync (ms) | navigation → editable, whole text (ms) | keystroke → screen p50 / p95 / max (ms) |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
} finally {
  await browser.close();
  await stop();
}
