import type { Migration } from '../migration-type';

/**
 * Study downloads as one queue row each. A study asked for is a `scope = 'study'` row, keyed by
 * its Study Instance UID (in `sop_instance_uid`, the queue's idempotency key column), worked as
 * one WADO-RS answer streamed into the library. Each instance that arrives gets its own
 * `scope = 'instance'` row, done. `expected` is how many instances the server said the study
 * has (for progress; null on instance rows). What a cut-off answer or a crash left is listed by QIDO-RS and
 * queued instance by instance. Instance rows of every kind are as before.
 */
export const studyDownloads: Migration = {
  version: 9,
  name: 'study-downloads',
  sql: `
    ALTER TABLE transfers ADD COLUMN scope TEXT NOT NULL DEFAULT 'instance' CHECK (scope IN ('instance', 'study'));
    ALTER TABLE transfers ADD COLUMN expected INTEGER;
  `,
};
