import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { XMLValidator } from "fast-xml-parser";

/**
 * Readers of exported files, for tests (here and in tests/): real parsers, not string matching on
 * what we wrote. Not used by the app.
 */

/** The entries of a zip in their stored order, with how each is stored (0 = stored, 8 = deflated). */
export function zipEntries(bytes: Uint8Array): { name: string; method: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: { name: string; method: number }[] = [];
  let at = 0;
  while (at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50) {
    const method = view.getUint16(at + 8, true);
    const compressed = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extra = view.getUint16(at + 28, true);
    entries.push({ name: strFromU8(bytes.subarray(at + 30, at + 30 + nameLength)), method });
    at += 30 + nameLength + extra + compressed;
  }
  return entries;
}

/** Every file of a zip as text; throws when an XML part is not well-formed. */
export function unzipXml(bytes: Uint8Array): Record<string, string> {
  const files = unzipSync(bytes);
  const out: Record<string, string> = {};
  for (const [name, data] of Object.entries(files)) {
    out[name] = strFromU8(data);
    if (/\.(xml|rels)$/.test(name)) {
      const valid = XMLValidator.validate(out[name]);
      if (valid !== true) throw new Error(`${name} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    }
  }
  return out;
}

/** The text of a PDF, page by page, as pdf.js extracts it. */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // The standard fonts' data (Courier of code blocks is not embedded), as a directory path for Node.
  const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts") + sep;
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""));
  }
  await pdf.destroy();
  return pages;
}

/** The fonts a PDF embeds (their base names, e.g. `ABCDEF+NotoSansSC-Regular`). */
export function pdfFontNames(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString("latin1");
  return [...new Set([...text.matchAll(/\/BaseFont\s*\/([^\s/<>[\]]+)/g)].map((m) => m[1]))];
}
