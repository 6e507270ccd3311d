import type { Migration } from '../migration-type';

/**
 * Diagnosis reports: one per study, written as drafts, signed once, amended by addenda.
 *
 * - `reports`: one row per study that has been written in, with its status (draft until the
 *   report is signed, final after, amended once a signed addendum follows). It is not tied to
 *   the study rows: deleting a study's images from the local cache never deletes its report.
 * - `report_parts`: the report itself (sequence 0) and its addenda (1, 2…). `revision` counts
 *   saves, so a window that saves from an older revision than the stored one is told about
 *   the other window instead of overwriting it. Once `signed_at` is set the part is the
 *   record: triggers refuse any change to its text or signature, and its deletion, whatever
 *   code tries. `sr_sop_instance_uid` is the DICOM SR written from it.
 * - `report_versions`: the history a reader can browse. Saves of one editing window within a
 *   minute of each other update the newest version instead of piling up one row per second.
 * - `report_templates`: the user's templates, and their edits of the built-in ones (same id).
 * - `settings`: small key/value settings (the radiologist's name for signing).
 */
export const reports: Migration = {
  version: 6,
  name: 'reports',
  sql: `
    CREATE TABLE reports (
      study_uid  TEXT PRIMARY KEY,
      status     TEXT NOT NULL CHECK (status IN ('draft', 'final', 'amended')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX reports_by_status ON reports (status, study_uid);

    CREATE TABLE report_parts (
      id                  TEXT PRIMARY KEY,
      study_uid           TEXT NOT NULL REFERENCES reports (study_uid),
      sequence            INTEGER NOT NULL,
      findings            TEXT NOT NULL DEFAULT '',
      impression          TEXT NOT NULL DEFAULT '',
      recommendations     TEXT NOT NULL DEFAULT '',
      severity            TEXT NOT NULL DEFAULT '' CHECK (severity IN ('', 'normal', 'minor', 'significant', 'critical')),
      template_id         TEXT NOT NULL DEFAULT '',
      revision            INTEGER NOT NULL DEFAULT 0,
      editor              TEXT NOT NULL DEFAULT '',
      signed_at           TEXT,
      signed_by           TEXT,
      sr_sop_instance_uid TEXT,
      created_at          TEXT NOT NULL,
      updated_at          TEXT NOT NULL,
      UNIQUE (study_uid, sequence)
    );
    CREATE TRIGGER report_parts_signed_are_final BEFORE UPDATE OF findings, impression, recommendations, severity, template_id, revision, signed_at, signed_by ON report_parts
      WHEN OLD.signed_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'a signed report is final'); END;
    CREATE TRIGGER report_parts_signed_stay BEFORE DELETE ON report_parts
      WHEN OLD.signed_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'a signed report is final'); END;

    CREATE TABLE report_versions (
      id              INTEGER PRIMARY KEY,
      part_id         TEXT NOT NULL REFERENCES report_parts (id),
      revision        INTEGER NOT NULL,
      findings        TEXT NOT NULL,
      impression      TEXT NOT NULL,
      recommendations TEXT NOT NULL,
      severity        TEXT NOT NULL,
      editor          TEXT NOT NULL,
      started_at      TEXT NOT NULL,
      saved_at        TEXT NOT NULL
    );
    CREATE INDEX report_versions_by_part ON report_versions (part_id, id);

    CREATE TABLE report_templates (
      id              TEXT PRIMARY KEY,
      name            TEXT NOT NULL,
      modality        TEXT NOT NULL DEFAULT '',
      body_part       TEXT NOT NULL DEFAULT '',
      findings        TEXT NOT NULL DEFAULT '',
      impression      TEXT NOT NULL DEFAULT '',
      recommendations TEXT NOT NULL DEFAULT '',
      updated_at      TEXT NOT NULL
    );

    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `,
};
