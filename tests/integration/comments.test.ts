import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoEmail, loadDemoWorld } from "@twinning/demo-world";
import { anchorOf, anchorText, commentAnchors, yDocToNode } from "@twinning/editor";
import * as Y from "yjs";
import type { RunningApp } from "../../server/app";
import { logInCookie, startAppOn } from "../helpers/app";
import { freshDatabase } from "../helpers/db";
import { openSocket, openStream, type LiveSocket } from "../helpers/live";

/**
 * Comments anchored to text, through the app: the server marks the quoted text in the live document
 * (for a commenter, whose own updates are dropped), threads are answered, resolved and reopened,
 * mentions and replies reach the inbox, deleted text leaves the thread listed as "text removed", and
 * every refusal says why and changes nothing.
 */
describe("document comments", () => {
  let app: RunningApp;
  const cookie: Record<string, string> = {};
  let spaceId: string;
  let documentId: string;
  let path: string;
  const sockets: LiveSocket[] = [];
  const TEXT = "Parterne mødes hvert år i Wuxi eller i Ballerup, og parterne mødes også online.";

  const post = (who: string, to: string, body: Record<string, string>) =>
    fetch(`${app.url}${to}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: app.url,
        Cookie: cookie[who],
      },
      body: new URLSearchParams(body),
    });
  const get = (who: string, to: string) => fetch(`${app.url}${to}`, { headers: { Cookie: cookie[who] } });
  const until = async (what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const open = async (who: string) => {
    const socket = openSocket(app.url, documentId, cookie[who]);
    sockets.push(socket);
    await socket.synced;
    return socket;
  };
  /** The anchor of the n-th occurrence of `quote` in what a socket holds, as the browser sends it. */
  const anchorIn = (socket: LiveSocket, quote: string, nth = 0) => {
    const doc = yDocToNode(socket.ydoc);
    const { text, positions } = anchorText(doc);
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(quote, at + 1);
    const from = positions[at];
    return {
      ...anchorOf(doc, from, positions[at + quote.length - 1] + 1),
      near: String(from),
    };
  };
  const threads = () => app.db.owner<{ id: string; quote: string; detached: boolean; resolvedAt: Date | null }[]>`
    select id, quote, detached, resolved_at from comment_threads where document_id = ${documentId} order by created_at, id`;
  const everything = async () =>
    JSON.stringify(
      await app.db.owner`
        select (select count(*) from comment_threads) as threads, (select count(*) from document_comments) as comments,
               (select count(*) from notifications) as notifications,
               (select count(*) from document_updates where document_id = ${documentId}) as updates`
    );

  beforeAll(async () => {
    const { url } = await freshDatabase();
    app = await startAppOn(url, { COLLAB_DERIVE_DEBOUNCE_MS: "50" });
    await loadDemoWorld(app.db.owner);
    for (const slug of ["bycirklen", "ballerup-kommune", "egedal-kommune", "region-hovedstaden", "wuxi-foreign-affairs-office", "kobenhavns-kommune"]) {
      cookie[slug] = await logInCookie(app.url, demoEmail(slug), DEMO_PASSWORD);
    }
    [{ id: spaceId }] = await app.db.owner`select id from spaces where title = 'Bycirklen–Wuxi samarbejdsaftale 2016–2019'`;
    // Region Hovedstaden takes part as a commenter here: it may comment, not edit.
    await app.db
      .owner`update space_partners set role = 'commenter' where space_id = ${spaceId} and tenant_id = (select id from tenants where slug = 'region-hovedstaden')`;
    const created = await post("ballerup-kommune", `/s/${spaceId}/docs/new`, {
      template: "blank",
      title: "Mødeplan",
      type: "note",
      language: "da",
    });
    path = created.headers.get("location")!;
    documentId = path.split("/").pop()!;
    const ballerup = await open("ballerup-kommune");
    ballerup.type(TEXT);
    await until("the text stored", async () =>
      (await app.db.owner`select plain_text from documents where id = ${documentId}`)[0].plainText?.includes("online")
    );
    return () => sockets.forEach((s) => s.destroy());
  });

  it("a commenter's comment is anchored by the server in every open editor, at the occurrence they selected", async () => {
    const ballerup = await open("ballerup-kommune");
    const region = await open("region-hovedstaden");
    const stream = await openStream(app.url, spaceId, cookie["ballerup-kommune"]);
    // The second "parterne mødes": the prefix and suffix tell it from the first.
    const anchor = anchorIn(region, "parterne mødes");
    expect(anchor).toMatchObject({
      quote: "parterne mødes",
      suffix: " også online.",
    });
    const res = await post("region-hovedstaden", `${path}/comments`, {
      intent: "startThread",
      ...anchor,
      body: "Kan @egedal kommune bekræfte datoen?",
    });
    expect(res.status).toBe(200);
    const [thread] = await threads();
    expect(thread).toMatchObject({
      quote: "parterne mødes",
      detached: false,
      resolvedAt: null,
    });
    for (const socket of [ballerup, region]) {
      await until("the mark in the editor", () => commentAnchors(yDocToNode(socket.ydoc)).get(thread.id) === "parterne mødes");
    }
    // The mark sits on the second occurrence ("..., og parterne mødes også online").
    const doc = yDocToNode(ballerup.ydoc);
    let marked = "";
    doc.descendants((node) => {
      if (node.isText && node.marks.some((m) => m.attrs.threadId === thread.id)) marked += `[${node.text}]`;
      else if (node.isText) marked += node.text;
    });
    expect(marked).toBe("Parterne mødes hvert år i Wuxi eller i Ballerup, og [parterne mødes] også online.");
    await until("a comments event", () => stream.events.some((e) => e.event === "comments" && (e.data as { documentId: string }).documentId === documentId));
    await stream.stop();
  });

  it("answers, mentions and replies reach the inbox; resolve and reopen; the threads are listed for readers", async () => {
    const [thread] = await threads();
    // "@egedal kommune" (any case) mentions Egedal's demo user, who takes part in the space.
    const mentions = await app.db.owner`select n.kind, n.details from notifications n join users u on u.id = n.user_id where u.email = ${demoEmail(
      "egedal-kommune"
    )}`;
    expect(mentions).toEqual([
      {
        kind: "mention",
        details: expect.objectContaining({
          quote: "parterne mødes",
          title: "Mødeplan",
          threadId: thread.id,
        }),
      },
    ]);
    expect(
      (
        await post("ballerup-kommune", `${path}/comments`, {
          intent: "reply",
          threadId: thread.id,
          body: "Ja, 12. maj.",
        })
      ).status
    ).toBe(200);
    // The thread's author hears of the reply.
    const [regionUser] = await app.db.owner`select id from users where email = ${demoEmail("region-hovedstaden")}`;
    const replies = await app.db.owner`select kind, details from notifications where user_id = ${regionUser.id} and kind = 'reply'`;
    expect(replies).toHaveLength(1);
    expect(replies[0].details).toMatchObject({ comment: "Ja, 12. maj." });

    expect(
      (
        await post("egedal-kommune", `${path}/comments`, {
          intent: "resolve",
          threadId: thread.id,
        })
      ).status
    ).toBe(200);
    expect((await threads())[0].resolvedAt).not.toBeNull();
    // Without JavaScript: the threads, and for those who may comment the forms to answer and reopen.
    const page = await (await get("egedal-kommune", `${path}/comments`)).text();
    expect(page).toContain("parterne mødes");
    expect(page).toContain("Ja, 12. maj.");
    expect(page).toContain('value="reopen"');
    expect(
      (
        await post("region-hovedstaden", `${path}/comments`, {
          intent: "reopen",
          threadId: thread.id,
        })
      ).status
    ).toBe(200);
    expect((await threads())[0].resolvedAt).toBeNull();
  });

  it("refuses an empty comment, a text that is not there, a viewer, a foreign thread, each with a message, changing nothing", async () => {
    const ballerup = await open("ballerup-kommune");
    const [thread] = await threads();
    const before = await everything();
    const empty = await post("ballerup-kommune", `${path}/comments`, {
      intent: "reply",
      threadId: thread.id,
      body: "   ",
    });
    expect(empty.status).toBe(400);
    const gone = await post("ballerup-kommune", `${path}/comments`, {
      intent: "startThread",
      quote: "står ikke i teksten",
      prefix: "",
      suffix: "",
      body: "Hvad med denne?",
    });
    expect(gone.status).toBe(409);
    const goneText = await gone.text();
    expect(goneText).toContain("Den markerede tekst blev ændret, mens du skrev.");
    // What was typed comes back with the refusal.
    expect(goneText).toContain("Hvad med denne?");
    // Copenhagen is not part of the space: the document is not found.
    expect(
      (
        await post("kobenhavns-kommune", `${path}/comments`, {
          intent: "startThread",
          ...anchorIn(ballerup, "Wuxi"),
          body: "Hej",
        })
      ).status
    ).toBe(404);
    // A thread id of another document is not found.
    const [other] = await app.db.owner`select id from documents where space_id = ${spaceId} and id <> ${documentId} limit 1`;
    const [foreignThread] = await app.db.owner`insert into comment_threads (document_id, space_id, quote) values (${other.id}, ${spaceId}, 'x') returning id`;
    expect(
      (
        await post("ballerup-kommune", `${path}/comments`, {
          intent: "resolve",
          threadId: foreignThread.id,
        })
      ).status
    ).toBe(404);
    await app.db.owner`delete from comment_threads where id = ${foreignThread.id}`;
    expect(
      (
        await post("ballerup-kommune", `${path}/comments`, {
          intent: "resolve",
          threadId: "not-a-uuid",
        })
      ).status
    ).toBe(404);
    // A viewer partner may read but not comment.
    await app.db
      .owner`update space_partners set role = 'viewer' where space_id = ${spaceId} and tenant_id = (select id from tenants where slug = 'region-hovedstaden')`;
    const viewer = await post("region-hovedstaden", `${path}/comments`, {
      intent: "reply",
      threadId: thread.id,
      body: "Må jeg?",
    });
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).toContain("Du kan læse kommentarerne, men ikke skrive.");
    await app.db
      .owner`update space_partners set role = 'commenter' where space_id = ${spaceId} and tenant_id = (select id from tenants where slug = 'region-hovedstaden')`;
    expect(await everything()).toBe(before);
  });

  it("a thread whose text is deleted stays listed as text removed; undoing the deletion anchors it again", async () => {
    const ballerup = await open("ballerup-kommune");
    const anchor = anchorIn(ballerup, "i Wuxi");
    expect(
      (
        await post("ballerup-kommune", `${path}/comments`, {
          intent: "startThread",
          ...anchor,
          body: "Hvor i Wuxi?",
        })
      ).status
    ).toBe(200);
    const thread = (await threads()).find((t) => t.quote === "i Wuxi")!;
    await until("the mark", () => commentAnchors(yDocToNode(ballerup.ydoc)).has(thread.id));
    const plain = (t: Y.XmlText) => (t.toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === "string" ? d.insert : "")).join("");
    const text = ballerup.ydoc
      .getXmlFragment("default")
      .toArray()
      .map((el) => (el as Y.XmlElement).get(0))
      .find((t): t is Y.XmlText => t instanceof Y.XmlText && plain(t).includes("i Wuxi"))!;
    const at = plain(text).indexOf("i Wuxi");
    const undo = new Y.UndoManager(text);
    text.delete(at, "i Wuxi ".length);
    await until("text removed", async () => (await threads()).find((t) => t.id === thread.id)!.detached);
    expect(await (await get("ballerup-kommune", `${path}/comments`)).text()).toContain("Teksten er fjernet");
    undo.undo();
    await until("anchored again", async () => !(await threads()).find((t) => t.id === thread.id)!.detached);
  });
});
