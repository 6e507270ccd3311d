import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, element, textValue, writeDicomdir } from '../../electron/services/export/dicomdirWriter';

const PATIENT_NAME = 0x00100010;
const SERIES_UID = 0x0020000e;

const record = (type: string, name: string, children: DirectoryRecord[] = []): DirectoryRecord => ({
  type,
  keys: [element(type === 'PATIENT' ? PATIENT_NAME : SERIES_UID, type === 'PATIENT' ? 'PN' : 'UI', textValue(type === 'PATIENT' ? 'PN' : 'UI', name))],
  children,
});

describe('writeDicomdir', () => {
  const tree = [record('PATIENT', 'DOE^JANE', [record('SERIES', '1.2.3', [record('IMAGE', '1.2.3.1'), record('IMAGE', '1.2.3.2')]), record('SERIES', '1.2.4')]), record('PATIENT', 'ROE^RICHARD')];
  const bytes = writeDicomdir(tree, '2.25.1', 'TEST');
  const parsed = dicomParser.parseDicom(bytes);
  const items = parsed.elements['x00041220']!.items!;
  const at = new Map(items.map((item) => [item.dataOffset - 8, item.dataSet!]));
  const offset = (set: dicomParser.DataSet, tag: string) => set.uint32(tag) ?? -1;

  it('lays the records out depth first, one item each', () => {
    expect(items.map((item) => item.dataSet!.string('x00041430'))).toEqual(['PATIENT', 'SERIES', 'IMAGE', 'IMAGE', 'SERIES', 'PATIENT']);
    expect(parsed.string('x00020002')).toBe('1.2.840.10008.1.3.10');
    expect(parsed.string('x00041130')).toBe('TEST');
  });

  it('links each record to its next sibling and its first child by byte offset from the file’s start; 0 ends a chain', () => {
    const first = at.get(offset(parsed, 'x00041200'))!;
    expect(first.string('x00100010')).toBe('DOE^JANE');
    expect(at.get(offset(parsed, 'x00041202'))!.string('x00100010')).toBe('ROE^RICHARD');
    const series = at.get(offset(first, 'x00041420'))!;
    expect(series.string('x0020000e')).toBe('1.2.3');
    const image = at.get(offset(series, 'x00041420'))!;
    expect(image.string('x0020000e')).toBe('1.2.3.1');
    expect(at.get(offset(image, 'x00041400'))!.string('x0020000e')).toBe('1.2.3.2');
    expect(offset(at.get(offset(image, 'x00041400'))!, 'x00041400')).toBe(0);
    const secondSeries = at.get(offset(series, 'x00041400'))!;
    expect(secondSeries.string('x0020000e')).toBe('1.2.4');
    expect([offset(secondSeries, 'x00041400'), offset(secondSeries, 'x00041420')]).toEqual([0, 0]);
    const lastPatient = at.get(offset(first, 'x00041400'))!;
    expect([offset(lastPatient, 'x00041400'), offset(lastPatient, 'x00041420')]).toEqual([0, 0]);
    // Every record in use.
    expect(items.every((item) => item.dataSet!.uint16('x00041410') === 0xffff)).toBe(true);
  });

  it('pads odd values to even length: UIDs with NUL, text with a space', () => {
    expect([...textValue('UI', '1.2.3')]).toEqual([...Buffer.from('1.2.3\0')]);
    expect(textValue('CS', 'IMAGE').toString('latin1')).toBe('IMAGE ');
    expect(textValue('CS', 'SERIES').toString('latin1')).toBe('SERIES');
  });
});
