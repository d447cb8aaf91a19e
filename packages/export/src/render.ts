import { Node } from "@tiptap/pm/model";
import { isUuid } from "@twinning/domain";
import { convertYDoc, editorSchema, type DocJSON } from "@twinning/editor";
import * as Y from "yjs";
import { toDocx } from "./docx";
import { toHtml } from "./html";
import { toMarkdown } from "./markdown";
import { cardIdsOf, cleanDocument, type CardInfo, type ExportFormat, type ExportMeta, type PMNode } from "./model";
import { toOdt } from "./odt";
import { toPdf } from "./pdf";

/**
 * Where the content comes from: the document's stored updates (its current text), a version's Yjs
 * state, or JSON. Updates and states may come in slices (as the database reads large ones).
 */
export type ContentSource = { kind: "updates"; updates: (Uint8Array | Uint8Array[])[] } | { kind: "state"; state: Uint8Array | Uint8Array[] } | { kind: "json"; json: DocJSON };

/** Slices joined into one array. */
function joined(value: Uint8Array | Uint8Array[]): Uint8Array {
  if (!Array.isArray(value)) return value;
  if (value.length === 1) return value[0];
  const out = new Uint8Array(value.reduce((n, s) => n + s.byteLength, 0));
  let at = 0;
  for (const slice of value) {
    out.set(slice, at);
    at += slice.byteLength;
  }
  return out;
}

export interface ExportJob {
  format: ExportFormat;
  source: ContentSource;
  meta: ExportMeta;
  /** A bilingual export (DOCX or PDF; `meta.bilingual` names the columns): the translation's content, beside the source's. */
  translation?: ContentSource;
}

/** Looks up the cards a document's card links name (only those of the document's own space). */
export type CardLookup = (ids: string[]) => Promise<Record<string, CardInfo>>;

export interface Rendered {
  bytes: Uint8Array;
  /** Set when content beyond the nesting or node limits was left out. */
  truncated: boolean;
}

/** The content as ProseMirror JSON of the shared schema, read within the content limits (as the page does). */
export function contentOf(source: ContentSource): { content: PMNode; truncated: boolean } {
  if (source.kind === "json") {
    try {
      return { content: Node.fromJSON(editorSchema, source.json).toJSON() as PMNode, truncated: false };
    } catch {
      return { content: editorSchema.topNodeType.createAndFill()!.toJSON() as PMNode, truncated: true };
    }
  }
  const ydoc = new Y.Doc();
  try {
    if (source.kind === "state") Y.applyUpdate(ydoc, joined(source.state));
    else if (source.updates.length) Y.applyUpdate(ydoc, Y.mergeUpdates(source.updates.map(joined)));
    const { node, truncated } = convertYDoc(ydoc);
    return { content: node.toJSON() as PMNode, truncated };
  } finally {
    ydoc.destroy();
  }
}

/** Renders one export: reads the content, looks up its cards, writes the format. */
export async function renderExport(job: ExportJob, lookupCards: CardLookup): Promise<Rendered> {
  const { content, truncated: cut } = contentOf(job.source);
  const other = job.translation ? contentOf(job.translation) : undefined;
  const truncated = cut || Boolean(other?.truncated);
  const ids = [...new Set([...cardIdsOf(content), ...(other ? cardIdsOf(other.content) : [])])].filter((id) => isUuid(id));
  const cards = ids.length ? await lookupCards(ids) : {};
  const doc = cleanDocument({ meta: job.meta, content, cards, ...(other ? { translation: other.content } : {}) });
  if (doc.translation && job.format !== "docx" && job.format !== "pdf") throw new Error(`export: no bilingual ${job.format}`);
  const text = (s: string) => new TextEncoder().encode(s);
  switch (job.format) {
    case "md":
      return { bytes: text(toMarkdown(doc)), truncated };
    case "html":
      return { bytes: text(toHtml(doc)), truncated };
    case "odt":
      return { bytes: toOdt(doc), truncated };
    case "docx":
      return { bytes: await toDocx(doc), truncated };
    case "pdf":
      return { bytes: await toPdf(doc), truncated };
  }
}
