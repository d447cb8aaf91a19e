import { Extension } from "@tiptap/core";
import { Plugin } from "@tiptap/pm/state";

/** More top-level blocks than this and the text is a long one (styles.css: off-screen blocks are skipped). */
export const LONG_DOCUMENT_BLOCKS = 200;

/** Marks a long document's editor (`data-long`), for the styles that keep it fast. */
export const LongDocument = Extension.create({
  name: "longDocument",
  addProseMirrorPlugins: () => [new Plugin({ props: { attributes: (state): Record<string, string> => (state.doc.childCount > LONG_DOCUMENT_BLOCKS ? { "data-long": "" } : {}) } })],
});
