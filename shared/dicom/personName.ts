/**
 * A DICOM Person Name (PS3.5 §6.2) for display: `Family^Given^Middle^Prefix^Suffix`, in up to
 * three component groups (alphabetic = ideographic = phonetic). Shown as "FAMILY, Given Middle"
 * with the other written forms after it in parentheses, so 古橋^大地 is not lost behind ﾌﾙﾊｼ^ﾀｲﾁ.
 */
function formatGroup(group: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map((part) => part.trim());
  const rest = [prefix, given, middle].filter(Boolean).join(' ');
  const name = family && rest ? `${family}, ${rest}` : family || rest;
  return suffix ? `${name} ${suffix}` : name;
}

export function formatPersonName(value: string): string {
  const [first, ...others] = value.split('=').map(formatGroup);
  const alternatives = others.filter(Boolean);
  if (!first) return alternatives.join(' ');
  return alternatives.length > 0 ? `${first} (${alternatives.join(' · ')})` : first;
}
