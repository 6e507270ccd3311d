/**
 * Opening the library database: pragmas, migrations, and refusing what this build cannot read.
 *
 * Runs wherever the one writer lives (the store worker; tests open it directly). Durability
 * choices: WAL so readers never block the writer, and synchronous=FULL because the database
 * holds signed reports and audit history, where losing the last commit to a power cut is not
 * acceptable; bulk work stays fast by batching many rows per transaction.
 */
import Database from 'better-sqlite3';
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
    throw new NotALibraryError(error);
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
    throw error;
  }
}

export { LATEST_SCHEMA_VERSION };
