/**
 * The code an error carries (Node's ENOSPC, SQLite's SQLITE_FULL, our LIBRARY_DISK_FULL…), read
 * one way everywhere: null when it has none, or one that is not a string.
 * Runs in: every Node runtime (main thread and workers).
 */
export function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
