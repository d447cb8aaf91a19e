import { z } from "zod";

/** The formats a document exports to (`GET …/docs/<id>/export?format=…`). */
export const EXPORT_FORMATS = ["docx", "pdf", "odt", "md", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The export route's query: a format, optionally a version (else the current text) and, for a DOCX
 * of the current text, whether open comment threads go along as Word comments. The version
 * is only checked to be a string here: a malformed or foreign id is a 404 (looked up inside the document).
 */
export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  version: z.string().max(100).optional(),
  /** `1`: open comment threads as Word comments (DOCX of the current text). */
  comments: z.literal("1").optional(),
  /** A bilingual export (DOCX or PDF of the current text): the linked translation, or the source, to set beside it. */
  with: z.string().max(100).optional(),
});
