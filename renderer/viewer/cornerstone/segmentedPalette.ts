/**
 * Segmented palette colour lookup tables (PS3.3 C.7.9.2), expanded into the plain tables the
 * image loader understands. cornerstone-wado-image-loader 4.13.2 reads only the plain Palette
 * Color Lookup Table Data; on a file with segmented tables (ultrasound, e.g. ALOKA) its metadata
 * provider throws inside a promise and the image load never settles. DCMTK 3.6.7 does not support
 * them either; GDCM does, and the fidelity test compares against GDCM's expansion.
 */
import type { DataSet } from 'dicom-parser';

const SEGMENTED = { red: 'x00281221', green: 'x00281222', blue: 'x00281223' } as const;
const DESCRIPTOR = { red: 'x00281101', green: 'x00281102', blue: 'x00281103' } as const;

export function hasSegmentedPalette(dataSet: DataSet): boolean {
  return dataSet.elements[SEGMENTED.red] !== undefined;
}

/** Expands one segmented table into `entries` values. */
export function expandSegmentedLut(words: ArrayLike<number>, entries: number): number[] {
  const out: number[] = [];
  const expandFrom = (start: number, stop: number) => {
    let position = start;
    while (position < stop && out.length < entries) {
      const opcode = words[position++] ?? 0;
      const length = words[position++] ?? 0;
      if (opcode === 0) {
        for (let n = 0; n < length; n += 1) out.push(words[position++] ?? 0);
      } else if (opcode === 1) {
        const end = words[position++] ?? 0;
        const start = out[out.length - 1] ?? end;
        for (let n = 1; n <= length; n += 1) out.push(Math.round(start + ((end - start) * n) / length));
      } else if (opcode === 2) {
        // Indirect: copy `length` segments found at a 32-bit word offset (low word first).
        const low = words[position++] ?? 0;
        const high = words[position++] ?? 0;
        const offset = low + high * 0x10000;
        let cursor = offset;
        for (let n = 0; n < length; n += 1) {
          const segmentStart = cursor;
          const segmentOpcode = words[cursor] ?? 0;
          const segmentLength = words[cursor + 1] ?? 0;
          cursor += segmentOpcode === 0 ? 2 + segmentLength : segmentOpcode === 1 ? 3 : 4;
          expandFrom(segmentStart, cursor);
        }
      } else {
        break;
      }
    }
  };
  expandFrom(0, words.length);
  while (out.length < entries) out.push(out[out.length - 1] ?? 0);
  return out.slice(0, entries);
}

function words(dataSet: DataSet, tag: string): number[] {
  const element = dataSet.elements[tag];
  if (!element) return [];
  const count = Math.floor(element.length / 2);
  return Array.from({ length: count }, (_, n) => dataSet.uint16(tag, n) ?? 0);
}

/** The imagePixelModule the loader expects, with the segmented tables expanded. */
export function imagePixelModuleWithExpandedPalette(dataSet: DataSet): Record<string, unknown> {
  const descriptor = (colour: keyof typeof DESCRIPTOR): [number, number, number] => {
    const entries = dataSet.uint16(DESCRIPTOR[colour], 0) ?? 0;
    return [entries === 0 ? 65536 : entries, dataSet.uint16(DESCRIPTOR[colour], 1) ?? 0, dataSet.uint16(DESCRIPTOR[colour], 2) ?? 16];
  };
  const table = (colour: keyof typeof SEGMENTED) => expandSegmentedLut(words(dataSet, SEGMENTED[colour]), descriptor(colour)[0]);
  return {
    samplesPerPixel: dataSet.uint16('x00280002'),
    photometricInterpretation: dataSet.string('x00280004'),
    rows: dataSet.uint16('x00280010'),
    columns: dataSet.uint16('x00280011'),
    bitsAllocated: dataSet.uint16('x00280100'),
    bitsStored: dataSet.uint16('x00280101'),
    highBit: dataSet.uint16('x00280102'),
    pixelRepresentation: dataSet.uint16('x00280103'),
    planarConfiguration: dataSet.uint16('x00280006'),
    pixelAspectRatio: dataSet.string('x00280034'),
    smallestPixelValue: undefined,
    largestPixelValue: undefined,
    redPaletteColorLookupTableDescriptor: descriptor('red'),
    greenPaletteColorLookupTableDescriptor: descriptor('green'),
    bluePaletteColorLookupTableDescriptor: descriptor('blue'),
    redPaletteColorLookupTableData: table('red'),
    greenPaletteColorLookupTableData: table('green'),
    bluePaletteColorLookupTableData: table('blue'),
  };
}
