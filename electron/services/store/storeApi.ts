/**
 * The store's operations, as served by the store worker (the one writer) and called from main
 * through StoreClient. Each is a plain synchronous function over the open database.
 */
import type { AuditEntry, AuditPage, LibraryStats, ValidatedInput } from '../../../shared/api';
import { appendAudit, type NewAuditEntry, queryAudit } from './auditLog';
import { type LibraryDatabase, schemaVersionOf } from './database';
import { readLibraryStats } from './libraryStats';

export function createStoreApi(db: LibraryDatabase) {
  return {
    schemaVersion: (): number => schemaVersionOf(db),
    libraryStats: (): LibraryStats => readLibraryStats(db),
    appendAudit: (entry: NewAuditEntry): AuditEntry => appendAudit(db, entry),
    queryAudit: (query: ValidatedInput<'audit.query'>): AuditPage => queryAudit(db, query),
    /** Checkpoints the WAL and closes; the worker exits afterwards. */
    close: (): void => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

export type StoreApi = ReturnType<typeof createStoreApi>;
