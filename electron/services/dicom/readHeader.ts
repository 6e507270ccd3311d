/**
 * Reads an instance's header (everything before Pixel Data) with dicom-parser, and decides
 * whether the file is a complete, importable instance — with a reason a technician can act on
 * when it is not.
 *
 * dicom-parser is lenient where an archive must not be: it does not throw on a file cut inside
 * its pixel data (it stops at Pixel Data's tag when asked to, without looking at its length), so
 * the bounds of Pixel Data — native or encapsulated fragment by fragment — are checked here.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { SopClass, Tag, TransferSyntax } from '../../../shared/dicom/tags';
import { type CharacterSet, characterSetOf, decodeText } from './characterSets';
import type { InstanceHeader } from './instanceHeader';
import { hasPart10Prefix } from './part10Prefix';

export type HeaderResult = { ok: true; header: InstanceHeader } | { ok: false; reason: string; directory?: boolean };

/**
 * The file behind the bytes given: its full size, and reading elsewhere in it. An import reads
 * only a file's head (enough for the header) and looks further only where it must — the
 * encapsulated pixel data's fragment headers — and the rest of the file is copied by the kernel.
 */
export interface FileAccess {
  size: number;
  readAt(position: number, length: number): Promise<Uint8Array>;
}

/** The head did not hold the whole header: read the whole file and call again. */
export const NEEDS_WHOLE_FILE = { ok: false, reason: 'the header does not end within the bytes read', needsWholeFile: true } as const;

function wholeFile(bytes: Uint8Array): FileAccess {
  return { size: bytes.length, readAt: (position, length) => Promise.resolve(bytes.subarray(position, position + length)) };
}

const PART10_PREFIX_END = 132;

/** Files with no preamble: accepted only if they start like a dataset (a group 0002 or 0008 tag). */
function looksLikeRawDataset(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const group = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  return group === 0x0002 || group === 0x0008;
}

function parseErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'exception' in error) return String(error.exception);
  return String(error);
}

/** Where Pixel Data ends, or the byte at which the file runs out inside it. */
async function checkPixelDataBounds(dataSet: DataSet, file: FileAccess): Promise<string | null> {
  const pixelData = dataSet.elements[Tag.PixelData];
  if (!pixelData) return null;
  const size = file.size;
  const start = pixelData.dataOffset ?? 0;
  if (!pixelData.hadUndefinedLength) {
    const end = start + pixelData.length;
    return end > size ? `truncated in pixel data at byte ${size} (pixel data needs ${end} bytes)` : null;
  }
  // Encapsulated: items (FFFE,E000) each with a length, closed by a sequence delimiter (FFFE,E0DD).
  let position = start;
  for (;;) {
    if (position + 8 > size) return `truncated in pixel data at byte ${size} (an encapsulated fragment header is cut off)`;
    const bytes = await file.readAt(position, 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const group = view.getUint16(0, true);
    const element = view.getUint16(2, true);
    const length = view.getUint32(4, true);
    if (group !== 0xfffe) return `damaged pixel data at byte ${position} (expected an item tag, found (${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')}))`;
    if (element === 0xe0dd) return null;
    if (element !== 0xe000) return `damaged pixel data at byte ${position} (unexpected delimiter)`;
    position += 8 + length;
    if (position > size) return `truncated in pixel data at byte ${size} (a fragment needs ${position} bytes)`;
  }
}

function text(dataSet: DataSet, tag: string, characterSet: CharacterSet): string {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0 || element.dataOffset === undefined) return '';
  const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  // Values are padded with spaces (or NUL for UIDs); trailing padding is not part of the value.
  return decodeText(bytes, characterSet).replace(/[\s\0]+$/, '');
}

function ascii(dataSet: DataSet, tag: string): string {
  return (dataSet.string(tag) ?? '').replace(/\0+$/, '').trim();
}

/** Every value of a multi-valued numeric string, as stored ("0.74\0.74"). */
function allValues(dataSet: DataSet, tag: string): string {
  return ascii(dataSet, tag)
    .split('\\')
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .join('\\');
}

/**
 * A DA value as YYYYMMDD, or '' when it is not a date. Old (ACR-NEMA era) files write
 * "1994.11.05"; the dots are dropped so such studies sort and filter with the rest.
 */
function date(dataSet: DataSet, tag: string): string {
  const digits = ascii(dataSet, tag).replace(/\./g, '');
  return /^\d{8}$/.test(digits) ? digits : '';
}

function integer(dataSet: DataSet, tag: string): number | null {
  const value = Number.parseInt(ascii(dataSet, tag), 10);
  return Number.isFinite(value) ? value : null;
}

function decimal(dataSet: DataSet, tag: string): number | null {
  const raw = ascii(dataSet, tag).split('\\')[0] ?? '';
  const value = Number.parseFloat(raw);
  return raw !== '' && Number.isFinite(value) ? value : null;
}

function unsigned16(dataSet: DataSet, tag: string): number | null {
  const element = dataSet.elements[tag];
  return element && element.length >= 2 ? (dataSet.uint16(tag) ?? null) : null;
}

/**
 * @param bytes the file, or its head (its first bytes) when `file` gives the rest. A Node
 *   Buffer, not a plain Uint8Array: dicom-parser inflates deflated transfer syntaxes with zlib,
 *   which needs a Buffer.
 * @returns NEEDS_WHOLE_FILE when the head was not enough (a header longer than the head, a
 *   deflated file, a file without pixel data longer than the head).
 */
export async function readInstanceHeader(bytes: Buffer, file: FileAccess = wholeFile(bytes)): Promise<HeaderResult | typeof NEEDS_WHOLE_FILE> {
  const size = file.size;
  const partial = bytes.length < size;
  if (size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  const part10 = hasPart10Prefix(bytes);
  if (part10 && size === PART10_PREFIX_END) return { ok: false, reason: 'truncated in header: nothing after the DICM prefix (132 bytes)' };
  if (!part10 && !looksLikeRawDataset(bytes)) return { ok: false, reason: 'not DICOM (no DICM prefix and no DICOM dataset at the start)' };

  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      untilTag: Tag.PixelData,
      // Files without a Part-10 header are raw datasets; PS3.5 makes Implicit VR Little Endian the default.
      ...(part10 ? {} : { TransferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian }),
    });
  } catch (error) {
    if (partial) return NEEDS_WHOLE_FILE;
    const message = parseErrorText(error);
    if (/buffer overrun|past end|beyond|truncated|end of buffer|outside/i.test(message)) {
      return { ok: false, reason: `truncated in header (the file ends at byte ${size} inside the DICOM header)` };
    }
    return { ok: false, reason: part10 ? `unreadable DICOM header (${message.replace(/^dicomParser\.\w+: /, '')})` : 'not DICOM (not a readable DICOM dataset)' };
  }

  const mediaClass = ascii(dataSet, Tag.MediaStorageSOPClassUID);
  if (mediaClass === SopClass.MediaStorageDirectory) return { ok: false, reason: 'DICOMDIR (the index of a DICOM disc, not an image)', directory: true };

  const deflated = ascii(dataSet, Tag.TransferSyntaxUID) === TransferSyntax.DeflatedExplicitVRLittleEndian;
  // Without Pixel Data in the head, the rest of the file must be read to know it is complete;
  // a deflated file is only readable whole.
  if (partial && (deflated || !dataSet.elements[Tag.PixelData])) return NEEDS_WHOLE_FILE;
  // A deflated file's byteArray is the inflated dataset; its bounds are the inflated size.
  const bounds = await checkPixelDataBounds(dataSet, deflated ? wholeFile(dataSet.byteArray) : file);
  if (bounds) return { ok: false, reason: bounds };

  const studyInstanceUid = ascii(dataSet, Tag.StudyInstanceUID);
  const seriesInstanceUid = ascii(dataSet, Tag.SeriesInstanceUID);
  const sopInstanceUid = ascii(dataSet, Tag.SOPInstanceUID);
  const missing = [
    ['SOP Instance UID', sopInstanceUid],
    ['Study Instance UID', studyInstanceUid],
    ['Series Instance UID', seriesInstanceUid],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    if (!part10 && missing.length === 3) return { ok: false, reason: 'not DICOM (no DICM prefix and no instance UIDs)' };
    return { ok: false, reason: `missing ${missing.join(', ')}` };
  }

  const characterSet = characterSetOf(ascii(dataSet, Tag.SpecificCharacterSet));
  const transferSyntaxUid = ascii(dataSet, Tag.TransferSyntaxUID) || TransferSyntax.ImplicitVRLittleEndian;
  const hasPixels = dataSet.elements[Tag.PixelData] !== undefined;
  return {
    ok: true,
    header: {
      patientName: text(dataSet, Tag.PatientName, characterSet),
      patientId: text(dataSet, Tag.PatientID, characterSet),
      issuerOfPatientId: text(dataSet, Tag.IssuerOfPatientID, characterSet),
      patientBirthDate: date(dataSet, Tag.PatientBirthDate),
      patientSex: ascii(dataSet, Tag.PatientSex),
      studyInstanceUid,
      studyDate: date(dataSet, Tag.StudyDate),
      studyTime: ascii(dataSet, Tag.StudyTime),
      accessionNumber: text(dataSet, Tag.AccessionNumber, characterSet),
      studyId: text(dataSet, Tag.StudyID, characterSet),
      studyDescription: text(dataSet, Tag.StudyDescription, characterSet),
      referringPhysicianName: text(dataSet, Tag.ReferringPhysicianName, characterSet),
      seriesInstanceUid,
      modality: ascii(dataSet, Tag.Modality),
      seriesNumber: integer(dataSet, Tag.SeriesNumber),
      seriesDescription: text(dataSet, Tag.SeriesDescription, characterSet),
      bodyPartExamined: text(dataSet, Tag.BodyPartExamined, characterSet),
      sopInstanceUid,
      sopClassUid: ascii(dataSet, Tag.SOPClassUID),
      instanceNumber: integer(dataSet, Tag.InstanceNumber),
      transferSyntaxUid,
      rows: unsigned16(dataSet, Tag.Rows),
      columns: unsigned16(dataSet, Tag.Columns),
      frames: hasPixels ? (integer(dataSet, Tag.NumberOfFrames) ?? 1) : null,
      photometricInterpretation: ascii(dataSet, Tag.PhotometricInterpretation),
      pixelSpacing: allValues(dataSet, Tag.PixelSpacing),
      sliceThickness: decimal(dataSet, Tag.SliceThickness),
      sliceLocation: decimal(dataSet, Tag.SliceLocation),
      imagePositionPatient: allValues(dataSet, Tag.ImagePositionPatient),
      imageOrientationPatient: allValues(dataSet, Tag.ImageOrientationPatient),
      windowCenter: allValues(dataSet, Tag.WindowCenter),
      windowWidth: allValues(dataSet, Tag.WindowWidth),
      fileSize: size,
    },
  };
}

/** Whether a result asks for the whole file. */
export function needsWholeFile(result: HeaderResult | typeof NEEDS_WHOLE_FILE): result is typeof NEEDS_WHOLE_FILE {
  return 'needsWholeFile' in result;
}
