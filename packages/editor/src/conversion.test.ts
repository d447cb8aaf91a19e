import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { LIMITS } from "@twinning/domain";
import { deriveFromYDoc, storableText } from "./derive";
import { convertYDoc, FRAGMENT, jsonToYUpdate, yDocToJSON } from "./schema";

/** 8,000 nested blockquotes with a paragraph at the bottom: 168 KB as one update. */
function deepDocument(depth = 8_000): Y.Doc {
  const ydoc = new Y.Doc();
  ydoc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = ydoc.getXmlFragment(FRAGMENT);
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 1 as never);
    heading.insert(0, [new Y.XmlText("Dyb")]);
    parent.insert(0, [heading]);
    for (let i = 0; i < depth; i++) {
      const quote = new Y.XmlElement("blockquote");
      parent.insert(parent.length, [quote]);
      parent = quote;
    }
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("bunden")]);
    parent.insert(0, [p]);
  });
  return ydoc;
}

describe("conversions within the content limits", () => {
  it("convert 8,000 nested blockquotes without recursion: left out below the depth limit, the rest derived", () => {
    const ydoc = deepDocument();
    const { json, truncated } = yDocToJSON(ydoc);
    expect(truncated).toBe(true);
    let depth = 0;
    for (let node: any = json; node?.content?.length; node = node.content.at(-1)) depth++;
    expect(depth).toBeLessThanOrEqual(LIMITS.documentMaxDepth);
    expect(convertYDoc(ydoc).truncated).toBe(true);
    const derived = deriveFromYDoc(ydoc);
    expect(derived.title).toBe("Dyb");
    expect(derived.skipped).toContain("content beyond the nesting or node limits");
  });

  it("convert a document within the limits whole", () => {
    const ydoc = deepDocument(LIMITS.documentMaxDepth - 2);
    expect(yDocToJSON(ydoc).truncated).toBe(false);
    expect(deriveFromYDoc(ydoc).plainText).toContain("bunden");
  });

  it("skip card links whose id is not a uuid, and keep the rest", () => {
    const good = "33333333-3333-4333-8333-333333333333";
    const ydoc = new Y.Doc();
    const link = (cardId: unknown) => ({ type: "cardLink", attrs: { cardId } });
    Y.applyUpdate(
      ydoc,
      jsonToYUpdate({
        type: "doc",
        content: [
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Opgaver\u0000 \ud800" }] },
          { type: "paragraph", content: [link("not-a-uuid"), link("'); drop table cards; --"), link(good), { type: "text", text: "tekst" }] },
        ],
      }),
    );
    const derived = deriveFromYDoc(ydoc);
    expect(derived.links).toEqual([{ cardId: good, context: "Opgaver \ufffd" }]);
    expect(derived.skipped).toHaveLength(2);
    expect(derived.title).toBe("Opgaver \ufffd");
    expect(storableText("a\u0000b\udc00")).toBe("ab\ufffd");
  });
});
