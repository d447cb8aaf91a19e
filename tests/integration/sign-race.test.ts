import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { documentUpdates } from "@twinning/db";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { versionContent } from "@twinning/editor/versions";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { formPoster, sendAndApprove, setAsideDemoTranslations } from "../helpers/approval";
import { freshDatabase } from "../helpers/db";
import { openSocket } from "../helpers/live";

/**
 * The sign race: an editor keeps typing while the host signs. Signing checks the text and commits;
 * the open sockets turn read-only a moment later (the access watcher). Updates arriving in between —
 * while the signing transaction runs, and after its commit until the socket is read-only — must not be
 * stored: the persistence checks the document's status under a lock on its row at append time, and
 * signing holds that row from before it reads the text. To make the window wide and certain, the test
 * holds the round's row so the signing transaction stops halfway (after checking the text, before
 * committing) while the editor streams updates. Without the lock those updates are stored and the
 * stored document differs from the signed version; with it, it equals the signed hash. Updates are
 * relayed to the other clients before their commit, so a watcher sees the refused text for a moment:
 * the refusal resets the document in memory, its sockets reconnect, and it holds the signed text again.
 */
describe("signing while an editor types", () => {
  let app: RunningApp;
  let docId: string;
  let docPath: string;
  const cookie: Record<string, string> = {};
  const post = formPoster(() => app.url, cookie);
  /** The stored document's content hash, as a version's is computed. */
  const storedHash = async () => {
    const ydoc = new Y.Doc();
    const updates = await documentUpdates(app.db.owner, docId);
    if (updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(updates));
    const { contentHash } = versionContent(ydoc);
    ydoc.destroy();
    return contentHash;
  };
  /** The backends waiting for a lock `pid` holds, with what they run. */
  const blockedBy = (pid: number) => app.db.owner<{ pid: number; query: string }[]>`select pid, query from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid))`;
  /** Polls until `condition` gives something truthy, and returns it. */
  const waitFor = async <T,>(condition: () => Promise<T>): Promise<NonNullable<T>> => {
    let value: T | undefined;
    await expect.poll(async () => !!(value = await condition()), { timeout: 10_000, interval: 10 }).toBe(true);
    return value as NonNullable<T>;
  };
  const storedRows = async () => (await app.db.owner<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${docId}`)[0].n;

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_DERIVE_DEBOUNCE_MS: "100", COLLAB_UNLOAD_GRACE_MS: "200" });
    await loadDemoWorld(app.db.owner);
    await setAsideDemoTranslations(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune"]) cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    const [doc] = await app.db.owner`select id, space_id from documents where template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019'`;
    docId = doc.id;
    docPath = `/s/${doc.spaceId}/docs/${doc.id}`;
  });

  it("stores no update after the signing transaction checked the text: the stored document is the signed version", async () => {
    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    const versionId = await sendAndApprove({ post, owner: app.db.owner, docPath, host: "bycirklen", parties: [{ tenantId: ballerup.id, admin: "ballerup-kommune" }] });
    const editor = openSocket(app.url, docId, cookie["egedal-kommune"]);
    const watcher = openSocket(app.url, docId, cookie["ballerup-kommune"]);
    await Promise.all([editor.synced, watcher.synced]);
    const [round] = await app.db.owner<{ id: string; contentHash: string }[]>`select id, content_hash from approval_rounds where document_id = ${docId} and ended_at is null`;
    expect(await storedHash()).toBe(round.contentHash);
    const rowsBefore = await storedRows();

    let typed = 0;
    let streaming: NodeJS.Timeout | undefined;
    let signed: Promise<Response> | undefined;
    // The test's own transaction holds the round's row: the signing transaction waits there, halfway.
    await app.db.owner.begin(async (tx) => {
      await tx`select id from approval_rounds where id = ${round.id} for update`;
      const [{ pid: ours }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      signed = post("bycirklen", `${docPath}/approval`, { intent: "sign", versionId });
      // The signing transaction has checked the text and waits for our row.
      const signing = await waitFor(async () => (await blockedBy(ours))[0]?.pid);
      // The editor types meanwhile, and goes on typing (every 50 ms: well within a connection's message rate).
      streaming = setInterval(() => editor.type(`Skrevet under underskriften ${++typed}.`), 50);
      // Its updates reached the server: stored (no lock), or their append waits behind the signing (the lock).
      await waitFor(async () => (await storedRows()) > rowsBefore || (await blockedBy(signing)).some((b) => /document/.test(b.query)));
    });
    const res = await signed!;
    expect(res.status, await res.text()).toBe(200);
    // Typing goes on until the socket is told it is read-only.
    await expect.poll(() => editor.access.at(-1), { timeout: 5_000, interval: 10 }).toEqual({ readOnly: true, reason: "signed" });
    clearInterval(streaming);
    expect(typed).toBeGreaterThan(0);
    // The watcher had the typing relayed before it was refused; then the document was reset in memory.
    expect(watcher.ydoc.getXmlFragment("default").toString()).toContain("Skrevet under underskriften 1.");
    await expect.poll(() => watcher.closes.map((c) => c.code), { timeout: 5_000, interval: 10 }).toContain(4500);
    watcher.destroy();
    const newcomer = openSocket(app.url, docId, cookie["ballerup-kommune"]);
    await newcomer.synced;
    expect(newcomer.ydoc.getXmlFragment("default").length).toBeGreaterThan(0);
    expect(newcomer.ydoc.getXmlFragment("default").toString()).not.toContain("Skrevet under underskriften");
    newcomer.destroy();
    editor.destroy();
    // Every write is done once the document has left memory (its last client gone).
    await expect.poll(() => app.collab.stats().documents, { timeout: 10_000, interval: 20 }).toBe(0);

    const [after] = await app.db.owner`select r.content_hash, d.status from approval_rounds r join documents d on d.id = r.document_id where r.id = ${round.id}`;
    expect(after).toEqual({ contentHash: round.contentHash, status: "signed" });
    // What is stored is exactly what was signed: none of the text typed during or after the signing.
    expect(await storedHash()).toBe(round.contentHash);
    const text = new Y.Doc();
    Y.applyUpdate(text, Y.mergeUpdates(await documentUpdates(app.db.owner, docId)));
    expect(text.getXmlFragment("default").toString()).not.toContain("Skrevet under underskriften");
    text.destroy();
  });

  it("after an amendment, signing a text that moved on since its approved version is refused", async () => {
    // An amendment reopens the text; a new version is approved; then the text changes before signing.
    expect((await post("bycirklen", `${docPath}/approval`, { intent: "amend" })).status).toBe(200);
    const [ballerup] = await app.db.owner<{ id: string }[]>`select id from tenants where slug = 'ballerup-kommune'`;
    const versionId = await sendAndApprove({ post, owner: app.db.owner, docPath, host: "bycirklen", parties: [{ tenantId: ballerup.id, admin: "ballerup-kommune" }], versionName: "Tillæg 1" });
    const editor = openSocket(app.url, docId, cookie["egedal-kommune"]);
    await editor.synced;
    const rowsBefore = await storedRows();
    editor.type("Ændret efter godkendelsen.");
    await expect.poll(storedRows, { timeout: 5_000, interval: 10 }).toBeGreaterThan(rowsBefore);
    const res = await post("bycirklen", `${docPath}/approval`, { intent: "sign", versionId });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Teksten eller en oversættelse, der blev sendt med, er ændret, efter denne version blev sendt");
    expect((await app.db.owner`select status from documents where id = ${docId}`)[0].status).not.toBe("signed");
    editor.destroy();
  });
});
