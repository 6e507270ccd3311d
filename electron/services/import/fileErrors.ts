/**
 * A filesystem error as a technician reads it in the import summary.
 * @param whenMissing what a missing file means where this is asked (a mistyped path when
 *   looking, a disc ejected half-way when reading).
 */
export function describeFileError(error: unknown, whenMissing = 'not found'): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return whenMissing;
  if (code === 'EACCES' || code === 'EPERM') return 'unreadable (permission denied)';
  if (code === 'EIO') return 'unreadable (input/output error — a damaged disc?)';
  if (code === 'EISDIR') return 'not a file';
  return `unreadable (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
