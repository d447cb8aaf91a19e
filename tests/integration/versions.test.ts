import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { yDocToNode } from "@twinning/editor";
import { contentHash } from "@twinning/editor/versions";
import type { RunningApp } from "../../server/app";
import { logInCookie, memoryLogger, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";
import { openSocket, type LiveSocket } from "../helpers/live";

/** Versions through the app: saving, automatic versions after a quiet period, compare, restore and who may do what. */
describe("document versions", () => {
  let app: RunningApp;
  let lines: Record<string, unknown>[];
  const cookie: Record<string, string> = {};
  let spaceId: string;
  let documentId: string;
  let path: string;
  const sockets: LiveSocket[] = [];

  const post = (who: string, to: string, body: Record<string, string>) =>
    fetch(`${app.url}${to}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.url, Cookie: cookie[who] },
      body: new URLSearchParams(body),
    });
  const get = (who: string, to: string) => fetch(`${app.url}${to}`, { headers: { Cookie: cookie[who] } });
  const versions = () => app.db.owner<{ id: string; name: string | null; kind: string; contentHash: string; createdBy: string | null }[]>`
    select id, name, kind, content_hash, created_by from document_versions where document_id = ${documentId} order by created_at, id`;
  const until = async (what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const open = async (who: string) => {
    const socket = openSocket(app.url, documentId, cookie[who]);
    sockets.push(socket);
    await socket.synced;
    return socket;
  };
  const textOf = (socket: LiveSocket) => yDocToNode(socket.ydoc).textContent;
  /** What the collaboration server decided each time the document went quiet (a version kept, or not). */
  const kept = () => lines.filter((l) => l.documentId === documentId && typeof l.kept === "boolean").map((l) => l.kept as boolean);
  /** Does `change`, then waits for the quiet period after it; returns what was decided then. */
  const quietAfter = async (change: () => unknown) => {
    const seen = kept().length;
    await change();
    await until("the quiet period", () => kept().length > seen);
    return kept().slice(seen);
  };
  /** Every row of the document's content tables and the document row, to prove nothing changed. */
  const state = async () =>
    JSON.stringify(
      await app.db.owner`
        select (select count(*) from document_updates where document_id = ${documentId}) as updates,
               (select count(*) from document_versions where document_id = ${documentId}) as versions,
               (select md5(coalesce(string_agg(state::text, ''), '')) from document_snapshots where document_id = ${documentId}) as snapshot`,
    );

  beforeAll(async () => {
    const { url } = await freshDatabase();
    const memory = memoryLogger();
    lines = memory.lines;
    app = await startAppOn(url, { COLLAB_VERSION_QUIET_MS: "300", COLLAB_UNLOAD_GRACE_MS: "200", COLLAB_DERIVE_DEBOUNCE_MS: "100" }, memory.log);
    await loadDemoWorld(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "region-hovedstaden", "wuxi-foreign-affairs-office", "kobenhavns-kommune", "clean"]) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    }
    [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
    // A document of its own (the demo documents carry demo versions).
    const created = await post("ballerup-kommune", `/s/${spaceId}/docs/new`, { template: "blank", title: "Venskabsbyaftale", type: "agreement", language: "da" });
    path = created.headers.get("location")!;
    documentId = path.split("/").pop()!;
    return () => sockets.forEach((s) => s.destroy());
  });

  it("an editor saves a named version of the committed content; a viewer cannot; a name is required", async () => {
    const ballerup = await open("ballerup-kommune");
    // The first change's quiet period keeps the document's first version.
    expect(await quietAfter(() => ballerup.type("Parterne samarbejder om uddannelse."))).toEqual([true]);

    const saved = await post("ballerup-kommune", `${path}/history`, { intent: "saveVersion", name: "Udkast sendt til Wuxi" });
    expect(saved.status).toBe(200);
    const v1 = (await versions()).find((v) => v.kind === "named")!;
    expect(v1).toMatchObject({ name: "Udkast sendt til Wuxi", kind: "named", createdBy: "demo-ballerup-kommune" });
    const [{ content }] = await app.db.owner`select content from document_versions where id = ${v1.id}`;
    expect(v1.contentHash).toBe(contentHash(content));
    expect(JSON.stringify(content)).toContain("Parterne samarbejder om uddannelse.");
    const [audit] = await app.db.owner`select details from audit_events where action = 'document.versionSaved'`;
    expect(audit.details).toEqual({ name: "Udkast sendt til Wuxi" });

    const empty = await post("ballerup-kommune", `${path}/history`, { intent: "saveVersion", name: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Feltet skal udfyldes.");
    const before = await state();
    expect((await post("region-hovedstaden", `${path}/history`, { intent: "saveVersion", name: "Viewer" })).status).toBe(403);
    expect((await post("region-hovedstaden", `${path}/history`, { intent: "restoreVersion", versionId: v1.id })).status).toBe(403);
    expect(await state()).toBe(before);
    // The viewer sees the history, without the forms.
    const history = await (await get("region-hovedstaden", `${path}/history`)).text();
    expect(history).toContain("Udkast sendt til Wuxi");
    expect(history).not.toContain('name="intent" value="saveVersion"');
  });

  it("keeps a version automatically after a quiet period, and none when nothing changed since the last one", async () => {
    const ballerup = await open("ballerup-kommune");
    expect(await quietAfter(() => ballerup.type("Kultur og fritid."))).toEqual([true]);
    const auto = (await versions()).filter((v) => v.kind === "auto");
    expect(auto).toHaveLength(2);
    expect(auto[1]).toMatchObject({ name: null, createdBy: "demo-ballerup-kommune" });

    // A paragraph added and removed again before the document goes quiet: the content is the last version's.
    const fragment = ballerup.ydoc.getXmlFragment("default");
    expect(
      await quietAfter(() => {
        ballerup.type("Midlertidig");
        fragment.delete(fragment.length - 1, 1);
      }),
    ).toEqual([false]);
    expect((await versions()).filter((v) => v.kind === "auto")).toHaveLength(2);
  });

  it("compares two versions, or a version and now, with insertions and deletions marked", async () => {
    const all = await versions();
    const named = all.find((v) => v.kind === "named")!;
    const auto = all.filter((v) => v.kind === "auto").at(-1)!;
    const html = await (await get("wuxi-foreign-affairs-office", `${path}/compare?from=${named.id}&to=${auto.id}`)).text();
    expect(html).toMatch(/<ins class="diff-ins"><span class="visually-hidden">插入: <\/span><span>Kultur og fritid\.<\/span><\/ins>/);
    expect(html).toContain("1 处插入，0 处删除");
    const ballerup = await open("ballerup-kommune");
    const fragment = ballerup.ydoc.getXmlFragment("default");
    const index = fragment.toArray().findIndex((node) => node.toString().includes("Parterne samarbejder om uddannelse."));
    expect(index).toBeGreaterThanOrEqual(0);
    await quietAfter(() => fragment.delete(index, 1));
    const now = await (await get("ballerup-kommune", `${path}/compare?from=${auto.id}&to=now`)).text();
    expect(now).toContain('<del class="diff-del"><span class="visually-hidden">slettet: </span><span>Parterne samarbejder om uddannelse.</span></del>');
    expect(now).toContain("0 indsættelser, 1 sletning");
    // By default the latest version against now: here the version kept after that deletion, so no changes.
    expect(await (await get("ballerup-kommune", `${path}/compare`)).text()).toContain("Ingen ændringer mellem de to.");
  });

  it("restores a version as a new change every open editor sees; history is kept", async () => {
    const named = (await versions()).find((v) => v.kind === "named")!;
    const wuxi = await open("wuxi-foreign-affairs-office");
    const updatesBefore = (await app.db.owner`select count(*)::int as n from document_updates where document_id = ${documentId}`)[0].n;
    let restored!: Response;
    // (Its quiet period keeps a version of the restored text too.)
    expect(await quietAfter(async () => (restored = await post("ballerup-kommune", `${path}/history`, { intent: "restoreVersion", versionId: named.id })))).toEqual([true]);
    expect(restored.status).toBe(200);
    await until("Wuxi's open editor has the restored text", () => textOf(wuxi).includes("Parterne samarbejder om uddannelse.") && !textOf(wuxi).includes("Kultur og fritid."));
    const [{ content }] = await app.db.owner`select content from document_versions where id = ${named.id}`;
    expect(yDocToNode(wuxi.ydoc).toJSON()).toEqual(content);
    // A new change on top of the log: nothing was rewritten, and every version is still there.
    const updatesAfter = (await app.db.owner`select count(*)::int as n from document_updates where document_id = ${documentId}`)[0].n;
    expect(updatesAfter).toBeGreaterThan(updatesBefore);
    expect((await versions()).length).toBeGreaterThanOrEqual(2);
    const [audit] = await app.db.owner`select actor_id from audit_events where action = 'document.versionRestored'`;
    expect(audit.actorId).toBe("demo-ballerup-kommune");
  });

  it("refuses to restore into a signed or archived document, with a translated message, changing nothing", async () => {
    const named = (await versions()).find((v) => v.kind === "named")!;
    await app.db.owner`update documents set status = 'signed' where id = ${documentId}`;
    let before = await state();
    const signed = await post("ballerup-kommune", `${path}/history`, { intent: "restoreVersion", versionId: named.id });
    expect(signed.status).toBe(409);
    expect(await signed.text()).toContain("Dokumentet er underskrevet: teksten kan ikke længere ændres, så ingen version kan gendannes.");
    const saveSigned = await post("ballerup-kommune", `${path}/history`, { intent: "saveVersion", name: "Efter underskrift" });
    expect(saveSigned.status).toBe(409);
    expect(await state()).toBe(before);

    await app.db.owner`update documents set status = 'draft', archived_at = now() where id = ${documentId}`;
    before = await state();
    const archived = await post("wuxi-foreign-affairs-office", `${path}/history`, { intent: "restoreVersion", versionId: named.id });
    expect(archived.status).toBe(409);
    expect(await archived.text()).toContain("该文档已归档：请先恢复文档，再恢复版本。");
    expect(await state()).toBe(before);
    await app.db.owner`update documents set archived_at = null where id = ${documentId}`;
  });

  it("version ids of another document or another space are not found, and change nothing", async () => {
    const [other] = await app.db.owner<{ id: string; documentId: string }[]>`
      select v.id, v.document_id from document_versions v join documents d on d.id = v.document_id where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019' limit 1`;
    const [soil] = await app.db.owner<{ id: string }[]>`
      select v.id from document_versions v join documents d on d.id = v.document_id where d.template = 'handlingsplan-jordsporet-2017-2018'`;
    const before = await state();
    for (const foreign of [other.id, soil.id, "not-a-uuid"]) {
      expect((await post("ballerup-kommune", `${path}/history`, { intent: "restoreVersion", versionId: foreign })).status, foreign).toBe(404);
      expect((await get("ballerup-kommune", `${path}/versions/${foreign}`)).status, foreign).toBe(404);
      expect((await get("ballerup-kommune", `${path}/compare?from=${foreign}&to=now`)).status, foreign).toBe(404);
      expect((await get("ballerup-kommune", `${path}/compare?to=${foreign}`)).status, foreign).toBe(404);
    }
    expect(await state()).toBe(before);
    // In its own document the version opens, read-only; to someone outside the space it does not exist.
    const page = await get("ballerup-kommune", `/s/${spaceId}/docs/${other.documentId}/versions/${other.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Du ser en tidligere version. Den kan ikke ændres.");
    expect((await get("kobenhavns-kommune", `/s/${spaceId}/docs/${other.documentId}/versions/${other.id}`)).status).toBe(404);
  });
});
