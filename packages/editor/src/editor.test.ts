import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { deriveFromYDoc } from "./derive";
import { jsonToYUpdate } from "./schema";
import { TEMPLATE_IDS, templateContent } from "./templates";

describe("shared editor schema", () => {
  it.each(TEMPLATE_IDS)("template %s becomes a valid Yjs document in every language", (id) => {
    for (const language of ["da", "en", "zh-CN"] as const) {
      const ydoc = new Y.Doc();
      Y.applyUpdate(ydoc, jsonToYUpdate(templateContent(id, language)));
      const derived = deriveFromYDoc(ydoc);
      // The title is the page's heading, not a line of the text.
      expect(derived.outline.every((h) => h.level === 2)).toBe(true);
      if (id !== "blank") expect(derived.title).toBe(derived.outline[0].text);
    }
  });

  it("derives the title, plain text and outline the server stores", () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, jsonToYUpdate(templateContent("agreement", "da")));
    const derived = deriveFromYDoc(ydoc);
    expect(derived.outline.map((h) => h.text)).toEqual(["Parter", "Formål", "Fokusområder", "Uddannelse", "Skoler", "Kultur", "Ressourcer", "Varighed", "Underskrifter"]);
    expect(derived.plainText.split("\n")[0]).toBe("Parter");
    const strategy = new Y.Doc();
    Y.applyUpdate(strategy, jsonToYUpdate(templateContent("strategy", "en")));
    expect(deriveFromYDoc(strategy).plainText).toContain("Success criteria");
  });

  it("an empty document has no title", () => {
    expect(deriveFromYDoc(new Y.Doc()).title).toBeNull();
  });
});

describe("card links", () => {
  it("are found in document order with the heading they sit under", () => {
    const ydoc = new Y.Doc();
    const json = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Aktiviteter 2017" }] },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "MoU " }, { type: "cardLink", attrs: { cardId: "11111111-1111-4111-8111-111111111111" } }] }] }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Opfølgning" }] },
        { type: "paragraph", content: [{ type: "cardLink", attrs: { cardId: "22222222-2222-4222-8222-222222222222" } }] },
      ],
    } as const;
    Y.applyUpdate(ydoc, jsonToYUpdate(json as never));
    expect(deriveFromYDoc(ydoc).links).toEqual([
      { cardId: "11111111-1111-4111-8111-111111111111", context: "Aktiviteter 2017" },
      { cardId: "22222222-2222-4222-8222-222222222222", context: "Opfølgning" },
    ]);
  });
});
