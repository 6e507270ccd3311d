import { redactPaths } from '../../logging/log';
import { libraryDiskProblem } from '../diskSpace';
import { errorCode } from '../errorCode';

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

/**
 * Why an import stopped, for the person and the renderer: what went wrong without the path it
 * went wrong on (the renderer never sees filesystem paths; the log has the code).
 */
export function describeImportFailure(error: unknown): string {
  const disk = libraryDiskProblem(error);
  if (disk !== null) return disk;
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied writing to the library’s folder';
  if (code === 'EIO') return 'an input/output error on the library’s disk';
  if (code !== null) return `a file error (${code})`;
  return redactPaths(error instanceof Error ? error.message : String(error));
}
