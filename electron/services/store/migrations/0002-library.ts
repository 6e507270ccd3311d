import type { Migration } from '../migration-type';

/**
 * The study cache: patients → studies → series → instances, mirroring the DICOM information
 * model. UIDs are TEXT and unique; an instance row exists only once its file has been written,
 * fsynced and renamed into place (the import issue relies on that write order).
 *
 * Columns prefixed `search_` hold normalised text for the study list's case- and
 * accent-insensitive prefix search; they are filled by the importer, not by SQLite, because
 * SQLite's NOCASE only folds ASCII.
 */
export const library: Migration = {
  version: 2,
  name: 'library',
  sql: `
    CREATE TABLE patients (
      id             INTEGER PRIMARY KEY,
      -- Patient ID + issuer + name: the identity a study list groups by. Two studies with the
      -- same Patient ID but different names stay separate rather than being silently merged.
      patient_key    TEXT NOT NULL UNIQUE,
      patient_id     TEXT NOT NULL DEFAULT '',
      issuer         TEXT NOT NULL DEFAULT '',
      name           TEXT NOT NULL DEFAULT '',
      search_name    TEXT NOT NULL DEFAULT '',
      birth_date     TEXT NOT NULL DEFAULT '',
      sex            TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX patients_by_search_name ON patients (search_name);
    CREATE INDEX patients_by_patient_id  ON patients (patient_id);

    CREATE TABLE studies (
      id                 INTEGER PRIMARY KEY,
      study_uid          TEXT NOT NULL UNIQUE,
      patient_ref        INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
      study_date         TEXT NOT NULL DEFAULT '',
      study_time         TEXT NOT NULL DEFAULT '',
      accession          TEXT NOT NULL DEFAULT '',
      study_id           TEXT NOT NULL DEFAULT '',
      description        TEXT NOT NULL DEFAULT '',
      search_description TEXT NOT NULL DEFAULT '',
      referring_physician TEXT NOT NULL DEFAULT '',
      modalities         TEXT NOT NULL DEFAULT '',
      added_at           TEXT NOT NULL
    );
    CREATE INDEX studies_by_patient   ON studies (patient_ref);
    CREATE INDEX studies_by_date      ON studies (study_date);
    CREATE INDEX studies_by_accession ON studies (accession);

    CREATE TABLE series (
      id             INTEGER PRIMARY KEY,
      series_uid     TEXT NOT NULL UNIQUE,
      study_ref      INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
      modality       TEXT NOT NULL DEFAULT '',
      series_number  INTEGER,
      description    TEXT NOT NULL DEFAULT '',
      body_part      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX series_by_study ON series (study_ref);

    CREATE TABLE instances (
      id                 INTEGER PRIMARY KEY,
      sop_instance_uid   TEXT NOT NULL UNIQUE,
      series_ref         INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      sop_class_uid      TEXT NOT NULL DEFAULT '',
      instance_number    INTEGER,
      transfer_syntax    TEXT NOT NULL DEFAULT '',
      rows               INTEGER,
      columns            INTEGER,
      frames             INTEGER,
      pixel_spacing      TEXT NOT NULL DEFAULT '',
      window_center      TEXT NOT NULL DEFAULT '',
      window_width       TEXT NOT NULL DEFAULT '',
      slice_location     REAL,
      file_size          INTEGER NOT NULL,
      added_at           TEXT NOT NULL
    );
    CREATE INDEX instances_by_series ON instances (series_ref, instance_number);
  `,
};
