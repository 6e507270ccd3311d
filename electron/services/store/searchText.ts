/**
 * Text as the study_search index stores it: NFKC-normalised (so half-width katakana ﾌﾙﾊｼ and
 * full-width フルハシ are the same word) with DICOM's component separators turned into spaces.
 * Case and accents are folded by the FTS tokenizer itself.
 */
export function searchText(value: string): string {
  return value.normalize('NFKC').replace(/[\^=\\]/g, ' ').trim();
}

/**
 * A full-text query that matches documents containing a word beginning with each of the typed
 * words: `smi jo` → `"smi"* AND "jo"*`. Quoting makes every character literal to FTS5.
 */
export function prefixQuery(typed: string): string | null {
  const words = searchText(typed)
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (words.length === 0) return null;
  return words.map((word) => `"${word.replace(/"/g, '""')}"*`).join(' AND ');
}
