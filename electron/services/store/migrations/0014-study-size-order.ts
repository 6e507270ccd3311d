import type { Migration } from '../migration-type';

/**
 * The study list sorts by size on disk (biggest first: what to delete when the disk is nearly
 * full) and by image count. Without an index, each such page sorted every study: 33 ms at
 * 50,000 studies against 7 ms for the other sorts (bench "study search"). With one, a page
 * reads the index's end.
 */
export const studySizeOrder: Migration = {
  version: 14,
  name: 'study-size-order',
  sql: `
    CREATE INDEX studies_by_size      ON studies (total_bytes);
    CREATE INDEX studies_by_instances ON studies (instance_count);
  `,
};
