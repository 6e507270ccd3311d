import type { Migration } from '../migration-type';

/**
 * The transfers tab lists the queue by study (one line per study, server and direction, with
 * its progress) instead of one line per instance, which said nothing a technician could act on.
 *
 * - `study_expected_instances` also keeps what the server said about the study when its
 *   download was asked for (patient, date, description, modalities, as DICOM stores them), so
 *   a download still waiting for its first image is named in that list, not shown as a UID.
 *   Still gone with the study when it is deleted.
 * - `transfers_by_group` finds a line's rows (and those in a state, for Cancel and Retry by
 *   line); `transfers_by_change` walks the latest changes first, so the list finds its newest
 *   lines without grouping the whole table (transferGroups.ts), which keeps every transfer.
 */
export const transferGroups: Migration = {
  version: 12,
  name: 'transfer-groups',
  sql: `
    ALTER TABLE study_expected_instances ADD COLUMN patient_name      TEXT NOT NULL DEFAULT '';
    ALTER TABLE study_expected_instances ADD COLUMN patient_id        TEXT NOT NULL DEFAULT '';
    ALTER TABLE study_expected_instances ADD COLUMN study_date        TEXT NOT NULL DEFAULT '';
    ALTER TABLE study_expected_instances ADD COLUMN study_description TEXT NOT NULL DEFAULT '';
    ALTER TABLE study_expected_instances ADD COLUMN modalities        TEXT NOT NULL DEFAULT '';
    CREATE INDEX transfers_by_group  ON transfers (server_id, direction, study_uid, state);
    CREATE INDEX transfers_by_change ON transfers (updated_at, server_id, direction, study_uid);
  `,
};
