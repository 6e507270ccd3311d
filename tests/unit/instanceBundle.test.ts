import { describe, expect, it } from 'vitest';
import { BundleReader, bundleFrameHeader } from '../../shared/instanceBundle';

function bundleOf(files: Array<[string, Uint8Array | null]>): Uint8Array {
  const parts = files.flatMap(([uid, bytes]) => [bundleFrameHeader(uid, bytes?.length ?? null), ...(bytes ? [bytes] : [])]);
  const whole = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

describe('instance bundles', () => {
  const files: Array<[string, Uint8Array | null]> = [
    ['1.2.3.4', new Uint8Array(1000).map((_, index) => index % 251)],
    ['1.2.3.5', null],
    ['1.2.3.6', new Uint8Array(0)],
    ['1.2.840.99999.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20', new Uint8Array([7, 8, 9])],
  ];
  const whole = bundleOf(files);

  it('reads every file whole, in order, whatever the chunks the answer arrives in', () => {
    for (const size of [1, 2, 3, 5, 8, 13, 71, 72, 73, 500, whole.length]) {
      const received: Array<[string, number[] | null]> = [];
      const reader = new BundleReader((uid, file) => received.push([uid, file === null ? null : [...new Uint8Array(file)]]));
      for (let offset = 0; offset < whole.length; offset += size) reader.push(whole.subarray(offset, offset + size));
      expect(reader.complete, `chunks of ${size}`).toBe(true);
      expect(received, `chunks of ${size}`).toEqual(files.map(([uid, bytes]) => [uid, bytes === null ? null : [...bytes]]));
    }
  });

  it('knows an answer cut off inside a file, and refuses bytes that are not a bundle', () => {
    const reader = new BundleReader(() => undefined);
    reader.push(whole.subarray(0, 500));
    expect(reader.complete).toBe(false);
    expect(() => new BundleReader(() => undefined).push(new Uint8Array([0xff, 0xff, 0, 0, 1, 2, 3, 4]))).toThrow(/not an instance bundle/);
  });
});
