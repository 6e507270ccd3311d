/**
 * Writing a DICOMDIR (PS3.10 §7.2, PS3.3 Annex F): the index a DICOM viewer reads first on a disc
 * or a USB stick. A tree of directory records (patient → study → series → instance) is laid out
 * depth first in one Directory Record Sequence, each record pointing to its next sibling and to
 * its first child by byte offset from the start of the file.
 *
 * Written by hand: dcmjs writes datasets but cannot say where an item lands in its output, and
 * these offsets are the whole point of the file; DCMTK's dcmmkdir is a program, not something a
 * packaged app can count on. Every length here is defined and every offset a fixed-size UL, so
 * the layout is computed first and the bytes written once. Runs anywhere (pure).
 */

import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../appIdentity';

/** The value representations this writer needs. */
export type DirectoryVr = 'AE' | 'CS' | 'DA' | 'IS' | 'LO' | 'OB' | 'PN' | 'SH' | 'SQ' | 'TM' | 'UI' | 'UL' | 'US';

export interface DirectoryElement {
  /** (group << 16) | element. */
  tag: number;
  vr: DirectoryVr;
  /** The value's bytes as they go in the file (even length: padded by the caller's helpers). For SQ: the items' encoded datasets. */
  value: Buffer;
}

export interface DirectoryRecord {
  /** Directory Record Type, e.g. PATIENT, STUDY, SERIES, IMAGE, SR DOCUMENT. */
  type: string;
  /** The record's keys (any order: written in ascending tag order). */
  keys: DirectoryElement[];
  children: DirectoryRecord[];
}

const MEDIA_STORAGE_DIRECTORY_SOP_CLASS = '1.2.840.10008.1.3.10';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

const PREAMBLE_AND_PREFIX = 132;
/** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2). */
const LONG_LENGTH_VRS = new Set<DirectoryVr>(['OB', 'SQ']);

const tagOf = (group: number, element: number): number => ((group << 16) | element) >>> 0;
const TAGS = {
  offsetOfNextRecord: tagOf(0x0004, 0x1400),
  recordInUseFlag: tagOf(0x0004, 0x1410),
  offsetOfLowerLevelEntity: tagOf(0x0004, 0x1420),
  directoryRecordType: tagOf(0x0004, 0x1430),
};

/** Bytes of a value (copied from a file's element), padded to even length (space; UI values: NUL), as PS3.5 §6.2 requires. */
export function rawValue(vr: DirectoryVr, bytes: Uint8Array): Buffer {
  const value = Buffer.from(bytes);
  if (value.length % 2 === 0) return value;
  return Buffer.concat([value, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
}

/** A text value, padded the same way. */
export function textValue(vr: DirectoryVr, text: string): Buffer {
  return rawValue(vr, Buffer.from(text, 'latin1'));
}

export function element(tag: number, vr: DirectoryVr, value: Buffer): DirectoryElement {
  return { tag, vr, value };
}

function ulValue(n: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(n >>> 0);
  return bytes;
}

function usValue(n: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(n);
  return bytes;
}

/** One element, explicit VR little endian, defined length. */
function encodeElement({ tag, vr, value }: DirectoryElement): Buffer {
  const long = LONG_LENGTH_VRS.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else {
    if (value.length > 0xffff) throw new Error(`value of (${tag.toString(16)}) too long for ${vr}`);
    header.writeUInt16LE(value.length, 6);
  }
  return Buffer.concat([header, value]);
}

function encodeDataset(elements: DirectoryElement[]): Buffer {
  return Buffer.concat([...elements].sort((a, b) => a.tag - b.tag).map(encodeElement));
}

/** An item (FFFE,E000) of defined length holding a dataset. */
function encodeItem(elements: DirectoryElement[]): Buffer {
  const body = encodeDataset(elements);
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(0xe000, 2);
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A sequence's value: its items, each a dataset. */
export function sequenceValue(items: DirectoryElement[][]): Buffer {
  return Buffer.concat(items.map(encodeItem));
}

function fileMetaInformation(sopInstanceUid: string): Buffer {
  const elements = encodeDataset([
    element(tagOf(0x0002, 0x0001), 'OB', Buffer.from([0, 1])),
    element(tagOf(0x0002, 0x0002), 'UI', textValue('UI', MEDIA_STORAGE_DIRECTORY_SOP_CLASS)),
    element(tagOf(0x0002, 0x0003), 'UI', textValue('UI', sopInstanceUid)),
    element(tagOf(0x0002, 0x0010), 'UI', textValue('UI', EXPLICIT_VR_LITTLE_ENDIAN)),
    element(tagOf(0x0002, 0x0012), 'UI', textValue('UI', IMPLEMENTATION_CLASS_UID)),
    element(tagOf(0x0002, 0x0013), 'SH', textValue('SH', IMPLEMENTATION_VERSION_NAME)),
  ]);
  const groupLength = encodeElement(element(tagOf(0x0002, 0x0000), 'UL', ulValue(elements.length)));
  const preamble = Buffer.alloc(PREAMBLE_AND_PREFIX);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, groupLength, elements]);
}

/** The records in file order (depth first), each with its next sibling and its first child. */
function flatten(roots: DirectoryRecord[]): Array<{ record: DirectoryRecord; next: DirectoryRecord | null; firstChild: DirectoryRecord | null }> {
  const out: Array<{ record: DirectoryRecord; next: DirectoryRecord | null; firstChild: DirectoryRecord | null }> = [];
  const visit = (siblings: DirectoryRecord[]) => {
    siblings.forEach((record, index) => {
      out.push({ record, next: siblings[index + 1] ?? null, firstChild: record.children[0] ?? null });
      visit(record.children);
    });
  };
  visit(roots);
  return out;
}

/** A record's item with its three offsets filled in (0: none). */
function recordItem(record: DirectoryRecord, nextOffset: number, lowerOffset: number): Buffer {
  return encodeItem([
    element(TAGS.offsetOfNextRecord, 'UL', ulValue(nextOffset)),
    // 0xFFFF: the record is in use (PS3.3 F.3.2.2).
    element(TAGS.recordInUseFlag, 'US', usValue(0xffff)),
    element(TAGS.offsetOfLowerLevelEntity, 'UL', ulValue(lowerOffset)),
    element(TAGS.directoryRecordType, 'CS', textValue('CS', record.type)),
    ...record.keys,
  ]);
}

/**
 * The DICOMDIR's bytes for these top-level records (patients).
 * @param sopInstanceUid the DICOMDIR's own Media Storage SOP Instance UID
 * @param fileSetId File-set ID (up to 16 characters of A–Z, 0–9, _ and space)
 */
export function writeDicomdir(roots: DirectoryRecord[], sopInstanceUid: string, fileSetId: string): Buffer {
  const meta = fileMetaInformation(sopInstanceUid);
  const records = flatten(roots);
  // Item sizes do not depend on the offsets' values (fixed 4-byte ULs): lay out once with zeros.
  const sizes = records.map(({ record }) => recordItem(record, 0, 0).length);
  // Where the Directory Record Sequence's value starts: after the meta information and the
  // main dataset's elements before it (File-set ID, the two root offsets, the consistency flag).
  const head = (first: number, last: number) => [
    element(tagOf(0x0004, 0x1130), 'CS', textValue('CS', fileSetId)),
    element(tagOf(0x0004, 0x1200), 'UL', ulValue(first)),
    element(tagOf(0x0004, 0x1202), 'UL', ulValue(last)),
    element(tagOf(0x0004, 0x1212), 'US', usValue(0)),
  ];
  const sequenceHeaderLength = 12;
  let position = meta.length + encodeDataset(head(0, 0)).length + sequenceHeaderLength;
  const offsets = new Map<DirectoryRecord, number>();
  records.forEach(({ record }, index) => {
    offsets.set(record, position);
    position += sizes[index] ?? 0;
  });
  const offsetOf = (record: DirectoryRecord | null | undefined): number => (record ? (offsets.get(record) ?? 0) : 0);
  const items = records.map(({ record, next, firstChild }) => recordItem(record, offsetOf(next), offsetOf(firstChild)));
  const sequence = element(tagOf(0x0004, 0x1220), 'SQ', Buffer.concat(items));
  const dataset = encodeDataset([...head(offsetOf(roots[0]), offsetOf(roots.at(-1))), sequence]);
  return Buffer.concat([meta, dataset]);
}
