import type { Migration } from '../migration-type';

/**
 * What the importer and the study list need on top of 0002:
 * - counters on studies and series, kept by the importer in the same transaction as the rows,
 *   so a page of the study list never counts a million instances;
 * - the viewer's geometry columns;
 * - `pending_files`: the journal that makes imports and deletions crash-safe. A path is listed
 *   here before its file is renamed into (or removed from) the library, and taken off in the
 *   transaction that adds (or after the one that removes) its instance row. At start-up, every
 *   listed file whose instance has no row is removed: no orphans, whatever moment a crash hit.
 * - `study_search`: full-text index over patient name, patient ID and description, with
 *   unicode61's case and diacritic folding (SQLite's own LIKE only folds ASCII).
 * - indexes the study list's default sort (date, time) and its case-insensitive prefix filters
 *   (patient ID, accession) can use, replacing 0002's plain ones.
 */
export const importAndSearch: Migration = {
  version: 3,
  name: 'import-and-search',
  sql: `
    ALTER TABLE studies ADD COLUMN series_count   INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE studies ADD COLUMN instance_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE studies ADD COLUMN total_bytes    INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE series  ADD COLUMN instance_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE instances ADD COLUMN photometric       TEXT NOT NULL DEFAULT '';
    ALTER TABLE instances ADD COLUMN slice_thickness   REAL;
    ALTER TABLE instances ADD COLUMN image_position    TEXT NOT NULL DEFAULT '';
    ALTER TABLE instances ADD COLUMN image_orientation TEXT NOT NULL DEFAULT '';

    CREATE INDEX studies_by_added ON studies (added_at);
    DROP INDEX studies_by_date;
    CREATE INDEX studies_by_date_time ON studies (study_date, study_time);
    DROP INDEX studies_by_accession;
    CREATE INDEX studies_by_accession ON studies (accession COLLATE NOCASE);
    DROP INDEX patients_by_patient_id;
    CREATE INDEX patients_by_patient_id ON patients (patient_id COLLATE NOCASE);
    CREATE INDEX patients_by_name ON patients (name COLLATE NOCASE);

    CREATE TABLE pending_files (
      path             TEXT PRIMARY KEY,
      sop_instance_uid TEXT NOT NULL
    );

    CREATE VIRTUAL TABLE study_search USING fts5 (
      patient_name, patient_id, description,
      tokenize = 'unicode61 remove_diacritics 2'
    );
  `,
};
