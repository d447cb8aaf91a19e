import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appendUpdatesUnlessLocked, setDocumentArchived } from "@twinning/db";
import { loadDemoWorld } from "@twinning/demo-world";
import { freshDatabase } from "../helpers/db";

/**
 * The lock appends take on their documents' rows: a key-share lock, so an update of a row's other
 * columns (the derived text written every few seconds, who edited last, a rename) never holds up the
 * appends — one statement carries the appends of many documents, so one held row would hold them
 * all; archiving and signing lock the row for update, so appends wait for them and then refuse.
 */
describe("the appends' lock on the documents' rows", async () => {
  const db = await freshDatabase();
  let doc: { id: string; spaceId: string };
  let actorId: string;
  const row = (documentId: string) => {
    const ydoc = new Y.Doc();
    ydoc.getText("t").insert(0, "x");
    const update = Y.encodeStateAsUpdate(ydoc);
    ydoc.destroy();
    return { documentId, update, userId: actorId };
  };
  /** Whether `promise` settles within `ms` (the append is not waiting on a lock). */
  const settlesWithin = (promise: Promise<unknown>, ms: number) =>
    Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

  beforeAll(async () => {
    await loadDemoWorld(db.sql);
    [doc] = await db.sql<{ id: string; spaceId: string }[]>`select id, space_id from documents where status = 'draft' and archived_at is null limit 1`;
    [{ id: actorId }] = await db.sql<{ id: string }[]>`select id from users limit 1`;
  });

  it("is not held up by an open update of the row's other columns", async () => {
    let appended: (number | string)[] = [];
    await db.sql.begin(async (tx) => {
      await tx`update documents set plain_text = plain_text || ' ' where id = ${doc.id}`;
      // The derive's transaction still open: the append goes through at once.
      const append = appendUpdatesUnlessLocked(db.sql, [row(doc.id)]);
      expect(await settlesWithin(append, 2_000)).toBe(true);
      appended = await append;
    });
    expect(typeof appended[0]).toBe("number");
  });

  it("waits for an archiving in flight and then refuses", async () => {
    let append: Promise<(number | string)[]> | undefined;
    await db.sql.begin(async (tx) => {
      await setDocumentArchived(tx, { doc, archived: true, actorId });
      const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      append = appendUpdatesUnlessLocked(db.sql, [row(doc.id)]);
      // The append waits for the archiving's lock.
      await expect
        .poll(async () => (await db.sql`select 1 from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid)) and query like '%document_updates%'`).length, { timeout: 5_000, interval: 10 })
        .toBe(1);
    });
    expect(await append).toEqual(["archived"]);
  });
});
