/**
 * Folders of patient discs and exports are often named after the patient, and Node's file errors
 * quote the path they failed on: such paths never reach the log or the renderer.
 */
import { describe, expect, it } from 'vitest';
import { describeError, redactPaths } from '../../electron/logging/log';
import { LibraryDiskFullError } from '../../electron/services/diskSpace';
import { describeImportFailure } from '../../electron/services/import/fileErrors';

const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/media/cdrom/DOE_JOHN_1961/DCMDT/D0000001'"), { code: 'ENOENT' });

describe('paths in error messages', () => {
  it('are redacted from log lines, keeping the code', () => {
    const described = describeError(enoent);
    expect(described).toMatchObject({ code: 'ENOENT', message: 'ENOENT: no such file or directory, open <path>' });
    expect(JSON.stringify(described)).not.toContain('DOE_JOHN');
    expect(redactPaths('copy failed: C:\\Exports\\Müller Hans\\IM0001 (EIO)')).toBe('copy failed: <path>');
    expect(redactPaths('worker stopped (exit code 1)')).toBe('worker stopped (exit code 1)');
  });

  it('are not in the reason an import failed, as shown in the window', () => {
    expect(describeImportFailure(Object.assign(new Error("ENOSPC: no space left on device, write '/home/rad/lib/incoming/x.part'"), { code: 'ENOSPC' }))).toBe('the disk holding the library is full');
    expect(describeImportFailure(enoent)).toBe('a file error (ENOENT)');
    expect(describeImportFailure(new Error("cannot read '/media/cdrom/DOE_JOHN'"))).toBe('cannot read <path>');
  });

  it('name the library’s disk, not a path, when the library cannot write', () => {
    // SQLite's own codes (better-sqlite3 keeps them on the error, and they cross from the store worker).
    expect(describeImportFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe('the disk holding the library is full');
    expect(describeImportFailure(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }))).toBe('the library’s folder is read-only');
    expect(describeImportFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe('an input/output error on the library’s disk');
    expect(describeImportFailure(Object.assign(new Error("EDQUOT: disk quota exceeded, write '/home/rad/lib/incoming/x.part'"), { code: 'EDQUOT' }))).toBe('the disk quota of the library’s folder is used up');
    // The workstation's own check says how full, in figures.
    const full = new LibraryDiskFullError({ freeBytes: 7_100_000, reserveBytes: 2_097_152 }, 16_000_000);
    expect(describeImportFailure(full)).toBe('the disk holding the library is full: 7.1 MB free, the next files need 16 MB, and 2.1 MB is kept free for the database and report drafts');
  });
});
