import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { PgPersistence } from "@twinning/collab";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";
import { openSocket, type LiveSocket } from "../helpers/live";
import { LIVE_WAIT_MS } from "../helpers/latency";

/**
 * Two instances of the real server on two ports and ONE database, stock y-websocket clients on each:
 * edits and carets cross through the NOTIFY doorbell (server/collab-fanout.ts), coalesced, and
 * compactions by either instance (one at a time) do not break the other's reading.
 */
describe("several instances on one database", () => {
  let a: RunningApp;
  let b: RunningApp;
  let spaceId: string;
  const cookie: Record<string, string> = {};
  const sockets: LiveSocket[] = [];

  const socket = (app: RunningApp, documentId: string, who: string) => {
    const s = openSocket(app.url, documentId, cookie[who]);
    sockets.push(s);
    return s;
  };
  /** A new blank-ish document (the minutes template) in the Bycirklen–Wuxi space, made on instance A. */
  async function newDocument(title: string): Promise<string> {
    const res = await fetch(`${a.url}/s/${spaceId}/docs/new`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: a.url, Cookie: cookie["ballerup-kommune"] },
      body: new URLSearchParams({ template: "minutes", title, type: "minutes", language: "en" }),
    });
    expect(res.status).toBe(302);
    return res.headers.get("location")!.split("/").pop()!;
  }
  /** A paragraph at the end of the document, whose text both sides type into. */
  function typingLine(s: LiveSocket): Y.XmlText {
    const fragment = s.ydoc.getXmlFragment("default");
    const last = fragment.get(fragment.length - 1);
    if (last instanceof Y.XmlElement && last.nodeName === "paragraph" && last.get(0) instanceof Y.XmlText && last.getAttribute("data-typing") !== undefined) {
      return last.get(0) as Y.XmlText;
    }
    throw new Error("no typing line");
  }
  /** Resolves once `check` holds, re-checked on every change of either document (no fixed sleeps). */
  function when(docs: Y.Doc[], check: () => boolean, what: string, ms = LIVE_WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) return resolve();
      const stop = () => {
        clearTimeout(timer);
        for (const doc of docs) doc.off("update", onUpdate);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      const onUpdate = () => {
        if (!check()) return;
        stop();
        resolve();
      };
      for (const doc of docs) doc.on("update", onUpdate);
    });
  }
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

  beforeAll(async () => {
    const { url } = await freshDatabase();
    const env = { COLLAB_UNLOAD_GRACE_MS: "300", COLLAB_DERIVE_DEBOUNCE_MS: "200" };
    a = await startAppOn(url, env);
    b = await startAppOn(url, env);
    await loadDemoWorld(a.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "wuxi-foreign-affairs-office"])
      cookie[slug] = await logInCookie(a.url, demoEmail(slug), DEMO_PASSWORD);
    [{ id: spaceId }] = await a.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
  });

  it("clients on two instances type into one document and converge, every edit across within a second; doorbells are coalesced", async () => {
    const documentId = await newDocument("Two instances");
    // Two typists on each instance.
    const onA = [socket(a, documentId, "bycirklen"), socket(a, documentId, "wuxi-foreign-affairs-office")];
    const onB = [socket(b, documentId, "ballerup-kommune"), socket(b, documentId, "bycirklen")];
    const everyone = [...onA, ...onB];
    const docs = everyone.map((s) => s.ydoc);
    const text = (s: LiveSocket) => s.ydoc.getXmlFragment("default").toString();
    await Promise.all(everyone.map((s) => s.synced));
    for (const s of everyone) expect(text(s)).toBe(text(onA[0]));
    const logRows = async () => (await a.db.owner<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${documentId}`)[0].n;
    const rowsBefore = await logRows();

    // The line everyone types into, added on A, reaches B.
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.setAttribute("data-typing", "1");
    paragraph.insert(0, [new Y.XmlText("")]);
    const fragment = onA[0].ydoc.getXmlFragment("default");
    fragment.insert(fragment.length, [paragraph]);
    const hasLine = (s: LiveSocket) => {
      try {
        return typingLine(s) !== undefined;
      } catch {
        return false;
      }
    };
    await when(docs, () => everyone.every(hasLine), "the typing line everywhere");

    // Each keystroke's arrival at every client on the other instance (and, for comparison, at the
    // other client on the same instance), by the sender's clock (one character, one clock).
    const latencies: number[] = [];
    const sameInstance: number[] = [];
    const trackers: { left(): number; stop(): void }[] = [];
    function track(from: LiveSocket, others: LiveSocket[], into: number[]) {
      const sender = from.ydoc.clientID;
      const pending = others.map(() => [] as { clock: number; at: number }[]);
      others.forEach((to, i) => {
        const onUpdate = () => {
          const have = Y.getState(to.ydoc.store, sender);
          while (pending[i].length && pending[i][0].clock <= have) into.push(performance.now() - pending[i].shift()!.at);
        };
        to.ydoc.on("update", onUpdate);
        trackers.push({ left: () => pending[i].length, stop: () => to.ydoc.off("update", onUpdate) });
      });
      return () => {
        const at = performance.now();
        for (const p of pending) p.push({ clock: Y.getState(from.ydoc.store, sender), at });
      };
    }
    const before = { a: a.fanout.stats(), b: b.fanout.stats() };

    // Everyone types at once, a keystroke every few milliseconds each (a fast typist is ~10 ms).
    const KEYSTROKES = 100;
    const total = KEYSTROKES * everyone.length;
    const type = async (s: LiveSocket, others: LiveSocket[], letter: string) => {
      const sent = [
        track(s, others, latencies),
        track(
          s,
          (onA.includes(s) ? onA : onB).filter((peer) => peer !== s),
          sameInstance,
        ),
      ];
      for (let i = 0; i < KEYSTROKES; i++) {
        const line = typingLine(s);
        line.insert(Math.floor(line.length / 2), letter);
        for (const tracked of sent) tracked();
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
    };
    const started = performance.now();
    await Promise.all([...onA.map((s, i) => type(s, onB, "ab"[i])), ...onB.map((s, i) => type(s, onA, "cd"[i]))]);
    const typingMs = performance.now() - started;
    await when(docs, () => everyone.every((s) => text(s) === text(onA[0])) && trackers.every((t) => t.left() === 0), "everyone converged");
    for (const t of trackers) t.stop();
    const line = typingLine(onA[0]).toString();
    expect(line.length).toBe(total);
    for (const letter of "abcd") expect([...line].filter((c) => c === letter)).toHaveLength(KEYSTROKES);
    for (const s of everyone) expect(typingLine(s).toString()).toBe(line);

    const after = { a: a.fanout.stats(), b: b.fanout.stats() };
    const delta = (key: "updateNotifies" | "commits") => after.a[key] - before.a[key] + after.b[key] - before.b[key];
    const notifies = delta("updateNotifies");
    const sorted = [...latencies].sort((x, y) => x - y);
    const local = [...sameInstance].sort((x, y) => x - y);
    console.log(
      `two instances, 4 typists, ${total} keystrokes in ${typingMs.toFixed(0)} ms (${delta("commits")} commits): ${notifies} doorbells, ` +
        `each rung by its append statement — ${(total / notifies).toFixed(1)} keystrokes per doorbell; ` +
        `keystroke to the other instance's clients p50 ${pct(sorted, 50).toFixed(1)} ms, p95 ${pct(sorted, 95).toFixed(1)} ms, max ${sorted
          .at(-1)!
          .toFixed(1)} ms (to the same instance's other client: p50 ${pct(local, 50).toFixed(1)} ms, p95 ${pct(local, 95).toFixed(1)} ms)`,
    );
    // Every keystroke reached both clients of the other instance (the live target, a second, is printed above: a
    // speed target is measured, not failed on a busy machine; tests/helpers/latency.ts).
    expect(latencies).toHaveLength(total * 2);
    expect(sorted.at(-1)!).toBeLessThan(LIVE_WAIT_MS);
    // Coalesced: far fewer doorbells than keystrokes (one per document per append, at the commit cadence).
    expect(notifies).toBeGreaterThan(0);
    expect(notifies).toBeLessThan(total / 3);

    // What PostgreSQL holds is what everyone sees.
    await expect
      .poll(async () => {
        const stored = new Y.Doc();
        const rows = await a.db.owner<{ data: Uint8Array }[]>`
          select state as data from document_snapshots where document_id = ${documentId}
          union all select update from document_updates where document_id = ${documentId}`;
        for (const r of rows) Y.applyUpdate(stored, r.data);
        return stored.getXmlFragment("default").toString();
      })
      .toBe(text(onA[0]));
    // Each keystroke (and the line) is stored once, by the instance its typist is on: what an
    // instance applied from another's rows is not stored again (compaction could only make it fewer).
    expect((await logRows()) - rowsBefore).toBeLessThanOrEqual(total + 1);
  });

  it("carets cross instances: a client's presence on A is seen on B (also by one who arrives later), and removed when it disconnects", async () => {
    const documentId = await newDocument("Carets across instances");
    const alice = socket(a, documentId, "bycirklen");
    await alice.synced;
    alice.provider.awareness.setLocalStateField("cursor", { anchor: 1, head: 1 });
    // Bob opens the document on B afterwards: B asks who is there, A answers with Alice's state.
    const bob = socket(b, documentId, "wuxi-foreign-affairs-office");
    await bob.synced;
    const seenAt = performance.now();
    const aliceId = alice.ydoc.clientID;
    const aliceOnB = () => bob.provider.awareness.getStates().get(aliceId) as { cursor?: unknown; user?: { name: string; tenantName: string } } | undefined;
    await expect.poll(() => aliceOnB()?.cursor, { timeout: LIVE_WAIT_MS, interval: 10 }).toEqual({ anchor: 1, head: 1 });
    // The identity is the one instance A set from Alice's session, whatever her client claimed.
    expect(aliceOnB()?.user?.tenantName).toBe("Bycirklen");
    console.log(`presence of a client on A seen by a newcomer on B after ${(performance.now() - seenAt).toFixed(0)} ms`);

    // Moving the caret, both ways.
    let t = performance.now();
    alice.provider.awareness.setLocalStateField("cursor", { anchor: 3, head: 5 });
    await expect.poll(() => aliceOnB()?.cursor, { timeout: LIVE_WAIT_MS, interval: 5 }).toEqual({ anchor: 3, head: 5 });
    const caretMs = performance.now() - t;
    bob.provider.awareness.setLocalStateField("cursor", { anchor: 2, head: 2 });
    await expect
      .poll(() => (alice.provider.awareness.getStates().get(bob.ydoc.clientID) as { cursor?: unknown } | undefined)?.cursor, {
        timeout: LIVE_WAIT_MS,
        interval: 5,
      })
      .toEqual({ anchor: 2, head: 2 });
    console.log(`caret moved on A seen on B after ${caretMs.toFixed(0)} ms`);
    expect(caretMs).toBeLessThan(LIVE_WAIT_MS);

    // Alice leaves: her caret disappears on B.
    t = performance.now();
    alice.destroy();
    await expect.poll(() => bob.provider.awareness.getStates().has(aliceId), { timeout: LIVE_WAIT_MS, interval: 5 }).toBe(false);
    const goneMs = performance.now() - t;
    console.log(`a client's disconnect from A removed its caret on B after ${goneMs.toFixed(0)} ms`);
    expect(goneMs).toBeLessThan(LIVE_WAIT_MS);
    expect(bob.provider.awareness.getStates().has(bob.ydoc.clientID)).toBe(true);
  });

  it("one compaction of a document at a time; compacting while both instances type leaves them converged", async () => {
    const documentId = await newDocument("Compaction across instances");
    const alice = socket(a, documentId, "bycirklen");
    const bob = socket(b, documentId, "ballerup-kommune");
    await Promise.all([alice.synced, bob.synced]);
    alice.type("first from A");
    await when([bob.ydoc], () => bob.ydoc.getXmlFragment("default").toString().includes("first from A"), "B has A's first line");

    // A compactor holding the lock: the other (as instance B's would) returns at once, busy, and does nothing.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = new PgPersistence(a.db.system, { beforeDeleteCompacted: () => (entered(), held) }).compact(documentId);
    await inside;
    const second = await new PgPersistence(b.db.system).compact(documentId);
    expect(second).toMatchObject({ busy: true, compactedRows: 0 });
    release();
    expect((await first).compactedRows).toBeGreaterThan(0);

    // Compactions keep folding the log (from either instance's pool) while both type: whatever rows a
    // reader had not read yet may be in the snapshot by the time it reads; it must still converge.
    let compacting = true;
    let compactions = 0;
    const compactor = (async () => {
      const pools = [new PgPersistence(a.db.system), new PgPersistence(b.db.system)];
      while (compacting) {
        const result = await pools[compactions % 2].compact(documentId);
        if (result.compactedRows > 0) compactions++;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    for (let i = 0; i < 40; i++) {
      alice.type(`A${i}`);
      bob.type(`B${i}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const text = () => alice.ydoc.getXmlFragment("default").toString();
    await when(
      [alice.ydoc, bob.ydoc],
      () => bob.ydoc.getXmlFragment("default").toString() === text() && text().includes("B39") && text().includes("A39"),
      "converged after compactions",
    );
    compacting = false;
    await compactor;
    console.log(`${compactions} compactions while two instances typed 80 paragraphs; both converged`);
    expect(compactions).toBeGreaterThan(0);
    for (let i = 0; i < 40; i++) expect(text()).toContain(`<paragraph>B${i}</paragraph>`);
  });

  it("after its LISTEN connection was lost, an instance catches up on what it missed", async () => {
    const documentId = await newDocument("Lost notifications");
    const alice = socket(a, documentId, "bycirklen");
    const bob = socket(b, documentId, "ballerup-kommune");
    await Promise.all([alice.synced, bob.synced]);
    const relistens = b.fanout.stats().relistens;
    // Every LISTEN connection of this database (both instances') is cut; postgres.js reconnects them.
    const [{ n }] = await a.db.owner<{ n: number }[]>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`;
    expect(n).toBeGreaterThanOrEqual(2);
    // Typed at once: the doorbell may ring while B is not listening.
    for (let i = 0; i < 5; i++) alice.type(`while B was deaf ${i}`);
    const text = () => alice.ydoc.getXmlFragment("default").toString();
    await when([alice.ydoc, bob.ydoc], () => bob.ydoc.getXmlFragment("default").toString() === text() && text().includes("deaf 4"), "B caught up");
    await expect.poll(() => b.fanout.stats().relistens, { timeout: LIVE_WAIT_MS }).toBeGreaterThan(relistens);
    // And live again afterwards.
    bob.type("B hears again");
    await when([alice.ydoc], () => text().includes("B hears again"), "A sees B after the reconnect");
  });
});
