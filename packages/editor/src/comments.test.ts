import { Slice } from "@tiptap/pm/model";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { anchorOf, commentAnchors, findAnchor, keepComments, withCommentMark, withoutComments } from "./comments";
import { deriveFromNode } from "./derive";
import { editorSchema, jsonToYUpdate, yDocToNode, type DocJSON } from "./schema";
import { contentHash, replaceContent } from "./versions";

const p = (...texts: string[]): DocJSON => ({
  type: "doc",
  content: texts.map((text) => ({
    type: "paragraph",
    content: text ? [{ type: "text", text }] : [],
  })),
});
const node = (json: DocJSON) => editorSchema.nodeFromJSON(json);
const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
/** Positions of `text` in a one-paragraph-per-string document built by `p`. */
const rangeOf = (doc: ReturnType<typeof node>, text: string) => {
  let found: { from: number; to: number } | null = null;
  doc.descendants((n, pos) => {
    const at = n.isText ? n.text!.indexOf(text) : -1;
    if (!found && at >= 0) found = { from: pos + at, to: pos + at + text.length };
    return !found;
  });
  return found!;
};
const ydocOf = (doc: ReturnType<typeof node>) => {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, jsonToYUpdate(doc.toJSON() as DocJSON));
  return ydoc;
};

describe("comment anchors", () => {
  const doc = node(p("Parterne mødes hvert år.", "Parterne mødes i Wuxi og i Ballerup.", "无锡市人民政府与土壤修复"));

  it("finds the quoted text again, telling repeated quotes apart by the text around them", () => {
    const second = rangeOf(doc, "mødes i Wuxi");
    const anchor = anchorOf(doc, second.from - 9, second.from + 5);
    expect(anchor).toEqual({
      quote: "Parterne mødes",
      prefix: "Parterne mødes hvert år.\n",
      suffix: " i Wuxi og i Ballerup.\n无锡市人民政府与土",
    });
    expect(findAnchor(doc, anchor)).toEqual({
      from: second.from - 9,
      to: second.from + 5,
    });
    // Chinese text, across the end of a block.
    const chinese = rangeOf(doc, "土壤修复");
    expect(findAnchor(doc, anchorOf(doc, chinese.from, chinese.to))).toEqual(chinese);
    expect(findAnchor(doc, { quote: "ikke i teksten", prefix: "", suffix: "" })).toBeNull();
    expect(findAnchor(doc, { quote: "", prefix: "", suffix: "" })).toBeNull();
  });

  it("keeps overlapping threads apart through Yjs, lists them, and leaves them out of the content hash", () => {
    const a = rangeOf(doc, "mødes i Wuxi");
    const b = rangeOf(doc, "Wuxi og i Ballerup");
    const marked = withCommentMark(withCommentMark(doc, a, T1), b, T2);
    const back = yDocToNode(ydocOf(marked));
    expect(Object.fromEntries(commentAnchors(back))).toEqual({
      [T1]: "mødes i Wuxi",
      [T2]: "Wuxi og i Ballerup",
    });
    expect(deriveFromNode(back).commentThreadIds.sort()).toEqual([T1, T2]);
    expect(contentHash(back.toJSON() as DocJSON)).toBe(contentHash(doc.toJSON() as DocJSON));
    expect(contentHash(back.toJSON() as DocJSON)).not.toBe(contentHash(p("Parterne mødes hvert år.")));
  });

  it("survives concurrent inserts before and inside the anchored text, and is gone when its text is deleted", () => {
    const range = rangeOf(doc, "i Wuxi");
    const server = ydocOf(withCommentMark(doc, range, T1));
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    Y.applyUpdate(alice, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(server));
    // Alice types before the anchor, Bob inside it, at the same time.
    const text = (ydoc: Y.Doc) => (ydoc.getXmlFragment("default").get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text(alice).insert(0, "Hvert år ");
    text(bob).insert("Parterne mødes i Wu".length, "-by ");
    Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    expect(Object.fromEntries(commentAnchors(yDocToNode(alice)))).toEqual({
      [T1]: "i Wu-by xi",
    });
    expect(yDocToNode(alice).toJSON()).toEqual(yDocToNode(bob).toJSON());
    // Deleting the anchored text removes the thread's mark: the document no longer lists it.
    const live = yDocToNode(alice);
    const at = rangeOf(live, "i Wu-by xi");
    alice.transact(() => replaceContent(alice, live.replace(at.from, at.to, Slice.empty)));
    expect(deriveFromNode(yDocToNode(alice)).commentThreadIds).toEqual([]);
  });

  it("keeps the live threads when a version is restored, where the version holds their text", () => {
    const old = node(p("Parterne mødes hvert år.", "无锡市人民政府与土壤修复"));
    const live = withCommentMark(withCommentMark(doc, rangeOf(doc, "hvert år"), T1), rangeOf(doc, "i Ballerup"), T2);
    const restored = keepComments(live, old);
    expect(Object.fromEntries(commentAnchors(restored))).toEqual({ [T1]: "hvert år" });
    expect(restored.textContent).toBe(old.textContent);
  });

  it("takes comment marks out of pasted content", () => {
    const marked = withCommentMark(doc, rangeOf(doc, "hvert år"), T1);
    const slice = marked.slice(1, marked.child(0).nodeSize - 1);
    expect(commentAnchors(slice.content.child(0).type.schema.topNodeType.create(null, slice.content)).size).toBe(1);
    const pasted = withoutComments(slice);
    expect(commentAnchors(editorSchema.topNodeType.create(null, pasted.content)).size).toBe(0);
    expect(pasted.content.textBetween(0, pasted.content.size)).toBe("Parterne mødes hvert år.");
  });
});
