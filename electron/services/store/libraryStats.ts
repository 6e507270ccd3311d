import type { LibraryStats } from '../../../shared/api';
import type { LibraryDatabase } from './database';

/** What the library holds (the disk's room is added by the store's API, which knows the folder). */
export type LibraryCounts = Omit<LibraryStats, 'disk'>;

export function readLibraryStats(db: LibraryDatabase): LibraryCounts {
  const row = db
    .prepare<[], LibraryCounts>(
      `SELECT
         (SELECT COUNT(*) FROM patients)  AS patients,
         (SELECT COUNT(*) FROM studies)   AS studies,
         (SELECT COUNT(*) FROM series)    AS series,
         (SELECT COUNT(*) FROM instances) AS instances,
         (SELECT COALESCE(SUM(file_size), 0) FROM instances) AS bytes`,
    )
    .get();
  if (!row) throw new Error('library statistics query returned no row');
  return row;
}
