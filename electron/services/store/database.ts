/**
 * Opening the library database: pragmas, migrations, and refusing what this build cannot read.
 *
 * Runs wherever the one writer lives (the store worker; tests open it directly). Durability
 * choices: WAL so readers never block the writer, and synchronous=FULL because the database
 * holds signed reports and audit history, where losing the last commit to a power cut is not
 * acceptable; bulk work stays fast by batching many rows per transaction.
 */
import { statfsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatMegabytes } from '../diskSpace';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';
import type { Migration } from './migration-type';

export type LibraryDatabase = Database.Database;

export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The library was written by a newer version of Lumen Workstation (schema ${found}; this version knows up to ${supported}). ` +
        'It was not opened, so nothing in it was changed. Update Lumen Workstation to open it.',
    );
  }
}

export class NotALibraryError extends Error {
  override readonly name = 'NotALibraryError';
  constructor(cause: unknown) {
    super(`The library file cannot be opened as a database (${cause instanceof Error ? cause.message : String(cause)}).`);
  }
}

/**
 * Opening needs a little room: SQLite makes the write-ahead log's index (-shm) and log (-wal)
 * beside the library. On a disk filled to the last byte (by something else: imports and
 * downloads keep a reserve) that fails as a bare "disk I/O error", which reads like a damaged
 * library; it is said for what it is.
 */
export class LibraryDiskFullAtOpenError extends Error {
  override readonly name = 'LibraryDiskFullAtOpenError';
  readonly code = 'LIBRARY_DISK_FULL';
  constructor(freeBytes: number) {
    super(
      `The disk holding the library is full (${formatMegabytes(freeBytes)} free): the library cannot be opened until some space is freed there ` +
        '(a few MB, for the database’s working files). Nothing in the library was changed.',
    );
  }
}

/** Below this, a failure to open or migrate is taken to be the full disk's doing. */
const ROOM_TO_OPEN_BYTES = 8 * 1_000_000;

/** The full disk, when that is why opening failed; else the failure as it was. */
function explainOpenFailure(file: string, error: unknown): unknown {
  try {
    const stats = statfsSync(path.dirname(path.resolve(file)));
    const freeBytes = stats.bavail * stats.bsize;
    return freeBytes < ROOM_TO_OPEN_BYTES ? new LibraryDiskFullAtOpenError(freeBytes) : error;
  } catch {
    return error;
  }
}

export function schemaVersionOf(db: LibraryDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the database's `user_version`, each in its own transaction. */
export function migrate(db: LibraryDatabase, steps: readonly Migration[] = migrations): number {
  const latest = steps.length === 0 ? 0 : Math.max(...steps.map((step) => step.version));
  const current = schemaVersionOf(db);
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  for (const step of steps) {
    if (step.version <= current) continue;
    // `user_version` lives in the database header, which SQLite changes inside the same
    // transaction: a kill mid-migration leaves the old version and none of the new tables.
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
  return schemaVersionOf(db);
}

export function openLibraryDatabase(file: string): LibraryDatabase {
  let db: LibraryDatabase;
  let found: number;
  try {
    db = new Database(file);
    found = schemaVersionOf(db);
  } catch (error) {
    const explained = explainOpenFailure(file, error);
    throw explained === error ? new NotALibraryError(error) : explained;
  }
  // Checked before anything else touches the file: even switching the journal mode rewrites
  // its header, and a newer version's library must be left exactly as it was.
  if (found > LATEST_SCHEMA_VERSION) {
    db.close();
    throw new DatabaseTooNewError(found, LATEST_SCHEMA_VERSION);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw explainOpenFailure(file, error);
  }
}

export { LATEST_SCHEMA_VERSION };
