import type { Migration } from '../migration-type';

/**
 * DICOM SRs of a study that have been read for their measurements.
 *
 * An SR is read once, the first time its study's annotations are listed after it arrived
 * (imported, received, or written here). Reading restores the measurements a cornerstone-based
 * viewer drew as annotations and keeps the rest (`groups`, JSON) to be listed. The row is what
 * makes reading happen once: an annotation the reader deletes afterwards stays deleted, and a
 * report this workstation wrote (`origin` 'ours') restores nothing, since its annotations are
 * here already. Deleting the study (the instance row) deletes the row, so importing the report
 * again reads it again.
 */
export const srDocuments: Migration = {
  version: 5,
  name: 'sr-documents',
  sql: `
    CREATE TABLE sr_documents (
      sop_instance_uid TEXT PRIMARY KEY REFERENCES instances (sop_instance_uid) ON DELETE CASCADE,
      study_uid        TEXT NOT NULL,
      origin           TEXT NOT NULL CHECK (origin IN ('ours', 'imported')),
      title            TEXT NOT NULL DEFAULT '',
      observer         TEXT NOT NULL DEFAULT '',
      content_date     TEXT NOT NULL DEFAULT '',
      restored         INTEGER NOT NULL DEFAULT 0,
      groups           TEXT NOT NULL DEFAULT '[]',
      error            TEXT,
      read_at          TEXT NOT NULL
    );
    CREATE INDEX sr_documents_by_study ON sr_documents (study_uid);
  `,
};
