import type { Migration } from '../migration-type';

/**
 * A certificate a person chose to trust for one server (PEM): a PACS with a self-signed
 * certificate, or one made out by the hospital's own authority. NULL: only the usual
 * authorities. It is public data (what the server shows anyone), so it sits beside the address.
 */
export const trustedCertificates: Migration = {
  version: 10,
  name: 'trusted-certificates',
  sql: `
    ALTER TABLE servers ADD COLUMN trusted_certificate TEXT;
  `,
};
