/**
 * Bench data made from real files: copies of the CT series with new Study, Series and SOP
 * Instance UIDs, written in place (same length, so every other byte stays as the scanner wrote
 * it). Gives thousands of distinct, valid instances without inventing pixel data.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { Tag } from '../../shared/dicom/tags';

const UID_TAGS = [Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID, 'x00020003' /* Media Storage SOP Instance UID */];

/** A valid UID of exactly `length` characters: 2.25.1 followed by a zero-padded serial. */
function uidOfLength(length: number, serial: number): string {
  const prefix = '2.25.1';
  const digits = String(serial);
  if (prefix.length + digits.length > length) throw new Error(`a UID field of ${length} bytes is too short`);
  return prefix + digits.padStart(length - prefix.length, '0');
}

/**
 * Gives the file new UIDs (a serial per tag), each filling its field's bytes exactly: UIDs are
 * padded with NUL to an even length. Answers the UIDs written, by tag.
 */
function rewriteUids(copy: Buffer, dataSet: dicomParser.DataSet, serialOf: Record<string, number>): Record<string, string> {
  const written: Record<string, string> = {};
  for (const tag of UID_TAGS) {
    const element = dataSet.elements[tag];
    if (!element?.dataOffset) continue;
    const uid = uidOfLength(element.length - 1, serialOf[tag] ?? 0);
    copy.write(uid.padEnd(element.length, '\0'), element.dataOffset, 'latin1');
    written[tag] = uid;
  }
  return written;
}

export function writeSyntheticSeries(sourceDir: string, targetDir: string, count: number, slicesPerStudy: number): { files: number; bytes: number } {
  const sources = readdirSync(sourceDir)
    .filter((name) => name.endsWith('.dcm'))
    .sort()
    .map((name) => readFileSync(path.join(sourceDir, name)));
  mkdirSync(targetDir, { recursive: true });
  let bytes = 0;
  for (let index = 0; index < count; index += 1) {
    const source = sources[index % sources.length];
    if (!source) throw new Error('no source files');
    const copy = Buffer.from(source);
    const dataSet = dicomParser.parseDicom(copy, { untilTag: Tag.PixelData });
    const study = Math.floor(index / slicesPerStudy);
    const serialOf: Record<string, number> = {
      [Tag.StudyInstanceUID]: 1_000_000 + study,
      [Tag.SeriesInstanceUID]: 2_000_000 + study,
      [Tag.SOPInstanceUID]: 3_000_000 + index,
      x00020003: 3_000_000 + index,
    };
    rewriteUids(copy, dataSet, serialOf);
    writeFileSync(path.join(targetDir, `${String(index).padStart(5, '0')}.dcm`), copy);
    bytes += copy.length;
  }
  return { files: count, bytes };
}

/**
 * An earlier study of the same patient, made from the first `count` slices of a real series:
 * new Study, Series and SOP Instance UIDs (from `serialBase`) and an earlier Study Date, written
 * in place; everything else (patient, pixels) as the scanner wrote it. For comparing with priors.
 */
export function writePriorStudy(sourceDir: string, targetDir: string, options: { count: number; studyDate: string; serialBase: number }): { studyInstanceUid: string; seriesInstanceUid: string } {
  if (!/^\d{8}$/.test(options.studyDate)) throw new Error('a DICOM date is YYYYMMDD');
  const sources = readdirSync(sourceDir)
    .filter((name) => name.endsWith('.dcm'))
    .sort()
    .slice(0, options.count);
  mkdirSync(targetDir, { recursive: true });
  const uids = { studyInstanceUid: '', seriesInstanceUid: '' };
  sources.forEach((name, index) => {
    const copy = readFileSync(path.join(sourceDir, name));
    const dataSet = dicomParser.parseDicom(copy, { untilTag: Tag.PixelData });
    const serialOf: Record<string, number> = {
      [Tag.StudyInstanceUID]: options.serialBase,
      [Tag.SeriesInstanceUID]: options.serialBase + 1,
      [Tag.SOPInstanceUID]: options.serialBase + 100 + index,
      x00020003: options.serialBase + 100 + index,
    };
    const written = rewriteUids(copy, dataSet, serialOf);
    uids.studyInstanceUid = written[Tag.StudyInstanceUID] ?? '';
    uids.seriesInstanceUid = written[Tag.SeriesInstanceUID] ?? '';
    const date = dataSet.elements[Tag.StudyDate];
    if (!date?.dataOffset || date.length !== 8) throw new Error(`${name} has no 8-byte Study Date to move`);
    copy.write(options.studyDate, date.dataOffset, 'latin1');
    writeFileSync(path.join(targetDir, name), copy);
  });
  return uids;
}
