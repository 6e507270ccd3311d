/**
 * Every file under the corpus folder that carries pixel data, with what the comparison needs to
 * know about it, read from the file itself (dicom-parser): no list of file names anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';

export interface CorpusImage {
  file: string;
  /** Path relative to the corpus folder, for the report. */
  name: string;
  studyInstanceUid: string;
  sopInstanceUid: string;
  frames: number;
  photometric: string;
  /** True when colour (RGB, YBR, palette): compared channel by channel, no window. */
  color: boolean;
  /** The file's own first window, when it has one at the top level. */
  window: { windowWidth: number; windowCenter: number } | null;
  hasVoiLut: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : entry.isFile() ? [full] : [];
  });
}

function parse(bytes: Buffer): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes);
  } catch (error) {
    // Files without a Part-10 header are read as Implicit VR Little Endian, as DCMTK does.
    if (String(error).includes('DICM')) return dicomParser.parseDicom(bytes, { TransferSyntaxUID: '1.2.840.10008.1.2' });
    throw error;
  }
}

/** Files that parse and carry Pixel Data; anything else (text, reports, unreadable files) is not an image. */
export function findCorpusImages(corpusDir: string): CorpusImage[] {
  const images: CorpusImage[] = [];
  for (const file of walk(corpusDir).sort()) {
    const name = path.relative(corpusDir, file);
    let dataSet: dicomParser.DataSet;
    try {
      dataSet = parse(readFileSync(file));
    } catch {
      continue;
    }
    if (!dataSet.elements['x7fe00010']) continue;
    const photometric = (dataSet.string('x00280004') ?? '').trim();
    const centers = (dataSet.string('x00281050') ?? '').split('\\').map(Number.parseFloat);
    const widths = (dataSet.string('x00281051') ?? '').split('\\').map(Number.parseFloat);
    const center = centers[0];
    const width = widths[0];
    images.push({
      file,
      name,
      studyInstanceUid: dataSet.string('x0020000d') ?? '',
      sopInstanceUid: dataSet.string('x00080018') ?? '',
      frames: Math.max(1, Number.parseInt(dataSet.string('x00280008') ?? '1', 10) || 1),
      photometric,
      color: !photometric.startsWith('MONOCHROME'),
      window: center !== undefined && width !== undefined && Number.isFinite(center) && Number.isFinite(width) && width > 0 ? { windowWidth: width, windowCenter: center } : null,
      hasVoiLut: dataSet.elements['x00283010'] !== undefined,
    });
  }
  return images;
}
