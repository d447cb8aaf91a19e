import type { ExportFormat } from "./model";

/** The media type and file extension of each format. */
export const FORMAT_FILES: Record<ExportFormat, { contentType: string; extension: string }> = {
  docx: { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" },
  pdf: { contentType: "application/pdf", extension: "pdf" },
  odt: { contentType: "application/vnd.oasis.opendocument.text", extension: "odt" },
  md: { contentType: "text/markdown; charset=utf-8", extension: "md" },
  html: { contentType: "text/html; charset=utf-8", extension: "html" },
};

const MAX_NAME = 120;

/** A file name from a title: no path separators, reserved or control characters; at most 120 characters. */
export function fileName(title: string, extension: string): string {
  const base = title
    .normalize("NFC")
    .replace(/[\u0000-\u001F\u007F-\u009F/\\:*?"<>|]/g, " ")
    .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[. ]+|[. ]+$/g, "");
  const cut = [...base].slice(0, MAX_NAME).join("").trim();
  return `${cut || "document"}.${extension}`;
}

const DANISH: Record<string, string> = { æ: "ae", Æ: "Ae", ø: "oe", Ø: "Oe", å: "aa", Å: "Aa", ß: "ss" };

/** The name in plain ASCII, for clients that do not read `filename*`. */
export function asciiFileName(name: string): string {
  const dot = name.lastIndexOf(".");
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  const ascii = base
    .replace(/[æÆøØåÅß]/g, (c) => DANISH[c])
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9 ._()-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[_ .]+|[_ .]+$/g, "");
  return `${ascii || "document"}${ext}`;
}

/** RFC 5987 encoding of a value (`'`, `(`, `)` and `*` are not attr-chars either). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `Content-Disposition` for a download named after the title (RFC 6266: an ASCII `filename` and a UTF-8 `filename*`). */
export function contentDisposition(title: string, extension: string): string {
  const name = fileName(title, extension);
  return `attachment; filename="${asciiFileName(name).replace(/["\\]/g, "_")}"; filename*=UTF-8''${rfc5987(name)}`;
}
