/**
 * The DICOMDIR's records for exported instances: patient → study → series → instance, with the
 * keys PS3.3 Annex F asks each record type for, taken from the instance files themselves.
 *
 * Text keys are copied as the files' own bytes, with the files' own Specific Character Set in the
 * record: a Japanese name in ISO 2022 stays exactly what the modality wrote, with nothing decoded
 * and encoded again. Runs in: the export worker (Node).
 */
import type { DataSet } from 'dicom-parser';
import { Tag } from '../../../shared/dicom/tags';
import { type DirectoryElement, type DirectoryRecord, type DirectoryVr, element, rawValue, sequenceValue, textValue } from './dicomdirWriter';

/** What the DICOMDIR needs of one exported instance: its records' keys, taken from its header. */
export interface DescribedInstance {
  /** Patient ID and name as written: instances with the same go under one PATIENT record. */
  patientKey: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patient: DirectoryElement[];
  study: DirectoryElement[];
  series: DirectoryElement[];
  instance: DirectoryRecord;
}

/** Where an instance is on the disc, for values made up from it: its study folder's name, its series' and its own number there. */
interface DiscPlace {
  study: string;
  seriesNumber: number;
  instanceNumber: number;
}

/** From a File ID such as DICOM/ST000002/SE000003/IM000004: ST000002, 3 and 4. */
function discPlaceOf(fileId: readonly string[]): DiscPlace {
  const number = (part: string | undefined) => Number.parseInt((part ?? '').replace(/^\D+/, ''), 10) || 1;
  return { study: fileId.at(-3) ?? 'ST000001', seriesNumber: number(fileId.at(-2)), instanceNumber: number(fileId.at(-1)) };
}

/** The record type a DICOMDIR lists an instance under, or null for kinds it does not list. */
function recordTypeOf(header: DataSet): 'IMAGE' | 'SR DOCUMENT' | null {
  const sopClass = header.string(Tag.SOPClassUID) ?? '';
  // Structured reports (PS3.4 B.5: the 1.2.840.10008.5.1.4.1.1.88 family).
  if (sopClass.startsWith('1.2.840.10008.5.1.4.1.1.88.')) return 'SR DOCUMENT';
  if (header.elements[Tag.PixelData] || header.elements[Tag.FloatPixelData] || header.elements[Tag.DoubleFloatPixelData]) return 'IMAGE';
  return null;
}

const tag = (hex: string): number => Number.parseInt(hex.slice(1), 16);

/** The file's bytes of an element, as a key of the given VR (empty when the file has none). */
function copied(header: DataSet, key: string, vr: DirectoryVr): DirectoryElement {
  const found = header.elements[key];
  const bytes = found && found.length > 0 ? header.byteArray.subarray(found.dataOffset, found.dataOffset + found.length) : new Uint8Array(0);
  // Trailing padding (space or NUL) written as the file had it; a value cut odd is made even.
  return element(tag(key), vr, rawValue(vr, bytes));
}

/** The Specific Character Set key, when the file declares one (PS3.3 F.3.2.2: 1C). */
function characterSet(header: DataSet): DirectoryElement[] {
  return header.elements[Tag.SpecificCharacterSet]?.length ? [copied(header, Tag.SpecificCharacterSet, 'CS')] : [];
}

/**
 * A key the record type requires a value for (PS3.3 Annex F, type 1) that the file leaves empty:
 * the first of the file's other values that means the same, else one made up, as DCMTK's
 * dcmmkdir does with --invent (a study with no Study ID gets the name of its folder on the disc).
 */
function required(header: DataSet, key: string, vr: DirectoryVr, alternatives: readonly string[], invented: () => string | null): DirectoryElement {
  for (const candidate of [key, ...alternatives]) {
    if (header.elements[candidate]?.length) return { ...copied(header, candidate, vr), tag: tag(key) };
  }
  const value = invented();
  return element(tag(key), vr, value === null ? Buffer.alloc(0) : textValue(vr, value));
}

function patientKeys(header: DataSet, place: DiscPlace): DirectoryElement[] {
  return [
    ...characterSet(header),
    copied(header, Tag.PatientName, 'PN'),
    required(header, Tag.PatientID, 'LO', [], () => `NOID_${place.study}`),
    copied(header, Tag.PatientBirthDate, 'DA'),
    copied(header, Tag.PatientSex, 'CS'),
  ];
}

function studyKeys(header: DataSet, place: DiscPlace): DirectoryElement[] {
  return [
    ...characterSet(header),
    // No study date or time: the series', acquisition's or content's stand in; none is made up.
    required(header, Tag.StudyDate, 'DA', [Tag.SeriesDate, Tag.AcquisitionDate, Tag.ContentDate], () => null),
    required(header, Tag.StudyTime, 'TM', [Tag.SeriesTime, Tag.AcquisitionTime, Tag.ContentTime], () => null),
    copied(header, Tag.AccessionNumber, 'SH'),
    copied(header, Tag.StudyDescription, 'LO'),
    copied(header, Tag.StudyInstanceUID, 'UI'),
    required(header, Tag.StudyID, 'SH', [], () => place.study),
  ];
}

function seriesKeys(header: DataSet, place: DiscPlace): DirectoryElement[] {
  return [
    ...characterSet(header),
    copied(header, Tag.Modality, 'CS'),
    copied(header, Tag.SeriesDescription, 'LO'),
    copied(header, Tag.SeriesInstanceUID, 'UI'),
    required(header, Tag.SeriesNumber, 'IS', [], () => String(place.seriesNumber)),
  ];
}

/** SR DOCUMENT's own keys (PS3.3 F.5.21): flags, content date and time, and the document's title. */
function srKeys(header: DataSet): DirectoryElement[] {
  const title = header.elements[Tag.ConceptNameCodeSequence]?.items?.[0]?.dataSet;
  return [
    characterSet(header),
    [copied(header, Tag.CompletionFlag, 'CS'), copied(header, Tag.VerificationFlag, 'CS'), copied(header, Tag.ContentDate, 'DA'), copied(header, Tag.ContentTime, 'TM')],
    title ? [element(tag(Tag.ConceptNameCodeSequence), 'SQ', sequenceValue([[copied(title, Tag.CodeValue, 'SH'), copied(title, Tag.CodingSchemeDesignator, 'SH'), copied(title, Tag.CodeMeaning, 'LO')]]))] : [],
  ].flat();
}

function instanceRecord(header: DataSet, fileId: readonly string[], place: DiscPlace, type: 'IMAGE' | 'SR DOCUMENT'): DirectoryRecord {
  const transferSyntax = header.string(Tag.TransferSyntaxUID) ?? '';
  return {
    type,
    keys: [
      element(tag(Tag.ReferencedFileID), 'CS', textValue('CS', fileId.join('\\'))),
      copiedAs(header, Tag.SOPClassUID, Tag.ReferencedSOPClassUIDInFile),
      copiedAs(header, Tag.SOPInstanceUID, Tag.ReferencedSOPInstanceUIDInFile),
      element(tag(Tag.ReferencedTransferSyntaxUIDInFile), 'UI', textValue('UI', transferSyntax)),
      required(header, Tag.InstanceNumber, 'IS', [], () => String(place.instanceNumber)),
      ...(type === 'SR DOCUMENT' ? srKeys(header) : []),
    ],
    children: [],
  };
}

/** A UID of the file under another tag (Referenced SOP … in File). */
function copiedAs(header: DataSet, from: string, to: string): DirectoryElement {
  return { ...copied(header, from, 'UI'), tag: tag(to) };
}

const textOf = (header: DataSet, key: string): string => {
  const found = header.elements[key];
  return found ? Buffer.from(header.byteArray.subarray(found.dataOffset, found.dataOffset + found.length)).toString('latin1').replace(/[\0 ]+$/, '') : '';
};

/**
 * The keys of an instance's records (every value copied out, so the header can be let go), or
 * null for a kind of instance this export does not list (see recordTypeOf).
 * @param fileId Referenced File ID components, e.g. ['DICOM', 'ST000001', 'SE000001', 'IM000001']
 */
export function describeInstance(header: DataSet, fileId: readonly string[]): DescribedInstance | null {
  const type = recordTypeOf(header);
  if (!type) return null;
  const place = discPlaceOf(fileId);
  return {
    patientKey: `${textOf(header, Tag.PatientID)}\u0000${textOf(header, Tag.PatientName)}`,
    studyInstanceUid: textOf(header, Tag.StudyInstanceUID),
    seriesInstanceUid: textOf(header, Tag.SeriesInstanceUID),
    patient: patientKeys(header, place),
    study: studyKeys(header, place),
    series: seriesKeys(header, place),
    instance: instanceRecord(header, fileId, place, type),
  };
}

/** The record tree, in the order given: the first instance of a patient, study or series gives its record's keys. */
export function directoryRecords(instances: readonly DescribedInstance[]): DirectoryRecord[] {
  const patients = new Map<string, DirectoryRecord>();
  const studies = new Map<string, DirectoryRecord>();
  const series = new Map<string, DirectoryRecord>();
  for (const described of instances) {
    let patient = patients.get(described.patientKey);
    if (!patient) patients.set(described.patientKey, (patient = { type: 'PATIENT', keys: described.patient, children: [] }));
    let study = studies.get(described.studyInstanceUid);
    if (!study) {
      studies.set(described.studyInstanceUid, (study = { type: 'STUDY', keys: described.study, children: [] }));
      patient.children.push(study);
    }
    let seriesRecord = series.get(described.seriesInstanceUid);
    if (!seriesRecord) {
      series.set(described.seriesInstanceUid, (seriesRecord = { type: 'SERIES', keys: described.series, children: [] }));
      study.children.push(seriesRecord);
    }
    seriesRecord.children.push(described.instance);
  }
  return [...patients.values()];
}
