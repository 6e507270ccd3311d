/**
 * The room on the library's disk, from what statfs says: the reserve kept free, and no verdict
 * where the filesystem does not tell.
 */
import { describe, expect, it } from 'vitest';
import { formatMegabytes, LibraryDiskFullError, roomOf } from '../../electron/services/diskSpace';

describe('the room on the library’s disk', () => {
  it('keeps 5 % of the disk free, at most 256 MB', () => {
    // A 40 MiB disk: 2.1 MB kept.
    expect(roomOf({ blocks: 10_240, bsize: 4096, bavail: 1_000 })).toEqual({ freeBytes: 4_096_000, reserveBytes: 2_097_152 });
    // A 2 TB disk: 256 MB kept, not 100 GB.
    expect(roomOf({ blocks: 500_000_000, bsize: 4096, bavail: 100_000 })?.reserveBytes).toBe(256_000_000);
  });

  it('gives no verdict where the filesystem reports no size (some network and FUSE filesystems)', () => {
    expect(roomOf({ blocks: 0, bsize: 4096, bavail: 0 })).toBeNull();
    expect(roomOf({ blocks: 0, bsize: 0, bavail: 0 })).toBeNull();
  });

  it('says how full in figures', () => {
    expect(formatMegabytes(7_100_000)).toBe('7.1 MB');
    expect(formatMegabytes(1_234_000_000)).toBe('1,234 MB');
    expect(new LibraryDiskFullError({ freeBytes: 300_000_000, reserveBytes: 256_000_000 }, 64_000_000).message).toBe(
      'the disk holding the library is full: 300 MB free, the next files need 64 MB, and 256 MB is kept free for the database and report drafts',
    );
  });
});
