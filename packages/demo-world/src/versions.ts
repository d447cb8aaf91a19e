import * as Y from "yjs";
import type { Sql, TransactionSql } from "@twinning/db";
import { jsonToYUpdate, type DocJSON } from "@twinning/editor";
import { versionContent } from "@twinning/editor/versions";

/**
 * The demo documents' history: the renewal agreement has two named versions — a first draft, and the
 * draft sent to Wuxi (today's text) — and the soil-track action plan one. The first draft differs from
 * today's text (no culture section yet, one sentence worded otherwise), so comparing the two shows
 * something. Added once per document: a document that has versions is left alone.
 */
const DEMO_VERSIONS: { template: string; author: string; versions: { name: string; at: string; draft?: (json: DocJSON) => DocJSON }[] }[] = [
  {
    template: "samarbejdsaftale-bycirklen-wuxi-2016-2019",
    author: "demo-bycirklen",
    versions: [
      { name: "Første udkast", at: "2015-11-20T10:00:00Z", draft: firstDraft },
      { name: "Udkast sendt til Wuxi", at: "2015-12-10T14:30:00Z" },
    ],
  },
  {
    template: "handlingsplan-jordsporet-2017-2018",
    author: "demo-region-hovedstaden",
    versions: [{ name: "Handlingsplan drøftet med JEPD", at: "2017-01-16T09:00:00Z" }],
  },
];

/** The renewal agreement as it was before the culture section was written and one sentence reworded. */
function firstDraft(json: DocJSON): DocJSON {
  const content = [...(json.content ?? [])] as { type: string; content?: { text?: string }[] }[];
  const culture = content.findIndex((n) => n.type === "heading" && n.content?.[0]?.text === "Kultur og fritid");
  if (culture >= 0) content.splice(culture, content[culture + 1]?.type === "bulletList" ? 2 : 1);
  const text = JSON.stringify({ ...json, content }).replace(
    "Kina-samarbejdet er fast punkt på dagsordenen på Bycirklens møder.",
    "Kina-samarbejdet drøftes på Bycirklens møder efter behov.",
  );
  return JSON.parse(text);
}

export async function loadDemoVersions(tx: Sql | TransactionSql): Promise<void> {
  for (const demo of DEMO_VERSIONS) {
    const [doc] = await tx<{ id: string; spaceId: string; state: Uint8Array }[]>`
      select d.id, d.space_id, s.state from documents d join document_snapshots s on s.document_id = d.id
      where d.template = ${demo.template} and not exists (select 1 from document_versions v where v.document_id = d.id)`;
    if (!doc) continue;
    const [author] = await tx<{ id: string }[]>`select id from users where id = ${demo.author}`;
    const now = new Y.Doc();
    Y.applyUpdate(now, doc.state);
    const current = versionContent(now);
    now.destroy();
    for (const version of demo.versions) {
      let content = current;
      if (version.draft) {
        const earlier = new Y.Doc();
        Y.applyUpdate(earlier, jsonToYUpdate(version.draft(current.content)));
        content = versionContent(earlier);
        earlier.destroy();
      }
      await tx`
        insert into document_versions (document_id, space_id, name, kind, state, content, content_hash, created_by, created_at)
        values (${doc.id}, ${doc.spaceId}, ${version.name}, 'named', ${Buffer.from(content.state)}, ${tx.json(content.content as never)},
                ${content.contentHash}, ${author?.id ?? null}, ${version.at})`;
    }
  }
}
