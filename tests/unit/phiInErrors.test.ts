/**
 * Folders of patient discs and exports are often named after the patient, and Node's file errors
 * quote the path they failed on: such paths never reach the log or the renderer.
 */
import { describe, expect, it } from 'vitest';
import { describeError, redactPaths } from '../../electron/logging/log';
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
});
