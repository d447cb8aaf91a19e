import { getSchema } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { prosemirrorJSONToYDoc, yXmlFragmentToProsemirrorJSON } from "@tiptap/y-tiptap";
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

/** The document in a Y.Doc as a ProseMirror node of the shared schema (invalid parts are dropped). */
export function yDocToNode(ydoc: Y.Doc): Node {
  const json = yXmlFragmentToProsemirrorJSON(ydoc.getXmlFragment(FRAGMENT));
  try {
    return Node.fromJSON(editorSchema, json);
  } catch {
    return editorSchema.topNodeType.createAndFill()!;
  }
}
