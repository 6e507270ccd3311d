/**
 * Reading a dcmjs-naturalized SR content tree: sequences as lists, values as text, concept names.
 * Shared by the report writers (which adjust what dcmjs made) and the reader.
 * Runs in: the report worker.
 */
export type ContentItem = Record<string, unknown>;

/** dcmjs gives a one-item sequence as the item itself or as an array: both read as a list. */
export function items(value: unknown): ContentItem[] {
  if (Array.isArray(value)) return value.filter((v): v is ContentItem => typeof v === 'object' && v !== null);
  return typeof value === 'object' && value !== null ? [value as ContentItem] : [];
}

/** A value as text: the first of several, numbers as written, a person name's alphabetic form. */
export function text(value: unknown): string {
  if (Array.isArray(value)) return value.length > 0 ? text(value[0]) : '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && 'Alphabetic' in value) return text(value.Alphabetic);
  return '';
}

/** An item's concept name: its code value and meaning. */
export function concept(item: ContentItem): { value: string; meaning: string } {
  const code = items(item['ConceptNameCodeSequence'])[0] ?? {};
  return { value: text(code['CodeValue']), meaning: text(code['CodeMeaning']) };
}

/** The items an item contains. */
export function contentOf(item: ContentItem): ContentItem[] {
  return items(item['ContentSequence']);
}
