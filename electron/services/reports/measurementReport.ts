/**
 * A study's measurements as a DICOM Structured Report, TID 1500 "Imaging Measurement Report",
 * written with dcmjs's measurement-report adapter: each annotation becomes a measurement group
 * (TID 1501) with its value and its points as an SCOORD on the image it was drawn on.
 *
 * The adapter builds the report from study and series UIDs only; the patient and study
 * attributes a receiving archive files it by are copied here from the library's own record,
 * and the report is marked as this workstation's product output rather than dcmjs's
 * "RESEARCH, NOT FOR CLINICAL USE" defaults.
 */
import dcmjs from 'dcmjs';
import type { AnnotationTool, StoredAnnotation, StudySummary } from '../../../shared/api';
import { CORNERSTONE_TOOL_NAMES } from '../../../shared/viewer/annotationToolNames';
import { APP_NAME, APP_VERSION } from '../appIdentity';
import { type ContentItem, concept, contentOf } from './srContent';
import { trackingUidFromAnnotationId } from './trackingUid';

/** The images measurements may point at: their series and SOP class. */
export type ReferencedImages = ReadonlyMap<string, { seriesInstanceUid: string; sopClassUid: string }>;

/** The adapter's tool classes are registered under cornerstone-tools' names; it has no probe. */
function adapterTool(tool: AnnotationTool): string | null {
  return tool === 'probe' ? null : CORNERSTONE_TOOL_NAMES[tool];
}

/**
 * The adapter's ROI tools pass on only the area, and without its unit (an SR reader then sees
 * "px" even for mm²). Wrapped here to pass the area's unit and the statistics with theirs.
 */
function reportRoiStatistics(toolType: string): void {
  const { MeasurementReport } = dcmjs.adapters.Cornerstone;
  const base = MeasurementReport.CORNERSTONE_TOOL_CLASSES_BY_TOOL_TYPE[toolType];
  if (!base) throw new Error(`dcmjs no longer has the ${toolType} report adapter`);
  const wrapped = Object.create(base) as typeof base;
  wrapped.getTID300RepresentationArguments = (tool) => {
    const stats = (tool['cachedStats'] ?? {}) as Record<string, number | undefined>;
    return {
      ...base.getTID300RepresentationArguments(tool),
      areaUnit: tool['areaUnit'],
      modalityUnit: tool['modalityUnit'],
      mean: stats['mean'],
      stdDev: stats['stdDev'],
      min: stats['min'],
      max: stats['max'],
    };
  };
  MeasurementReport.registerTool(wrapped);
}
reportRoiStatistics('EllipticalRoi');
reportRoiStatistics('RectangleRoi');

export interface BuiltReport {
  /** The Part-10 file (a Uint8Array once it has crossed from the report worker). */
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** Annotations the report could not carry (e.g. probes: TID 1500 has no point-value item here). */
  leftOut: number;
  included: number;
}

function value(annotation: StoredAnnotation, name: string): number {
  return annotation.measurement[name]?.value ?? 0;
}

/** The tool data the adapter expects for one annotation. */
function toolData(annotation: StoredAnnotation): Record<string, unknown> {
  const handles = Object.fromEntries(Object.entries(annotation.handles).map(([name, point]) => [name, { x: point.x, y: point.y }]));
  const base = { handles, visible: true };
  switch (annotation.tool) {
    case 'length':
      return { ...base, length: value(annotation, 'length') };
    case 'angle':
    case 'cobbAngle':
      return { ...base, rAngle: value(annotation, 'angle') };
    case 'ellipseRoi':
    case 'rectangleRoi': {
      const stat = (name: string) => annotation.measurement[name]?.value;
      return {
        ...base,
        areaUnit: annotation.measurement['area']?.unit ?? 'px²',
        modalityUnit: annotation.measurement['mean']?.unit || undefined,
        cachedStats: { area: stat('area'), mean: stat('mean'), stdDev: stat('stdDev'), min: stat('min'), max: stat('max') },
      };
    }
    case 'arrow':
      return { ...base, text: annotation.label };
    case 'probe':
      return base;
  }
}

/**
 * Each measurement group's Tracking Unique Identifier becomes its annotation's id (as a 2.25
 * UID) instead of the random one the adapter makes: reading the report back then finds the
 * annotation it came from. The adapter writes one group per annotation in toolState order.
 */
function setTrackingUids(dataset: ContentItem, annotationIds: readonly string[]): void {
  const measurements = contentOf(dataset).find((item) => concept(item).value === '126010');
  const groups = measurements ? contentOf(measurements).filter((item) => concept(item).value === '125007') : [];
  if (groups.length !== annotationIds.length) throw new Error(`the report has ${groups.length} measurement groups for ${annotationIds.length} annotations`);
  groups.forEach((group, index) => {
    const tracking = contentOf(group).find((item) => concept(item).value === '112040');
    if (!tracking) throw new Error('a measurement group has no Tracking Unique Identifier');
    tracking['UID'] = trackingUidFromAnnotationId(annotationIds[index] ?? '');
  });
}

function dicomDate(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

export function buildMeasurementReport(study: StudySummary, annotations: readonly StoredAnnotation[], images: ReferencedImages, seriesNumber: number): BuiltReport | null {
  const toolState: Record<string, Record<string, { data: unknown[] }>> = {};
  // The annotations per image and tool, in the order the adapter writes their groups.
  const written: Record<string, Record<string, string[]>> = {};
  let included = 0;
  for (const annotation of annotations) {
    const toolName = adapterTool(annotation.tool);
    const image = images.get(annotation.sopInstanceUid);
    if (!toolName || !image) continue;
    const imageId = `${annotation.sopInstanceUid}#${annotation.frame}`;
    const perImage = (toolState[imageId] ??= {});
    (perImage[toolName] ??= { data: [] }).data.push(toolData(annotation));
    ((written[imageId] ??= {})[toolName] ??= []).push(annotation.id);
    included += 1;
  }
  if (included === 0) return null;

  const metadata = {
    get(type: string, imageId: string): unknown {
      const [sopInstanceUid = '', frame = '0'] = imageId.split('#');
      const image = images.get(sopInstanceUid);
      if (type === 'generalSeriesModule') return { studyInstanceUID: study.studyInstanceUid, seriesInstanceUID: image?.seriesInstanceUid };
      if (type === 'sopCommonModule') return { sopClassUID: image?.sopClassUid, sopInstanceUID: sopInstanceUid };
      if (type === 'frameNumber') return Number(frame) + 1;
      return undefined;
    },
  };
  const report = dcmjs.adapters.Cornerstone.MeasurementReport.generateReport(toolState, metadata);
  const order = Object.values(written).flatMap((perImage) => Object.values(perImage).flat());
  setTrackingUids(report.dataset, order);
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  const time = now.toISOString().slice(11, 19).replaceAll(':', '');
  Object.assign(report.dataset, {
    // Names may be in any script: written as UTF-8.
    SpecificCharacterSet: 'ISO_IR 192',
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: dicomDate(study.patientBirthDate),
    PatientSex: study.patientSex,
    StudyInstanceUID: study.studyInstanceUid,
    StudyDate: dicomDate(study.studyDate),
    StudyTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    StudyDescription: study.studyDescription,
    SeriesDescription: 'Measurements',
    SeriesNumber: String(seriesNumber),
    InstanceNumber: '1',
    Manufacturer: APP_NAME,
    ManufacturerModelName: APP_NAME,
    SoftwareVersions: APP_VERSION,
    ContentDate: date,
    ContentTime: time,
    SeriesDate: date,
    SeriesTime: time,
    ContentQualification: 'PRODUCT',
    ImageComments: '',
  });
  const sopInstanceUid = String(report.dataset['SOPInstanceUID']);
  const seriesInstanceUid = String(report.dataset['SeriesInstanceUID']);
  return { bytes: dcmjs.data.datasetToBuffer(report.dataset), sopInstanceUid, seriesInstanceUid, included, leftOut: annotations.length - included };
}
