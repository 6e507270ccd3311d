import type { Migration } from '../migration-type';

/**
 * Sync with DICOMweb servers (Joplin-style bookkeeping: every transfer is a row).
 *
 * - `servers`: where to sync. The secret (password or token) is not here: it is kept by the
 *   runtime's secret store (Electron safeStorage, or a user-only file in the browser host).
 * - `transfers`: the durable outbox and inbox. One row per instance, direction and server; the
 *   SOP Instance UID is the idempotency key, so asking twice is a no-op and a retry can never
 *   send or fetch an instance a second time once it is done. `state` pending → running → done,
 *   or parked (a permanent refusal, with its reason, until the person retries). `attempts`,
 *   `next_attempt_at` and `last_error` drive the backoff. A row left 'running' by a crash is
 *   pending again at the next start.
 */
export const sync: Migration = {
  version: 7,
  name: 'sync',
  sql: `
    CREATE TABLE servers (
      id              TEXT PRIMARY KEY,
      name            TEXT NOT NULL,
      base_url        TEXT NOT NULL,
      auth            TEXT NOT NULL CHECK (auth IN ('none', 'basic', 'bearer')),
      username        TEXT NOT NULL DEFAULT '',
      is_default      INTEGER NOT NULL DEFAULT 0,
      auto_upload     INTEGER NOT NULL DEFAULT 0,
      last_success_at TEXT,
      created_at      TEXT NOT NULL
    );

    CREATE TABLE transfers (
      id               INTEGER PRIMARY KEY,
      server_id        TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
      direction        TEXT NOT NULL CHECK (direction IN ('upload', 'download')),
      sop_instance_uid TEXT NOT NULL,
      study_uid        TEXT NOT NULL,
      series_uid       TEXT NOT NULL,
      state            TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'parked')),
      attempts         INTEGER NOT NULL DEFAULT 0,
      next_attempt_at  TEXT NOT NULL,
      last_error       TEXT,
      created_at       TEXT NOT NULL,
      updated_at       TEXT NOT NULL,
      UNIQUE (server_id, direction, sop_instance_uid)
    );
    CREATE INDEX transfers_due ON transfers (state, next_attempt_at);
    CREATE INDEX transfers_by_study ON transfers (study_uid, direction);
  `,
};
