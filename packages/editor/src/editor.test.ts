import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { deriveFromYDoc } from "./derive";
import { jsonToYUpdate } from "./schema";
import { TEMPLATE_IDS, templateContent } from "./templates";

describe("shared editor schema", () => {
  it.each(TEMPLATE_IDS)("template %s becomes a valid Yjs document in every language", (id) => {
    for (const language of ["da", "en", "zh-CN"] as const) {
      const ydoc = new Y.Doc();
      Y.applyUpdate(ydoc, jsonToYUpdate(templateContent(id, "Titel", language)));
      const derived = deriveFromYDoc(ydoc);
      expect(derived.title).toBe("Titel");
      expect(derived.outline[0]).toEqual({ level: 1, text: "Titel" });
    }
  });

  it("derives the title, plain text and outline the server stores", () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, jsonToYUpdate(templateContent("agreement", "Samarbejdsaftale 2016–2019", "da")));
    const derived = deriveFromYDoc(ydoc);
    expect(derived.outline.map((h) => h.text)).toEqual(["Samarbejdsaftale 2016–2019", "Parter", "Formål", "Fokusområder", "Uddannelse", "Skoler", "Kultur", "Ressourcer", "Varighed", "Underskrifter"]);
    expect(derived.plainText.split("\n")[0]).toBe("Samarbejdsaftale 2016–2019");
    const strategy = new Y.Doc();
    Y.applyUpdate(strategy, jsonToYUpdate(templateContent("strategy", "Strategy", "en")));
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
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "MoU " }, { type: "cardLink", attrs: { cardId: "c1" } }] }] }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Opfølgning" }] },
        { type: "paragraph", content: [{ type: "cardLink", attrs: { cardId: "c2" } }] },
      ],
    } as const;
    Y.applyUpdate(ydoc, jsonToYUpdate(json as never));
    expect(deriveFromYDoc(ydoc).links).toEqual([
      { cardId: "c1", context: "Aktiviteter 2017" },
      { cardId: "c2", context: "Opfølgning" },
    ]);
  });
});
