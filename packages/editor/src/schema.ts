import { getSchema } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { prosemirrorJSONToYDoc } from "@tiptap/y-tiptap";
import { LIMITS } from "@twinning/domain";
import * as Y from "yjs";
import { schemaExtensions } from "./extensions";

/** The ProseMirror schema of every Twinning document. */
export const editorSchema = getSchema(schemaExtensions());

/** The Y.XmlFragment the Tiptap Collaboration extension binds to. */
export const FRAGMENT = "default";

export type DocJSON = { type: "doc"; content?: unknown[] };

/** The Yjs state (as one update) of a document with this content. */
export function jsonToYUpdate(json: DocJSON): Uint8Array {
  const ydoc = prosemirrorJSONToYDoc(editorSchema, json, FRAGMENT);
  const update = Y.encodeStateAsUpdate(ydoc);
  ydoc.destroy();
  return update;
}

/** What {@link yDocToJSON} made of a document, and whether it had to leave parts out. */
export interface ConvertedDocument {
  json: DocJSON;
  /** Set when nodes deeper than `LIMITS.documentMaxDepth` or beyond `LIMITS.documentMaxNodes` were left out. */
  truncated: boolean;
}

type JSONNode = { type: string; attrs?: Record<string, unknown>; content?: JSONNode[]; text?: string; marks?: { type: string; attrs?: unknown }[] };

// y-tiptap stores a mark that may overlap itself under its name plus "--" and an 8-character hash.
const HASHED_MARK = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

/**
 * The Y.XmlFragment as ProseMirror JSON, the way y-tiptap's serializer reads it, but with an explicit
 * stack instead of recursion and within the content limits: nodes below `LIMITS.documentMaxDepth`
 * and beyond `LIMITS.documentMaxNodes` are left out. Whatever a document holds, this cannot
 * overflow the stack, and what it returns is shallow enough for ProseMirror's recursive code.
 */
export function yDocToJSON(ydoc: Y.Doc): ConvertedDocument {
  const root: JSONNode[] = [];
  let nodes = 0;
  let truncated = false;
  const stack: { type: Y.XmlFragment | Y.XmlElement; into: JSONNode[]; depth: number }[] = [{ type: ydoc.getXmlFragment(FRAGMENT), into: root, depth: 1 }];
  while (stack.length > 0) {
    const { type, into, depth } = stack.pop()!;
    for (const child of type.toArray()) {
      if (nodes >= LIMITS.documentMaxNodes || depth > LIMITS.documentMaxDepth) {
        truncated = true;
        break;
      }
      if (child instanceof Y.XmlText) {
        for (const d of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
          if (typeof d.insert !== "string") continue;
          const text: JSONNode = { type: "text", text: d.insert };
          if (d.attributes) text.marks = Object.entries(d.attributes).map(([name, attrs]) => ({ type: HASHED_MARK.exec(name)?.[1] ?? name, attrs }));
          into.push(text);
        }
      } else if (child instanceof Y.XmlElement) {
        nodes++;
        const node: JSONNode = { type: child.nodeName };
        const attrs = child.getAttributes();
        if (Object.keys(attrs).length) node.attrs = attrs;
        into.push(node);
        if (child.length > 0) stack.push({ type: child, into: (node.content = []), depth: depth + 1 });
      }
    }
  }
  return { json: { type: "doc", content: root }, truncated };
}

/** The document in a Y.Doc as a ProseMirror node of the shared schema (invalid parts are dropped; see {@link yDocToJSON}). */
export function yDocToNode(ydoc: Y.Doc): Node {
  return convertYDoc(ydoc).node;
}

/** {@link yDocToNode}, saying whether parts had to be left out. */
export function convertYDoc(ydoc: Y.Doc): { node: Node; truncated: boolean } {
  const { json, truncated } = yDocToJSON(ydoc);
  try {
    return { node: Node.fromJSON(editorSchema, json), truncated };
  } catch {
    return { node: editorSchema.topNodeType.createAndFill()!, truncated: true };
  }
}
