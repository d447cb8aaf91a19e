/**
 * A space's document list with each translation under its source (issue 15): the sources in the
 * list's own order, each followed by its translations (by language), which carry `under` — the source
 * they are listed under. A translation whose source is not in the list (filtered out, archived) stays
 * where it was, as a document of its own (`under` null).
 */
export function groupTranslations<T extends { id: string; language: string; translationOf?: string | null }>(documents: T[]): (T & { under: T | null })[] {
  const listed = new Map(documents.map((d) => [d.id, d]));
  const translations = new Map<string, T[]>();
  for (const d of documents) {
    if (d.translationOf && d.translationOf !== d.id && listed.has(d.translationOf))
      translations.set(d.translationOf, [...(translations.get(d.translationOf) ?? []), d]);
  }
  const out: (T & { under: T | null })[] = [];
  for (const d of documents) {
    if (d.translationOf && listed.has(d.translationOf) && d.translationOf !== d.id) continue;
    out.push({ ...d, under: null });
    for (const tr of (translations.get(d.id) ?? []).sort((a, b) => a.language.localeCompare(b.language))) out.push({ ...tr, under: d });
  }
  return out;
}
