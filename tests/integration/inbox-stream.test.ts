import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, saveVersion, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { openEventStream, openStream, type LiveStream } from "../helpers/live";

/**
 * The user's own event stream (`/inbox/events`), which the header opens on every page: it sends the
 * inbox count at the start and whenever something arrives in the user's inbox or is read (in any
 * tab), and only to that user — a party not asked, and a tenant outside the space, hear nothing; a
 * space's stream sends its user's count as well; a space invitation moves the invited tenant's admins'
 * counts. It needs a session, and ends when the session does.
 */
describe("the inbox count's own stream", () => {
  let app: RunningApp;
  let docPath: string;
  const cookie: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);
  const counts = (s: LiveStream) => s.events.filter((e) => e.event === "inbox").map((e) => (e.data as { count: number }).count);

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url);
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "egedal-kommune", "ballerup-kommune", "kobenhavns-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docPath = `/s/${doc.spaceId}/docs/${doc.id}`;
  });

  it("sends the count when something arrives or is read, only to its user, and ends with the session", async () => {
    const anonymous = await fetch(`${app.url}/inbox/events`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    await anonymous.body?.cancel();

    const egedal = await openEventStream(app.url, "/inbox/events", cookie["egedal-kommune"]);
    const ballerup = await openEventStream(app.url, "/inbox/events", cookie["ballerup-kommune"]);
    const outsider = await openEventStream(app.url, "/inbox/events", cookie["kobenhavns-kommune"]);
    for (const s of [egedal, ballerup, outsider]) expect(s.status).toBe(200);
    // The count at the start (what arrived between the page and the stream).
    for (const s of [egedal, ballerup, outsider]) await expect.poll(() => counts(s).length, { timeout: 5_000 }).toBe(1);
    const start = counts(egedal)[0];

    // The host asks Egedal, not Ballerup: Egedal's stream follows; the others hear nothing.
    const [egedalTenant] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'egedal-kommune'`;
    const versionId = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Til Egedal");
    expect((await post("bycirklen", `${docPath}/approval`, { intent: "requestApproval", versionId, tenantIds: [egedalTenant.id] })).status).toBe(200);
    await expect.poll(() => counts(egedal).at(-1), { timeout: 5_000 }).toBe(start + 1);

    // Read in another tab: the count follows there too.
    expect((await post("egedal-kommune", "/inbox", { intent: "markAllRead" })).status).toBe(200);
    await expect.poll(() => counts(egedal).at(-1), { timeout: 5_000 }).toBe((await app.db.owner<{ n: number }[]>`
      select count(*)::int as n from space_partners p join memberships m on m.tenant_id = p.tenant_id and m.user_id = 'demo-egedal-kommune' and m.role in ('owner', 'admin')
      where p.status = 'invited' and p.expires_at > now()`)[0].n);
    expect(counts(ballerup)).toHaveLength(1);
    expect(counts(outsider)).toHaveLength(1);

    // A space's stream sends its user's count too (a page holding one opens no other), and only theirs.
    const spaceId = docPath.split("/")[2];
    const egedalSpace = await openStream(app.url, spaceId, cookie["egedal-kommune"]);
    const ballerupSpace = await openStream(app.url, spaceId, cookie["ballerup-kommune"]);
    await expect.poll(() => egedalSpace.events.some((e) => e.event === "ready")).toBe(true);
    await expect.poll(() => ballerupSpace.events.some((e) => e.event === "ready")).toBe(true);
    const read = counts(egedal).at(-1)!;
    const v2 = await saveVersion(post, app.db.owner, "bycirklen", docPath, "Til Egedal igen");
    expect((await post("bycirklen", `${docPath}/approval`, { intent: "requestApproval", versionId: v2, tenantIds: [egedalTenant.id] })).status).toBe(200);
    await expect.poll(() => counts(egedal).at(-1), { timeout: 5_000 }).toBe(read + 1);
    await expect.poll(() => counts(egedalSpace).at(-1), { timeout: 5_000 }).toBe(read + 1);
    expect(counts(ballerupSpace)).toEqual([]);
    for (const s of [egedalSpace, ballerupSpace]) await s.stop();

    // A space invites Københavns Kommune: its admin's count follows (an invitation waits for them).
    const before = counts(outsider).at(-1)!;
    expect((await post("bycirklen", `/s/${spaceId}/settings`, { intent: "invitePartner", tenant: "kobenhavns-kommune", role: "viewer" })).status).toBe(200);
    await expect.poll(() => counts(outsider).at(-1), { timeout: 5_000 }).toBe(before + 1);
    expect(counts(ballerup)).toHaveLength(1);
    // Nothing about any space travels on it.
    expect(egedal.events.map((e) => e.event).filter((e) => e !== "inbox" && e !== "ready")).toEqual([]);

    // Logging out ends the session: the stream says so and ends.
    const out = await fetch(`${app.url}/logout`, { method: "POST", redirect: "manual", headers: { Origin: app.url, Cookie: cookie["egedal-kommune"] } });
    await out.text();
    await expect.poll(() => egedal.ended(), { timeout: 5_000 }).toBe(true);
    expect(egedal.events.at(-1)).toEqual({ event: "access", data: { type: "access", reason: "sessionEnded" } });
    for (const s of [ballerup, outsider]) await s.stop();
  });
});
