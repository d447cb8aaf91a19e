import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startTestApp } from "../helpers/app";
import { openStream, type LiveStream } from "../helpers/live";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Full collections, with turns of the event loop between them (FinalizationRegistry callbacks run there). */
async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const PER_USER = 4;

/**
 * An event stream's slot (server/events.ts: so many per user and per address) comes back exactly
 * once however the stream ends. The app runs in this process, so the test can collect the server's
 * garbage: Node's `Request` follows the adapter's abort signal only while the `Request` object is
 * alive, and a stream that let it go would never hear its client leave — its slot lost for good.
 */
describe("event stream slots", () => {
  let app: RunningApp;
  let cookie: string;
  let spaceId: string;

  beforeAll(async () => {
    app = await startTestApp({ MAX_STREAMS_PER_USER: String(PER_USER) });
    await loadDemoWorld(app.db.owner);
    cookie = await logInCookie(app.url, demoEmail("bycirklen"), DEMO_PASSWORD);
    [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
  });

  const ready = (s: LiveStream) => expect.poll(() => s.events.some((e) => e.event === "ready"), { timeout: 10_000 }).toBe(true);

  it("come back when the clients leave, also after a garbage collection while the streams were open", async () => {
    const streams = await Promise.all(Array.from({ length: PER_USER }, () => openStream(app.url, spaceId, cookie)));
    expect(streams.map((s) => s.status)).toEqual(Array(PER_USER).fill(200));
    for (const s of streams) await ready(s);
    await collectGarbage();
    // The cap holds while they are open…
    const refused = await openStream(app.url, spaceId, cookie);
    expect(refused.status).toBe(429);
    await refused.stop();
    // …and every slot comes back once their clients have gone.
    await Promise.all(streams.map((s) => s.stop()));
    await expect.poll(() => app.events.size(), { timeout: 10_000 }).toBe(0);
    const again = await Promise.all(Array.from({ length: PER_USER }, () => openStream(app.url, spaceId, cookie)));
    expect(again.map((s) => s.status)).toEqual(Array(PER_USER).fill(200));
    await Promise.all(again.map((s) => s.stop()));
    await expect.poll(() => app.events.size(), { timeout: 10_000 }).toBe(0);
  });

  it("come back when the clients leave at any moment of the setup (waiting at the gate, during the access check, as the stream starts)", async () => {
    // Each client leaves after a different number of turns of its event loop: some before the server
    // has read the request, some while it waits its turn or checks access, some once it streams.
    const attempts = Array.from({ length: 24 }, async (_, n) => {
      const turns = Math.round(1.5 ** n);
      const controller = new AbortController();
      const leaving = (async () => {
        for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
        controller.abort();
      })();
      const res = await fetch(`${app.url}/s/${spaceId}/events`, { headers: { Cookie: cookie }, signal: controller.signal }).catch(() => null);
      await leaving;
      await res?.body?.cancel().catch(() => {});
      return res?.status ?? "aborted";
    });
    const outcomes = await Promise.all(attempts);
    console.log(`clients leaving during setup: ${JSON.stringify(outcomes)}`);
    await collectGarbage();
    await expect.poll(() => app.events.size(), { timeout: 10_000 }).toBe(0);
    // Nothing was kept for them: the user may open as many as ever.
    const again = await Promise.all(Array.from({ length: PER_USER }, () => openStream(app.url, spaceId, cookie)));
    expect(again.map((s) => s.status)).toEqual(Array(PER_USER).fill(200));
    await Promise.all(again.map((s) => s.stop()));
    await expect.poll(() => app.events.size(), { timeout: 10_000 }).toBe(0);
  });
});
