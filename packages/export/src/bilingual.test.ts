import { describe, expect, it } from "vitest";
import { pairBlocks } from "./bilingual";
import type { PMNode } from "./model";

const p = (id: string | null, text = id ?? "") => ({ type: "paragraph", attrs: { blockId: id }, content: text ? [{ type: "text", text }] : [] } as PMNode);
const ids = (rows: ReturnType<typeof pairBlocks>) => rows.map(([a, b]) => [a?.content?.[0]?.text ?? null, b?.content?.[0]?.text ?? null]);

describe("pairBlocks", () => {
  it("pairs blocks by id in the source's order, whatever order the translation has", () => {
    expect(ids(pairBlocks([p("a"), p("b"), p("c")], [p("c", "C"), p("a", "A"), p("b", "B")]))).toEqual([
      ["a", "A"],
      ["b", "B"],
      ["c", "C"],
    ]);
  });

  it("gives a block only in one side an empty cell on the other, a translation's own block after the translated block before it", () => {
    expect(ids(pairBlocks([p("a"), p("b"), p("c")], [p("x", "X"), p("a", "A"), p("y", "Y"), p("c", "C")]))).toEqual([
      [null, "X"],
      ["a", "A"],
      [null, "Y"],
      ["b", null],
      ["c", "C"],
    ]);
  });

  it("pairs each id once, leaves blocks without ids unpaired and drops rows of empty paragraphs only", () => {
    expect(ids(pairBlocks([p("a"), p("a", "again"), p(null, "loose"), p("e", "")], [p("a", "A"), p(null, "løs"), p("e", "")]))).toEqual([
      ["a", "A"],
      [null, "løs"],
      ["again", null],
      ["loose", null],
    ]);
  });
});
