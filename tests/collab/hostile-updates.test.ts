import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { CloseCodes } from "../../packages/collab/src/index";
import { QUERY_AWARENESS, syncFrame } from "./frames";
import { anchorUpdate, declaredCountBomb, deepUpdate, hugeDeletedRun, itemsUpdate, pendingUpdate } from "./hostile-shapes";
import { STALLED_MS, TARGET_MS } from "../helpers/probe";
import { collabDatabase, connect, logRows, memoryLog, newDocumentId, rawSocket, startCollab, waitFor } from "./helpers";

const MISSING = CloseCodes.MissingDependencies.code;
const LIMIT = CloseCodes.ContentLimit.code;
const MALFORMED = CloseCodes.Malformed.code;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

/** Sends an update on an open raw socket; resolves with the close code, or "saved" once it is committed. */
function answer(ws: WebSocket, update: Uint8Array): Promise<number | "saved"> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer in time")), 30_000);
    const done = (result: number | "saved") => {
      clearTimeout(timer);
      ws.off("close", onClose);
      ws.off("message", onMessage);
      resolve(result);
    };
    const onClose = (code: number) => done(code);
    // Saved (100) answers a stored update; frames are handled in order, so the answer to a query
    // sent after a zero-length update (awareness, 1) means that update was handled.
    const onMessage = (data: Buffer) => (data[0] === 100 || (update.length === 0 && data[0] === 1)) && done("saved");
    ws.on("close", onClose);
    ws.on("message", onMessage);
    ws.send(syncFrame(2, update));
    if (update.length === 0) ws.send(QUERY_AWARENESS);
  });
}

describe("hostile updates", async () => {
  const { sql } = await collabDatabase();
  const { log, lines } = memoryLog();
  const { url, collab } = await startCollab(sql, { log, timing: { unloadGraceMs: 500 } });

  it("refuses updates whose dependencies the server lacks (pending structs), stores none; another tenant's editing stays fast meanwhile", async () => {
    // A well-behaved pair in another document, of another tenant.
    const goodDoc = newDocumentId();
    const writer = connect(url, goodDoc, { user: "writer", space: "space-good" });
    const reader = connect(url, goodDoc, { user: "reader", space: "space-good" });
    await Promise.all([writer.synced(), reader.synced()]);

    const target = newDocumentId();
    let sent = 0;
    let bytes = 0;
    const codes: number[] = [];
    const answers: Promise<void>[] = [];
    // Made beforehand: building them is the attacker's work, not the server's.
    const pool = Array.from({ length: 64 }, (_, i) => pendingUpdate(i, 20_000));
    // 20 updates a second, each on a new socket (≈ 0.75 MiB/s: more than the 10.9 MiB in 18 s that stalled the server).
    const flood = setInterval(() => {
      for (let n = 0; n < 2; n++) {
        const update = pool[sent % pool.length];
        sent++;
        bytes += update.length;
        answers.push(rawSocket(url, target, { user: "attacker", space: "space-evil" }).then(async (ws) => void codes.push((await answer(ws, update)) as number)));
      }
    }, 100);
    // The HTTP server of the same process, probed like /healthz.
    const probes: number[] = [];
    const httpUrl = url.replace("ws://", "http://").replace("/collab", "/healthz");
    let probing: NodeJS.Timeout | undefined;
    const probe = () => {
      const started = performance.now();
      void fetch(httpUrl).then(async (res) => {
        await res.arrayBuffer();
        probes.push(performance.now() - started);
      });
    };

    await (await fetch(httpUrl)).arrayBuffer(); // the probe's connection, opened before measuring
    const keystrokes: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    // Warmed up (the attacked document loaded, the first refusals made), then measured.
    await waitFor(() => codes.length >= 8, 5_000, "first refusals");
    for (let i = -20; i < 200; i++) {
      const mark = `k${i};`;
      const started = performance.now();
      const arrived = new Promise<void>((resolve) => {
        const seen = () => reader.text.toString().endsWith(mark) && (reader.doc.off("update", seen), resolve());
        reader.doc.on("update", seen);
      });
      writer.text.insert(writer.text.length, mark);
      await arrived;
      if (i >= 0) keystrokes.push(performance.now() - started);
      if (i === 0) {
        loop.enable();
        probing = setInterval(probe, 50);
      }
    }
    // On a quiet machine the keystrokes can be done before 20 probes were sent: probe on (under the flood) until then.
    await waitFor(() => probes.length >= 20, 5_000, "probes");
    loop.disable();
    clearInterval(flood);
    clearInterval(probing);
    await Promise.all(answers);

    const p99 = percentile(keystrokes, 99);
    const probeP99 = percentile(probes, 99);
    console.log(
      `pending-struct flood: ${sent} updates (${(bytes / 1024 / 1024).toFixed(1)} MiB), each on a new socket, all refused; keystroke-to-remote p50 ${percentile(keystrokes, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; HTTP probe p99 ${probeP99.toFixed(1)} ms (${probes.length} probes); event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`,
    );
    expect(new Set(codes)).toEqual(new Set([MISSING]));
    expect(sent).toBeGreaterThan(8);
    // The 100 ms target is printed (a benchmark); a p99 past a second means the flood stalled the server.
    console.log(`  ${p99 < TARGET_MS && probeP99 < TARGET_MS ? "under" : "over (a busy machine?)"} the ${TARGET_MS} ms target`);
    expect(p99).toBeLessThan(STALLED_MS);
    expect(probeP99).toBeLessThan(STALLED_MS);
    // Nothing of it was stored, and each refusal was logged with the document.
    expect(await logRows(sql, target)).toBe(0);
    expect(lines.filter((l) => l.msg === "collab: refused an update" && l.documentId === target && l.refused === "dependencies").length).toBe(sent);
    await writer.allSaved();
  });

  it("bounds the worst shapes: each is refused or applied within a bound, the event loop never stalls long", async () => {
    const figures: string[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    /** Sends `update` to a fresh socket on `doc`; returns the answer and the longest event-loop stall meanwhile. */
    const shape = async (name: string, doc: string, update: Uint8Array, expected: number | "saved") => {
      const ws = await rawSocket(url, doc, { user: "shaper" });
      loop.reset();
      loop.enable();
      const started = performance.now();
      const got = await answer(ws, update);
      const ms = performance.now() - started;
      loop.disable();
      const stall = loop.max / 1e6;
      figures.push(`${name}: ${(update.length / 1024).toFixed(0)} KB → ${got === "saved" ? "applied" : `closed ${got}`} in ${ms.toFixed(0)} ms (longest event-loop stall ${stall.toFixed(0)} ms)`);
      expect(got, name).toBe(expected);
      expect(ms, name).toBeLessThan(2_000);
      expect(stall, name).toBeLessThan(1_000);
      if (got === "saved") ws.close();
    };
    const X = 42;
    const anchored = async () => {
      const doc = newDocumentId();
      const ws = await rawSocket(url, doc, { user: "shaper" });
      expect(await answer(ws, anchorUpdate(X))).toBe("saved");
      ws.close();
      return doc;
    };

    // yjs #498: zero-length input (an infinite loop in old lib0) and truncated input.
    await shape("zero-length update (yjs #498)", newDocumentId(), new Uint8Array(0), "saved");
    await shape("truncated update", newDocumentId(), anchorUpdate(X).slice(0, 9), MALFORMED);
    // yjs #687: a count decoupled from the bytes that follow.
    await shape("2^31 structs declared in 8 bytes (yjs #687)", newDocumentId(), declaredCountBomb(2 ** 31), MALFORMED);
    await shape("2^53-1 structs declared (yjs #687)", newDocumentId(), declaredCountBomb(Number.MAX_SAFE_INTEGER), MALFORMED);
    // Pending structs: a gap in a client's clocks, an origin nobody has, deletes beyond what exists.
    await shape("20,000 pending structs", newDocumentId(), pendingUpdate(1, 400_000), MISSING);
    await shape("origin the server does not have", await anchored(), itemsUpdate([{ client: 5, clock: 0, count: 1_000, origin: [999, 3] }]), MISSING);
    await shape("deletes beyond the document", await anchored(), itemsUpdate([], [{ client: X, clock: 0, len: 2 ** 40 }]), MISSING);
    // Insertions many clients claim at one spot: Yjs's conflict resolution is quadratic there
    // (measured without the check: 20,000 after a 20,000 chain took 91 s of CPU).
    const chained = await anchored();
    await shape("20,000-item chain", chained, itemsUpdate([{ client: 1, clock: 0, count: 20_000, origin: "chain", first: [X, 0] }]), "saved");
    await shape("20,000 at the chain's spot (91 s in Yjs)", chained, itemsUpdate([{ client: 2, clock: 0, count: 20_000, origin: [X, 0] }]), LIMIT);
    await shape("2 × 10,000 at one spot in one update", await anchored(), itemsUpdate([{ client: 1, clock: 0, count: 10_000, origin: [X, 0] }, { client: 2, clock: 0, count: 10_000, origin: [X, 0] }]), LIMIT);
    // Deep nesting and huge deletes.
    await shape("8,000 nested blockquotes", newDocumentId(), deepUpdate(8_000), LIMIT);
    await shape("100 nested blockquotes (the limit)", newDocumentId(), deepUpdate(100), "saved");
    await shape("delete 20,000 items at once", chained, itemsUpdate([], [{ client: 1, clock: 0, len: 20_000 }]), "saved");
    await shape("2^40 deleted clocks in one struct", newDocumentId(), hugeDeletedRun(77, 2 ** 40), "saved");
    console.log(`worst shapes:\n  ${figures.join("\n  ")}`);
    expect(collab.stats().connections).toBeGreaterThanOrEqual(0);
  });

  it("loads a document of many stored rows by merging them in one step", async () => {
    const doc = newDocumentId();
    const ws = await rawSocket(url, doc, { user: "writer" });
    expect(await answer(ws, anchorUpdate(X_CLIENT))).toBe("saved");
    for (let i = 0; i < 200; i++) expect(await answer(ws, itemsUpdate([{ client: X_CLIENT, clock: 1 + i, count: 1, origin: [X_CLIENT, i] }]))).toBe("saved");
    ws.close();
    await waitFor(() => !collab.stats().perDocument.some((d) => d.documentId === doc), 5_000, "unload");
    const reader = connect(url, doc, { user: "reader" });
    await reader.synced();
    expect(reader.text.toString()).toBe(`X${"a".repeat(200)}`);
  });
});

const X_CLIENT = 4242;
