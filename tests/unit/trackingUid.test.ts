import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { annotationIdFromTrackingUid, trackingUidFromAnnotationId } from '../../electron/services/reports/trackingUid';

describe('annotation ids as UUID-derived DICOM UIDs (PS3.5 B.2)', () => {
  it('writes the UUID as one decimal number under 2.25 and reads it back', () => {
    expect(trackingUidFromAnnotationId('00000000-0000-0000-0000-000000000001')).toBe('2.25.1');
    // The example from PS3.5 B.2.
    expect(trackingUidFromAnnotationId('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe('2.25.329800735698586629295641978511506172918');
    for (let i = 0; i < 50; i += 1) {
      const id = randomUUID();
      const uid = trackingUidFromAnnotationId(id);
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(annotationIdFromTrackingUid(uid)).toBe(id);
    }
  });

  it('gives null for UIDs that are not UUID-derived', () => {
    expect(annotationIdFromTrackingUid('1.2.840.10008.1.2')).toBeNull();
    expect(annotationIdFromTrackingUid('2.25.')).toBeNull();
    expect(annotationIdFromTrackingUid(`2.25.${(1n << 128n).toString()}`)).toBeNull();
  });
});
