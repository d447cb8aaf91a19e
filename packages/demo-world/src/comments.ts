import * as Y from "yjs";
import type { Sql, TransactionSql } from "@twinning/db";
import { findAnchor, withCommentMark, yDocToNode } from "@twinning/editor";
import { replaceContent } from "@twinning/editor/versions";

/**
 * The renewal agreement's comment threads, in Danish and Chinese: marks in its text (written into its
 * stored state, before any editor has opened it) and the threads with their replies. One is resolved.
 * Added once: a document that has threads is left alone.
 */
const DEMO_THREADS: { quote: string; comments: { author: string; body: string; at: string }[]; resolvedBy?: string }[] = [
  {
    quote: "I 2016 skal der træffes beslutning om en ny 3-årig samarbejdsaftale.",
    comments: [
      { author: "demo-egedal-kommune", body: "Skal vi nævne datoerne for byrådenes behandling her? @Bycirklen kender dem.", at: "2015-12-11T09:12:00Z" },
      { author: "demo-wuxi-foreign-affairs-office", body: "我们建议写明双方签署协议的时间和地点。", at: "2015-12-12T02:40:00Z" },
    ],
  },
  {
    quote: "Udnytte kontakten til en lokal kunstner i Wuxi fra besøget i november 2015.",
    comments: [
      { author: "demo-wuxi-foreign-affairs-office", body: "文化交流部分请补充学校之间的合作内容。", at: "2015-12-12T03:05:00Z" },
      { author: "demo-ballerup-kommune", body: "Godt forslag – vi tilføjer skolesamarbejdet under Skoler og henviser til det her.", at: "2015-12-14T08:30:00Z" },
    ],
  },
  {
    quote: "Gensidige besøg på politisk niveau ca. to gange årligt.",
    comments: [
      { author: "demo-frederikssund-kommune", body: "Er to besøg om året realistisk med det budget, vi har?", at: "2015-12-11T13:20:00Z" },
      { author: "demo-bycirklen", body: "Ja, det er med i budgettet for 2016 (se Ressourcer).", at: "2015-12-11T15:02:00Z" },
    ],
    resolvedBy: "demo-bycirklen",
  },
];

export async function loadDemoComments(tx: Sql | TransactionSql): Promise<void> {
  const [doc] = await tx<{ id: string; spaceId: string; state: Uint8Array }[]>`
    select d.id, d.space_id, s.state from documents d join document_snapshots s on s.document_id = d.id
    where d.template = 'samarbejdsaftale-bycirklen-wuxi-2016-2019' and not exists (select 1 from comment_threads t where t.document_id = d.id)`;
  if (!doc) return;
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, doc.state);
  for (const demo of DEMO_THREADS) {
    const node = yDocToNode(ydoc);
    const range = findAnchor(node, { quote: demo.quote, prefix: "", suffix: "" });
    if (!range) throw new Error(`demo comment: "${demo.quote}" is not in the renewal agreement`);
    const [first] = demo.comments;
    const [thread] = await tx<{ id: string }[]>`
      insert into comment_threads (document_id, space_id, quote, created_by, created_at, resolved_by, resolved_at)
      values (${doc.id}, ${doc.spaceId}, ${demo.quote}, ${first.author}, ${first.at}, ${demo.resolvedBy ?? null}, ${demo.resolvedBy ? demo.comments.at(-1)!.at : null})
      returning id`;
    for (const c of demo.comments) {
      await tx`insert into document_comments (thread_id, space_id, author_id, body, created_at) values (${thread.id}, ${doc.spaceId}, ${c.author}, ${c.body}, ${c.at})`;
    }
    ydoc.transact(() => replaceContent(ydoc, withCommentMark(node, range, thread.id)));
  }
  await tx`update document_snapshots set state = ${Buffer.from(Y.encodeStateAsUpdate(ydoc))} where document_id = ${doc.id}`;
  ydoc.destroy();
}
