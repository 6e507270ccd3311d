import type { LibraryStats } from '../../../shared/api';
import type { LibraryDatabase } from './database';

export function readLibraryStats(db: LibraryDatabase): LibraryStats {
  const row = db
    .prepare<[], LibraryStats>(
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
