/**
 * A signed report (or addendum) as a DICOM Basic Text SR, laid out as TID 2000 "Basic
 * Diagnostic Imaging Report": Findings, Impressions and Recommendations sections, each with its
 * text; the signer as observer and as Verifying Observer (Completion COMPLETE, Verification
 * VERIFIED, Preliminary FINAL); the study's instances as the evidence it reports on; an
 * addendum names the SR of the part before it as its predecessor.
 *
 * Content items are made with dcmjs's SR value types and the file is written by dcmjs. dcmjs's
 * only document class is Comprehensive 3D SR (and its predecessor handling is broken in 0.52),
 * so the Basic Text SR header is put together here from the modules PS3.3 A.35.1 lists.
 * Runs in: the report worker.
 */
import { randomUUID } from 'node:crypto';
import dcmjs from 'dcmjs';
import type { ReportPart, StudySummary } from '../../../shared/api';
import { APP_NAME, APP_VERSION, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../appIdentity';
import { trackingUidFromAnnotationId } from './trackingUid';

export const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';
/** This software's Implementation Class UID (a fixed UUID-derived UID). */

export interface EvidenceInstance {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

export interface ReportSrRequest {
  study: StudySummary;
  part: ReportPart;
  /** Instances of the study the report is about (images; not other reports). */
  evidence: EvidenceInstance[];
  /** The SR of the part this one amends (for an addendum). */
  predecessor: EvidenceInstance | null;
  observerName: string;
  institutionName: string;
  seriesNumber: number;
}

export interface BuiltReportSr {
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
}

const SEVERITY_LABELS: Record<Exclude<ReportPart['severity'], ''>, string> = { normal: 'Normal', minor: 'Minor', significant: 'Significant', critical: 'Critical' };

function code(value: string, schemeDesignator: string, meaning: string) {
  return new dcmjs.sr.coding.CodedConcept({ value, schemeDesignator, meaning });
}

function newUid(): string {
  return trackingUidFromAnnotationId(randomUUID());
}

/** YYYYMMDD and HHMMSS of an ISO time stamp, in UTC (the offset is written alongside). */
function dicomDateTime(iso: string): { date: string; time: string; dateTime: string } {
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 19).replaceAll(':', '');
  return { date, time, dateTime: `${date}${time}+0000` };
}

/** A section container with one text item, or nothing for an empty section (TEXT must have a value). */
function section(title: ReturnType<typeof code>, itemName: ReturnType<typeof code>, text: string): Record<string, unknown>[] {
  if (!text.trim()) return [];
  const container: Record<string, unknown> = new dcmjs.sr.valueTypes.ContainerContentItem({ name: title, relationshipType: 'CONTAINS', isContentContinuous: false });
  // dcmjs 0.52 writes CONTINUOUS whatever it is asked; a section stands on its own.
  container['ContinuityOfContent'] = 'SEPARATE';
  container['ContentSequence'] = [new dcmjs.sr.valueTypes.TextContentItem({ name: itemName, value: text, relationshipType: 'CONTAINS' })];
  return [container];
}

function referencedStudy(studyInstanceUid: string, instances: readonly EvidenceInstance[]): Record<string, unknown> {
  const bySeries = new Map<string, EvidenceInstance[]>();
  for (const instance of instances) bySeries.set(instance.seriesInstanceUid, [...(bySeries.get(instance.seriesInstanceUid) ?? []), instance]);
  return {
    StudyInstanceUID: studyInstanceUid,
    ReferencedSeriesSequence: [...bySeries].map(([seriesInstanceUid, list]) => ({
      SeriesInstanceUID: seriesInstanceUid,
      ReferencedSOPSequence: list.map((instance) => ({ ReferencedSOPClassUID: instance.sopClassUid, ReferencedSOPInstanceUID: instance.sopInstanceUid })),
    })),
  };
}

export function buildReportSr(request: ReportSrRequest): BuiltReportSr {
  const { study, part } = request;
  if (!part.signedAt || !part.signedBy) throw new Error('only a signed report is written as an SR');
  const signed = dicomDateTime(part.signedAt);
  const created = dicomDateTime(new Date().toISOString());
  const sopInstanceUid = newUid();
  const seriesInstanceUid = newUid();
  const { valueTypes } = dcmjs.sr;

  const content: Record<string, unknown>[] = [
    new valueTypes.CodeContentItem({
      name: code('121049', 'DCM', 'Language of Content Item and Descendants'),
      value: code('en', 'RFC5646', 'English'),
      relationshipType: 'HAS CONCEPT MOD',
    }),
    new valueTypes.CodeContentItem({ name: code('121005', 'DCM', 'Observer Type'), value: code('121006', 'DCM', 'Person'), relationshipType: 'HAS OBS CONTEXT' }),
    new valueTypes.PNameContentItem({ name: code('121008', 'DCM', 'Person Observer Name'), value: part.signedBy, relationshipType: 'HAS OBS CONTEXT' }),
    ...section(code('121070', 'DCM', 'Findings'), code('121071', 'DCM', 'Finding'), part.findings),
    ...section(code('121072', 'DCM', 'Impressions'), code('121073', 'DCM', 'Impression'), part.impression),
    ...section(code('121074', 'DCM', 'Recommendations'), code('121075', 'DCM', 'Recommendation'), part.recommendations),
  ];
  if (part.severity) {
    // No standard code grades a report's urgency this way: a private scheme, said so.
    content.push(new valueTypes.TextContentItem({ name: code('severity', '99LUMEN', 'Severity'), value: SEVERITY_LABELS[part.severity], relationshipType: 'CONTAINS' }));
  }

  const dataset: Record<string, unknown> = {
    _meta: {
      FileMetaInformationVersion: { Value: [new Uint8Array([0, 1]).buffer], vr: 'OB' },
      MediaStorageSOPClassUID: { Value: [BASIC_TEXT_SR], vr: 'UI' },
      MediaStorageSOPInstanceUID: { Value: [sopInstanceUid], vr: 'UI' },
      TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'], vr: 'UI' },
      ImplementationClassUID: { Value: [IMPLEMENTATION_CLASS_UID], vr: 'UI' },
      ImplementationVersionName: { Value: [IMPLEMENTATION_VERSION_NAME], vr: 'SH' },
    },
    // Names may be in any script: written as UTF-8.
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: BASIC_TEXT_SR,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: created.date,
    InstanceCreationTime: created.time,
    // Patient and General Study modules, as the library has them.
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate.replaceAll('-', ''),
    PatientSex: study.patientSex,
    StudyInstanceUID: study.studyInstanceUid,
    StudyDate: study.studyDate.replaceAll('-', ''),
    StudyTime: study.studyTime,
    StudyID: '',
    ReferringPhysicianName: '',
    AccessionNumber: study.accessionNumber,
    StudyDescription: study.studyDescription,
    // SR Document Series and General Equipment.
    Modality: 'SR',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: String(request.seriesNumber),
    SeriesDescription: part.sequence === 0 ? 'Report' : `Report addendum ${part.sequence}`,
    SeriesDate: signed.date,
    SeriesTime: signed.time,
    ReferencedPerformedProcedureStepSequence: [],
    Manufacturer: APP_NAME,
    ManufacturerModelName: APP_NAME,
    SoftwareVersions: APP_VERSION,
    ...(request.institutionName ? { InstitutionName: request.institutionName } : {}),
    // SR Document General.
    InstanceNumber: '1',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'VERIFIED',
    PreliminaryFlag: 'FINAL',
    ContentDate: signed.date,
    ContentTime: signed.time,
    VerifyingObserverSequence: [
      {
        VerifyingObserverName: part.signedBy,
        VerifyingObserverIdentificationCodeSequence: [],
        VerifyingOrganization: request.institutionName || APP_NAME,
        VerificationDateTime: signed.dateTime,
      },
    ],
    ...(request.predecessor ? { PredecessorDocumentsSequence: [referencedStudy(study.studyInstanceUid, [request.predecessor])] } : {}),
    ...(request.evidence.length > 0 ? { CurrentRequestedProcedureEvidenceSequence: [referencedStudy(study.studyInstanceUid, request.evidence)] } : {}),
    PerformedProcedureCodeSequence: [],
    // SR Document Content: the root container and its tree.
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [{ CodeValue: '18748-4', CodingSchemeDesignator: 'LN', CodeMeaning: 'Diagnostic Imaging Report' }],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2000' }],
    ContentSequence: content,
  };
  const bytes = dcmjs.data.datasetToBuffer(dataset);
  return { bytes, sopInstanceUid, seriesInstanceUid };
}
