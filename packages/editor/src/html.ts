import type { Extensions, JSONContent } from "@tiptap/core";

let renderer: Promise<typeof import("@tiptap/html")> | null = null;

/**
 * Content as HTML on the server (`@tiptap/html`'s `generateHTML` with the given extensions), its
 * module loaded on first use: it brings happy-dom, about 45 MB resident, which a process that has not
 * rendered a document yet (just started, or serving only sockets) need not hold.
 */
export async function renderHtml(content: JSONContent, extensions: Extensions): Promise<string> {
  renderer ??= import("@tiptap/html");
  const { generateHTML } = await renderer;
  return generateHTML(content, extensions);
}
