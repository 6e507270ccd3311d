/**
 * The bytes that make a stored file without a Part-10 header readable as a DICOM file.
 *
 * Old files and some secondary captures are bare datasets: no 128-byte preamble, no "DICM", no
 * file meta information. The library keeps them byte for byte as imported. The viewer's image
 * loader (dicom-parser) refuses them, so when one is served for viewing it is preceded by a
 * preamble, "DICM" and — unless the file starts with its own group 0002 — a file meta group
 * declaring Implicit VR Little Endian, the transfer syntax PS3.5 makes the default and the one
 * the importer read it with. Written by hand: 40 lines of PS3.10 §7.1 are simpler than a DICOM
 * writer dependency in the main process.
 */
import dicomParser, { type DataSet } from 'dicom-parser';
import { TransferSyntax } from '../../../shared/dicom/tags';
import { IMPLEMENTATION_CLASS_UID } from '../appIdentity';

const PREAMBLE_AND_PREFIX = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'ascii')]);

export function hasPart10Prefix(head: Uint8Array): boolean {
  return head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

/** An Explicit VR Little Endian element with a short (16-bit) length. */
function element(group: number, elementNumber: number, vr: 'UI' | 'UL', value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'ascii');
  header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

function uid(value: string): Buffer {
  // UIDs are padded to even length with a NUL.
  return Buffer.from(value.length % 2 === 1 ? `${value}\0` : value, 'ascii');
}

function versionElement(): Buffer {
  // (0002,0001) OB: explicit VR with a 32-bit length.
  const header = Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, Buffer.from([0x00, 0x01])]);
}

/**
 * What to send before the stored bytes, or null when the file is a Part-10 file already.
 * @param head the file's first bytes (enough to hold SOP Class and Instance UIDs).
 */
export function part10PrefixFor(head: Buffer): Buffer | null {
  if (hasPart10Prefix(head)) return null;
  const firstGroup = head.length >= 2 ? head.readUInt16LE(0) : 0;
  if (firstGroup === 0x0002) return PREAMBLE_AND_PREFIX;
  let dataSet: DataSet | undefined;
  try {
    dataSet = dicomParser.parseDicom(head, { TransferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian, untilTag: 'x7fe00010' });
  } catch (error) {
    // A head that ends mid-element: dicom-parser hands back what it parsed with the exception.
    dataSet = (error as { dataSet?: DataSet } | null)?.dataSet;
  }
  const sopClass = (dataSet?.string('x00080016') ?? '').replace(/\0+$/, '');
  const sopInstance = (dataSet?.string('x00080018') ?? '').replace(/\0+$/, '');
  const body = Buffer.concat([
    versionElement(),
    element(0x0002, 0x0002, 'UI', uid(sopClass)),
    element(0x0002, 0x0003, 'UI', uid(sopInstance)),
    element(0x0002, 0x0010, 'UI', uid(TransferSyntax.ImplicitVRLittleEndian)),
    element(0x0002, 0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  return Buffer.concat([PREAMBLE_AND_PREFIX, element(0x0002, 0x0000, 'UL', length), body]);
}
