import { generateHTML } from "@tiptap/html";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { jsonToYUpdate, yDocToNode, type DocJSON } from "./schema";
import { canonicalJson, compareContent, comparisonExtensions, contentHash, contentOfState, replaceContent, versionContent } from "./versions";

const p = (...texts: string[]): DocJSON => ({ type: "doc", content: texts.map((text) => ({ type: "paragraph", content: text ? [{ type: "text", text }] : [] })) });
const h = (text: string, rest: DocJSON): DocJSON => ({ type: "doc", content: [{ type: "heading", attrs: { level: 1 }, content: [{ type: "text", text }] }, ...(rest.content ?? [])] });

describe("version content", () => {
  it("hashes the canonical JSON: key order does not matter, content does", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(contentHash({ type: "doc", content: [] })).toBe(contentHash(JSON.parse('{"content":[],"type":"doc"}')));
    expect(contentHash(p("Udkast"))).not.toBe(contentHash(p("Udkast sendt")));
    expect(contentHash(p("x"))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stores the Yjs state and the JSON of the same content", () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, jsonToYUpdate(p("Samarbejdsaftale")));
    const v = versionContent(ydoc);
    expect(v.content).toEqual(yDocToNode(ydoc).toJSON());
    expect(contentOfState(v.state).toJSON()).toEqual(v.content);
    expect(v.contentHash).toBe(contentHash(v.content));
  });

  it("replaces the live content with a version's as one change that merges with others", () => {
    const live = new Y.Doc();
    Y.applyUpdate(live, jsonToYUpdate(p("Første udkast", "Anden paragraf")));
    const old = versionContent(live);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(live));
    live.transact(() => live.getXmlFragment("default").insert(1, [new Y.XmlElement("paragraph")]));
    let updates = 0;
    live.on("update", () => updates++);
    live.transact(() => replaceContent(live, contentOfState(old.state)), "server");
    expect(updates).toBe(1);
    expect(yDocToNode(live).toJSON()).toEqual(old.content);
    // Another replica that never saw the restore gets there by the update alone.
    Y.applyUpdate(other, Y.encodeStateAsUpdate(live));
    expect(yDocToNode(other).toJSON()).toEqual(old.content);
  });
});

describe("compare", () => {
  const cases: { name: string; from: DocJSON; to: DocJSON; changes: { kind: string; text: string }[] }[] = [
    { name: "a word inserted", from: p("Aftalen gælder i tre år."), to: p("Aftalen gælder i yderligere tre år."), changes: [{ kind: "inserted", text: "yderligere " }] },
    { name: "a word deleted", from: p("Parterne mødes to gange årligt."), to: p("Parterne mødes årligt."), changes: [{ kind: "deleted", text: "to gange " }] },
    { name: "a word replaced", from: p("Aftalen gælder i tre år."), to: p("Aftalen gælder i fire år."), changes: [{ kind: "deleted", text: "tre" }, { kind: "inserted", text: "fire" }] },
    { name: "a year replaced", from: p("Aftalen gælder 2016–2019."), to: p("Aftalen gælder 2020–2023."), changes: [{ kind: "deleted", text: "2016" }, { kind: "inserted", text: "2020" }, { kind: "deleted", text: "2019" }, { kind: "inserted", text: "2023" }] },
    { name: "a paragraph added", from: p("Formål"), to: p("Formål", "Kultur og uddannelse"), changes: [{ kind: "inserted", text: "Kultur og uddannelse" }] },
    {
      name: "a paragraph removed and a heading changed",
      from: h("Samarbejdsaftale 2016–2019", p("Parter", "Formål")),
      to: h("Samarbejdsaftale 2020–2023", p("Formål")),
      changes: [
        { kind: "deleted", text: "2016" },
        { kind: "inserted", text: "2020" },
        { kind: "deleted", text: "2019" },
        { kind: "inserted", text: "2023" },
        { kind: "deleted", text: "Parter" },
      ],
    },
    { name: "nothing", from: h("Titel", p("Tekst")), to: h("Titel", p("Tekst")), changes: [] },
    { name: "Chinese text", from: p("双方同意合作。"), to: p("双方同意继续合作。"), changes: [{ kind: "inserted", text: "继续" }] },
  ];

  it.each(cases)("$name", ({ from, to, changes }) => {
    const result = compareContent(from, to);
    expect(result.changes).toEqual(changes);
  });

  it("renders insertions and deletions with elements and labels, not colour alone", () => {
    const result = compareContent(p("Aftalen gælder i tre år."), p("Aftalen gælder i fire år."));
    const html = generateHTML(result.content, comparisonExtensions({ inserted: "indsat", deleted: "slettet" }));
    expect(html).toContain('<del class="diff-del"><span class="visually-hidden">slettet: </span><span>tre</span></del>');
    expect(html).toContain('<ins class="diff-ins"><span class="visually-hidden">indsat: </span><span>fire</span></ins>');
    expect(html.indexOf("<del")).toBeLessThan(html.indexOf("<ins"));
    // A deleted paragraph is shown where it was, struck through.
    const removed = compareContent(p("Parter", "Formål"), p("Formål"));
    expect(generateHTML(removed.content, comparisonExtensions({ inserted: "indsat", deleted: "slettet" }))).toBe(
      '<p><del class="diff-del"><span class="visually-hidden">slettet: </span><span>Parter</span></del></p><p>Formål</p>',
    );
  });
});
