import type { Migration } from '../migration-type';

/**
 * How many instances a server said a study has, recorded when its download is asked for. A study
 * whose download was cut off or cancelled then shows as incomplete in the study list and the
 * viewer (a radiologist must not read 46 slices of 134 thinking that is all), until the rest
 * arrives. Gone with the study when it is deleted.
 */
export const expectedInstances: Migration = {
  version: 11,
  name: 'expected-instances',
  sql: `
    CREATE TABLE study_expected_instances (
      study_uid   TEXT PRIMARY KEY,
      expected    INTEGER NOT NULL CHECK (expected >= 0),
      server_id   TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    );
  `,
};
