/**
 * The main side's log: one JSON line per event on stderr.
 *
 * PHI discipline: log UIDs, counts, sizes, durations and error codes — never patient names,
 * patient IDs, birth dates or file paths from a patient's media. Fields are typed as scalars
 * so that whole DICOM datasets or rows cannot be logged by accident.
 */
type LogValue = string | number | boolean | null;
type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function configuredLevel(): LogLevel {
  const fromEnv = process.env['LUMEN_LOG_LEVEL'];
  return fromEnv === 'debug' || fromEnv === 'info' || fromEnv === 'warn' || fromEnv === 'error' ? fromEnv : 'info';
}

function write(level: LogLevel, event: string, fields: Record<string, LogValue>): void {
  if (levelRank[level] < levelRank[configuredLevel()]) return;
  process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), level, event, ...fields })}\n`);
}

export const log = {
  debug: (event: string, fields: Record<string, LogValue> = {}) => write('debug', event, fields),
  info: (event: string, fields: Record<string, LogValue> = {}) => write('info', event, fields),
  warn: (event: string, fields: Record<string, LogValue> = {}) => write('warn', event, fields),
  error: (event: string, fields: Record<string, LogValue> = {}) => write('error', event, fields),
};

/**
 * Filesystem paths in a message, replaced: folders of patient discs and exports are often named
 * after the patient, and Node's file errors quote the path they failed on.
 */
export function redactPaths(message: string): string {
  return message.replace(/(['"]?)(?:[A-Za-z]:\\|\/)[^'"\n]*\1/g, '<path>');
}

/** An error's name, code and message (paths redacted), for a log line; stack only at debug level. */
export function describeError(error: unknown): Record<string, LogValue> {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      error: error.name,
      ...(code ? { code } : {}),
      message: redactPaths(error.message),
      ...(configuredLevel() === 'debug' ? { stack: redactPaths(error.stack ?? '') } : {}),
    };
  }
  return { error: 'non-error thrown', message: redactPaths(String(error)) };
}
