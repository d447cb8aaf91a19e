import { Node } from "@tiptap/pm/model";
import * as Y from "yjs";
import { saveDocumentBlocks, type Sql, type TransactionSql } from "@twinning/db";
import { deriveFromNode, editorSchema, jsonToYUpdate, yDocToNode, type DocJSON } from "@twinning/editor";

/**
 * The renewal agreement's Chinese translation (issue 15): its background, parties and areas of
 * cooperation translated, the rest still the Danish copy it started as. The areas were edited in Danish
 * after they were translated (elderly care was added), so that block is "changed — review". Added once:
 * an agreement that has a translation is left alone.
 */
const SOURCE = "samarbejdsaftale-bycirklen-wuxi-2016-2019";
const TITLE = "碧城圈—无锡合作协议 2016–2019（续签）";

/** Chinese for the first blocks, by block id (b1 …), as the document's content has them. */
const CHINESE: Record<string, string | string[]> = {
  b1: "背景",
  b2: [
    "Bycirklen与无锡的首份合作协议于2007年5月签署。",
    "2013年6月7日至12日市长们访问无锡期间，协议续签了新的三年期。",
    "2016年须就新的三年期合作协议作出决定。",
    "三个市议会的评估和讨论是该决定的基础。",
    "评估建议：Bycirklen继续与无锡合作。",
  ],
  b3: "双方与组织",
  b4: [
    "Bycirklen（巴勒鲁普、埃格达尔和腓特烈松三市）与无锡市人民政府。",
    "由Bycirklen的一位市政总监（自2015年起为埃格达尔）与中国项目组共同负责行政领导。",
    "中国合作是Bycirklen会议的固定议题。",
    "政治层面的互访每年约两次。",
  ],
  b5: "经济合作重点领域",
  b6: ["可持续城市发展", "废弃物", "污水与水", "重点领域既符合丹麦《中国增长市场战略》，也符合中国第十三个五年规划（2016–2020年）。"],
};

/** The Danish areas as they were translated: before elderly care was added. */
const AREAS_THEN = [
  "Bæredygtig byudvikling",
  "Affald",
  "Spildevand og vand",
  'Fokusområderne matcher både det danske fokus i "Vækstmarkedsstrategi Kina" og Kinas 13. femårsplan (2016–2020).',
].join("\n");

type JSONNode = { type: string; attrs?: Record<string, unknown>; content?: JSONNode[] };
const textNode = (value: string) => (value ? [{ type: "text", text: value }] : []);

function translate(node: JSONNode): JSONNode {
  const chinese = CHINESE[String(node.attrs?.blockId)];
  if (chinese === undefined) return node;
  if (typeof chinese === "string") return { ...node, content: textNode(chinese) };
  return { ...node, content: chinese.map((item) => ({ type: "listItem", content: [{ type: "paragraph", content: textNode(item) }] })) };
}

export async function loadDemoTranslations(tx: Sql | TransactionSql): Promise<void> {
  const [source] = await tx<{ id: string; spaceId: string; type: string; state: Uint8Array }[]>`
    select d.id, d.space_id, d.type, s.state from documents d join document_snapshots s on s.document_id = d.id
    where d.template = ${SOURCE} and not exists (select 1 from document_translations t where t.source_id = d.id)`;
  if (!source) return;
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, source.state);
  const content = yDocToNode(ydoc).toJSON() as DocJSON;
  ydoc.destroy();
  const translated = { ...content, content: (content.content as JSONNode[]).map(translate) } as DocJSON;
  const host = "demo-bycirklen";
  const [doc] = await tx<{ id: string }[]>`
    insert into documents (space_id, type, title, language, template, derived_title, created_by)
    values (${source.spaceId}, ${source.type}, ${TITLE}, 'zh-CN', ${`${SOURCE}-zh`}, ${TITLE}, ${host}) returning id`;
  await tx`insert into document_snapshots (space_id, document_id, state, last_seq) values (${source.spaceId}, ${doc.id}, ${Buffer.from(jsonToYUpdate(translated))}, 0)`;
  await tx`insert into document_translations (document_id, source_id, space_id, created_by) values (${doc.id}, ${source.id}, ${source.spaceId}, ${host})`;
  await saveDocumentBlocks(tx, { documentId: doc.id, blocks: deriveFromNode(Node.fromJSON(editorSchema, translated)).topBlocks });
  // Caught up with every source block, but the areas with their Danish text from before the edit.
  await tx`
    insert into translation_reviews (document_id, space_id, block_id, source_hash, source_text, reviewed_by, reviewed_at)
    select ${doc.id}, ${source.spaceId}, s.block_id,
           case when s.block_id = 'b6' then 'before-elderly-care' else s.hash end,
           case when s.block_id = 'b6' then ${AREAS_THEN} else s.text end,
           ${host}, '2016-03-01T10:00:00Z'
    from document_blocks s where s.document_id = ${source.id}`;
}
