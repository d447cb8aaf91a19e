import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardsOf, columnsOf } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, saveVersion, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { openEventStream, openSocket, openStream, type LiveSocket, type LiveStream } from "../helpers/live";
import { LIVE_WAIT_MS, reportLatency } from "../helpers/latency";

/**
 * Two instances of the real server on one database (as in multi-instance.test.ts): what one instance
 * commits reaches the event streams and sockets held by the other — board events and inbox counts
 * through their channels' NOTIFY (server/events.ts), access changes through the access watcher's
 * (server/access-watcher.ts), each LISTENed to by every instance. The times are printed against the 1 s target.
 */
describe("several instances: board events and access changes cross", () => {
  let a: RunningApp;
  let b: RunningApp;
  let spaceId: string;
  let agreementId: string;
  const cookie: Record<string, string> = {};
  const sockets: LiveSocket[] = [];
  const streams: LiveStream[] = [];
  /** What instance B logged (to see it drop a demoted member's edits). */
  const linesOfB: Record<string, unknown>[] = [];

  const socket = (app: RunningApp, documentId: string, who: string) => {
    const s = openSocket(app.url, documentId, cookie[who] ?? who);
    sockets.push(s);
    return s;
  };
  const stream = async (app: RunningApp, who: string) => {
    const s = await openStream(app.url, spaceId, cookie[who] ?? who);
    expect(s.status).toBe(200);
    streams.push(s);
    await expect.poll(() => s.events.some((e) => e.event === "ready")).toBe(true);
    return s;
  };
  /** A form posted to instance A, as a browser would. */
  const postToA = (who: string, path: string, body: Record<string, string>) =>
    fetch(`${a.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: a.url, Cookie: cookie[who] ?? who },
      body: new URLSearchParams(body),
    });
  /** A new user (their own session, made on A) who is `role` in Ballerup Kommune, a partner editor of the space. */
  async function ballerupMember(name: string) {
    const signed = await a.auth.signUp({ name, email: `${name.toLowerCase()}@example.test`, password: "a long password 123", locale: "en" });
    if (!signed.ok) throw new Error(signed.error);
    await a.db.owner`insert into memberships (tenant_id, user_id, role) select id, ${signed.userId}, 'member' from tenants where slug = 'ballerup-kommune'`;
    return { userId: signed.userId, cookie: signed.setCookie.split(";")[0] };
  }
  const accessEvent = (s: LiveStream) => s.events.find((e) => e.event === "access")?.data as { reason: string } | undefined;
  const rows = async (documentId: string) =>
    (await a.db.owner<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${documentId}`)[0].n;

  beforeAll(async () => {
    const { url } = await freshDatabase();
    a = await startAppOn(url, { COLLAB_UNLOAD_GRACE_MS: "300" });
    b = await startAppOn(url, { COLLAB_UNLOAD_GRACE_MS: "300" }, pino({ level: "debug" }, { write: (line: string) => void linesOfB.push(JSON.parse(line)) }));
    await loadDemoWorld(a.db.owner);
    await setAsideDemoTranslations(a.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune", "wuxi-foreign-affairs-office"])
      cookie[slug] = await logInCookie(a.url, demoEmail(slug), DEMO_PASSWORD);
    [{ id: spaceId }] = await a.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
    [{ id: agreementId }] = await a.db.owner`select id from documents where type = 'agreement' and space_id = ${spaceId}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(streams.map((s) => s.stop()));
  });

  it("a card moved through instance A's route reaches an event stream on instance B within a second", async () => {
    const [{ id: boardId }] = await a.db.owner`select id from boards where space_id = ${spaceId} order by created_at limit 1`;
    const columns = await columnsOf(a.db.owner, boardId);
    const cards = await cardsOf(a.db.owner, boardId);
    const onB = await stream(b, "wuxi-foreign-affairs-office");
    const onA = await stream(a, "ballerup-kommune");
    const arrived = (s: LiveStream, cardId: string, columnId: string) =>
      s.events.some((e) => {
        const data = e.data as { boardId?: string; cards?: { id: string; columnId: string }[] };
        return e.event === "board" && data.boardId === boardId && (data.cards ?? []).some((c) => c.id === cardId && c.columnId === columnId);
      });

    /** Milliseconds from `at` until `check` holds, checked every 5 ms; fails after LIVE_WAIT_MS. */
    const until = async (check: () => boolean, at: number, what: string) => {
      while (!check()) {
        if (performance.now() - at > LIVE_WAIT_MS) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return Math.round(performance.now() - at);
    };

    const onOther: number[] = [];
    const onSame: number[] = [];
    // Ten moves, each to another column than the card's, one after the other; each timed from the
    // POST (so the HTTP action and its commit are included) to its event on B's and on A's stream.
    for (const card of cards.slice(0, 10)) {
      const to = columns[(columns.findIndex((c) => c.id === card.columnId) + 1) % columns.length];
      const at = performance.now();
      const posted = postToA("bycirklen", `/s/${spaceId}/boards/${boardId}`, { intent: "move", cardId: card.id, columnId: to.id, afterId: "" });
      const [there, here] = await Promise.all([
        until(() => arrived(onB, card.id, to.id), at, "the move on B"),
        until(() => arrived(onA, card.id, to.id), at, "the move on A"),
      ]);
      expect((await posted).status).toBeLessThan(400);
      onOther.push(there);
      onSame.push(here);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const max = (xs: number[]) => Math.max(...xs);
    console.log(
      `card move posted to A → event on B's stream: median ${median(onOther)} ms, max ${max(onOther)} ms; on A's own stream: median ${median(
        onSame,
      )} ms, max ${max(onSame)} ms (${onOther.length} moves, 5 ms polling)`,
    );
    expect(onOther.length).toBeGreaterThanOrEqual(5);
    // The target is a second (measured, printed); a busy 2-core machine gets slack before it counts as not crossing.
    expect(median(onOther)).toBeLessThan(LIVE_WAIT_MS);
  });

  it("an approval asked through instance A moves the inbox count on the asked user's own stream on B", async () => {
    const counts = (s: LiveStream) => s.events.filter((e) => e.event === "inbox").map((e) => (e.data as { count: number }).count);
    const egedal = await openEventStream(b.url, "/inbox/events", cookie["egedal-kommune"]);
    streams.push(egedal);
    expect(egedal.status).toBe(200);
    await expect.poll(() => counts(egedal).length).toBe(1);
    const start = counts(egedal)[0];
    const post = formPoster(() => a.url, cookie);
    const docPath = `/s/${spaceId}/docs/${agreementId}`;
    const versionId = await saveVersion(post, a.db.owner, "bycirklen", docPath, "Til Egedal");
    const [{ id: egedalTenant }] = await a.db.owner`select id from tenants where slug = 'egedal-kommune'`;
    const at = Date.now();
    expect((await post("bycirklen", `${docPath}/approval`, { intent: "requestApproval", versionId, tenantIds: [egedalTenant] })).status).toBe(200);
    await expect.poll(() => counts(egedal).at(-1), { timeout: LIVE_WAIT_MS, interval: 10 }).toBe(start + 1);
    reportLatency("approval asked on A, inbox count on B", at);
  });

  it("a member demoted through instance A turns read-only on B in place; removed through A, their socket and stream on B end, with the reason", async () => {
    const anna = await ballerupMember("Anna");
    cookie.anna = anna.cookie;
    const editor = socket(b, agreementId, "anna");
    const events = await stream(b, "anna");
    await editor.synced;
    editor.type("Anna, on instance B");
    await expect.poll(() => rows(agreementId)).toBeGreaterThan(0);
    const stored = await rows(agreementId);

    const demotedAt = Date.now();
    expect((await postToA("ballerup-kommune", "/t/ballerup-kommune", { intent: "changeRole", userId: anna.userId, role: "viewer" })).status).toBe(200);
    await expect.poll(() => editor.access.at(-1), { timeout: LIVE_WAIT_MS, interval: 10 }).toEqual({ readOnly: true, reason: "role" });
    reportLatency("member demoted on A, socket on B read-only", demotedAt);
    expect(editor.closes).toEqual([]);
    editor.type("A viewer's edit");
    await expect
      .poll(() => linesOfB.some((l) => l.msg === "collab: dropped update of a read-only connection" && l.userId === anna.userId), { timeout: LIVE_WAIT_MS })
      .toBe(true);
    expect(await rows(agreementId)).toBe(stored);
    // A viewer still sees the space: the stream on B stays.
    expect(events.ended()).toBe(false);

    const removedAt = Date.now();
    expect((await postToA("ballerup-kommune", "/t/ballerup-kommune", { intent: "removeMember", userId: anna.userId })).status).toBe(200);
    await expect.poll(() => editor.closes, { timeout: LIVE_WAIT_MS, interval: 10 }).toEqual([{ code: 4403, reason: "access revoked" }]);
    await expect.poll(() => events.ended(), { timeout: LIVE_WAIT_MS, interval: 10 }).toBe(true);
    reportLatency("member removed on A, socket and stream on B closed", removedAt);
    expect(accessEvent(events)).toEqual({ type: "access", reason: "revoked" });
    expect(editor.provider.shouldConnect).toBe(false);
  });

  it("a partner removed through instance A loses its socket and stream on B, with the reason; the others on B keep theirs", async () => {
    const wuxi = socket(b, agreementId, "wuxi-foreign-affairs-office");
    const wuxiStream = await stream(b, "wuxi-foreign-affairs-office");
    const ballerup = socket(b, agreementId, "ballerup-kommune");
    const ballerupStream = await stream(b, "ballerup-kommune");
    await Promise.all([wuxi.synced, ballerup.synced]);
    const [{ id: wuxiTenant }] = await a.db.owner`select id from tenants where slug = 'wuxi-foreign-affairs-office'`;

    const removedAt = Date.now();
    expect((await postToA("bycirklen", `/s/${spaceId}/settings`, { intent: "removePartner", tenantId: wuxiTenant })).status).toBe(200);
    await expect.poll(() => wuxi.closes, { timeout: LIVE_WAIT_MS, interval: 10 }).toEqual([{ code: 4403, reason: "partner removed" }]);
    await expect.poll(() => wuxiStream.ended(), { timeout: LIVE_WAIT_MS, interval: 10 }).toBe(true);
    reportLatency("partner removed on A, its socket and stream on B closed", removedAt);
    expect(accessEvent(wuxiStream)).toEqual({ type: "access", reason: "partnerRemoved" });
    // Revoked is terminal for the stock client (44xx): it does not knock again on either instance.
    expect(wuxi.provider.shouldConnect).toBe(false);
    expect(ballerup.closes).toEqual([]);
    expect(ballerupStream.ended()).toBe(false);
    // And B refuses the removed partner a new stream.
    expect((await fetch(`${b.url}/s/${spaceId}/events`, { headers: { Cookie: cookie["wuxi-foreign-affairs-office"] } })).status).toBe(404);
  });
});
