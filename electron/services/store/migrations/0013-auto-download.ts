import type { Migration } from '../migration-type';

/**
 * Downloading a server's new studies by itself, for reading rooms that must have them before
 * the radiologist opens them (sync/autoDownload.ts).
 *
 * - `servers.auto_download_days`: studies of the last N days (by Study Date) are fetched as they
 *   appear on the server; 0 is off. `servers.auto_download_priors`: with each, that patient's N
 *   most recent earlier studies on the server (the priors a radiologist compares with).
 * - `auto_downloads`: each study queued (or found here already) that way, once per server. A study
 *   the radiologist deletes here, or whose download someone cancelled, is not fetched again by
 *   itself; asking for it by hand still works.
 */
export const autoDownload: Migration = {
  version: 13,
  name: 'auto-download',
  sql: `
    ALTER TABLE servers ADD COLUMN auto_download_days INTEGER NOT NULL DEFAULT 0 CHECK (auto_download_days >= 0);
    ALTER TABLE servers ADD COLUMN auto_download_priors INTEGER NOT NULL DEFAULT 0 CHECK (auto_download_priors >= 0);
    CREATE TABLE auto_downloads (
      server_id TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
      study_uid TEXT NOT NULL,
      seen_at   TEXT NOT NULL,
      PRIMARY KEY (server_id, study_uid)
    );
  `,
};
