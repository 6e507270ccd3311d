import type { Migration } from '../migration-type';

/**
 * Measurements and annotations drawn in the viewer, and key images.
 *
 * - `annotations`: one row per drawn object, keyed by an id the renderer makes (a UUID), so a
 *   save repeated after a lost answer is an update, never a duplicate. It points at the image it
 *   was drawn on (instance + frame); `handles` holds its points in image pixel coordinates and
 *   `measurement` the values shown (length in mm, ROI statistics…) as computed when it was last
 *   changed, so the per-study list needs no pixels. Deleting a study deletes its annotations
 *   (the instance rows cascade).
 * - `key_images`: images (instance + frame) flagged as key; the study list shows which studies
 *   have them.
 */
export const annotations: Migration = {
  version: 4,
  name: 'annotations',
  sql: `
    CREATE TABLE annotations (
      id               TEXT PRIMARY KEY,
      study_uid        TEXT NOT NULL,
      series_uid       TEXT NOT NULL,
      sop_instance_uid TEXT NOT NULL REFERENCES instances (sop_instance_uid) ON DELETE CASCADE,
      frame            INTEGER NOT NULL DEFAULT 0,
      tool             TEXT NOT NULL,
      handles          TEXT NOT NULL,
      label            TEXT NOT NULL DEFAULT '',
      measurement      TEXT NOT NULL DEFAULT '{}',
      created_at       TEXT NOT NULL,
      updated_at       TEXT NOT NULL
    );
    CREATE INDEX annotations_by_study ON annotations (study_uid, created_at);
    CREATE INDEX annotations_by_instance ON annotations (sop_instance_uid);

    CREATE TABLE key_images (
      sop_instance_uid TEXT NOT NULL REFERENCES instances (sop_instance_uid) ON DELETE CASCADE,
      frame            INTEGER NOT NULL DEFAULT 0,
      study_uid        TEXT NOT NULL,
      flagged_at       TEXT NOT NULL,
      PRIMARY KEY (sop_instance_uid, frame)
    );
    CREATE INDEX key_images_by_study ON key_images (study_uid);
  `,
};
