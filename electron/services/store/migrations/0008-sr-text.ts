import type { Migration } from '../migration-type';

/**
 * The text of the SRs read (a diagnostic report's sections) and whether each is a verified,
 * complete document: reports written elsewhere are shown beside this workstation's own.
 * SRs read before this version are read again (their rows go) to get their text.
 */
export const srText: Migration = {
  version: 8,
  name: 'sr-text',
  sql: `
    ALTER TABLE sr_documents ADD COLUMN sections TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sr_documents ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
    DELETE FROM sr_documents WHERE origin = 'imported' AND restored = 0;
  `,
};
