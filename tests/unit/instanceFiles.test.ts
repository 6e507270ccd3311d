import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceFilePath, isDicomUid, resolveInstanceRequest } from '../../electron/services/instanceFiles';

const root = '/data/instances';

describe('instance files', () => {
  it('accepts DICOM UIDs and nothing else', () => {
    for (const uid of ['1.2.840.10008.1.2', '1.2.826.0.1.3680043.8.498.12345', '2.25.329800735698586629295641978511506172918']) expect(isDicomUid(uid), uid).toBe(true);
    for (const bad of ['', '1', '1..2', '1.02', '.1.2', '1.2.', '../1.2', '1.2/3', '1.2\u00003', `1.${'2'.repeat(63)}`, 'abc']) expect(isDicomUid(bad), bad).toBe(false);
  });

  it('places a file inside the instances folder, spread by a hash of its UID', () => {
    const file = instanceFilePath(root, '1.2.840.113619.2.55.3.1');
    expect(path.dirname(path.dirname(file))).toBe(root);
    expect(path.basename(file)).toBe('1.2.840.113619.2.55.3.1.dcm');
    expect(path.basename(path.dirname(file))).toMatch(/^[0-9a-f]{2}$/);
    expect(instanceFilePath(root, '1.2.3.4')).toBe(instanceFilePath(root, '1.2.3.4'));
    expect(() => instanceFilePath(root, '../../etc/passwd')).toThrow();
  });

  it('resolves a URL segment only when it decodes to a UID', () => {
    expect(resolveInstanceRequest(root, '1.2.3.4')).toBe(instanceFilePath(root, '1.2.3.4'));
    for (const segment of ['..%2F..%2Flibrary.sqlite', '%2Fetc%2Fpasswd', '%E0%A4%A', '1.2.3.4%00', '']) expect(resolveInstanceRequest(root, segment), segment).toBeNull();
  });
});
