import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceFilePath, isAcceptableUid, isDicomUid, resolveInstanceRequest } from '../../electron/services/instanceFiles';

const root = '/data/instances';
const inside = (file: string | null) => file !== null && path.dirname(path.dirname(file)) === root;

describe('instance files', () => {
  it('knows conformant UIDs from merely acceptable ones', () => {
    for (const uid of ['1.2.840.10008.1.2', '1.2.826.0.1.3680043.8.498.12345', '2.25.329800735698586629295641978511506172918']) expect(isDicomUid(uid), uid).toBe(true);
    for (const bad of ['', '1', '1..2', '1.02', '.1.2', '1.2.', '../1.2', 'abc', 'dccc9599087131742838cc1162a630fea87ba9bf61ac09bfda90d4adfa5ddaed']) expect(isDicomUid(bad), bad).toBe(false);
    expect(isAcceptableUid('dccc9599087131742838cc1162a630fea87ba9bf61ac09bfda90d4adfa5ddaed')).toBe(true);
    for (const refused of ['', '1.2 3', '1.2\\3', '1.2\u00003', `1.${'2'.repeat(63)}`, 'naïve']) expect(isAcceptableUid(refused), refused).toBe(false);
  });

  it('names a file after a conformant UID, inside the instances folder, spread by a hash', () => {
    const file = instanceFilePath(root, '1.2.840.113619.2.55.3.1');
    expect(inside(file)).toBe(true);
    expect(path.basename(file)).toBe('1.2.840.113619.2.55.3.1.dcm');
    expect(path.basename(path.dirname(file))).toMatch(/^[0-9a-f]{2}$/);
    expect(instanceFilePath(root, '1.2.3.4')).toBe(instanceFilePath(root, '1.2.3.4'));
  });

  it('never lets a non-conformant UID into a file name: it is hashed', () => {
    for (const uid of ['../../etc/passwd', '..', 'dccc9599087131742838cc1162a630fea87ba9bf61ac09bfda90d4adfa5ddaed']) {
      const file = instanceFilePath(root, uid);
      expect(inside(file), uid).toBe(true);
      expect(path.basename(file), uid).toMatch(/^h-[0-9a-f]{64}\.dcm$/);
    }
    expect(() => instanceFilePath(root, '')).toThrow();
    expect(() => instanceFilePath(root, 'a\\b')).toThrow();
  });

  it('resolves every URL segment to a file inside the instances folder, or to nothing', () => {
    expect(resolveInstanceRequest(root, '1.2.3.4')).toBe(instanceFilePath(root, '1.2.3.4'));
    for (const segment of ['..%2F..%2Flibrary.sqlite', '%2Fetc%2Fpasswd', '..']) expect(inside(resolveInstanceRequest(root, segment)), segment).toBe(true);
    for (const segment of ['%E0%A4%A', '1.2.3.4%00', '', '%20']) expect(resolveInstanceRequest(root, segment), segment).toBeNull();
  });
});
