/** DICOM SRs read for their measurements: the store's side (see migrations/0005-sr-documents.ts). */
import type { Calibration, SrDocument, SrMeasurementGroup, SrTextSection } from '../../../shared/api';
import type { ReadMeasurementReport, RestorableAnnotation } from '../reports/measurementReportReader';
import type { LibraryDatabase } from './database';

/** SOP classes 1.2.840.10008.5.1.4.1.1.88.x are the Structured Report storage classes. */
const SR_CLASS_PATTERN = '1.2.840.10008.5.1.4.1.1.88.%';

/** The study's SRs that have not been read yet. */
export function unreadSrDocuments(db: LibraryDatabase, studyInstanceUid: string): string[] {
  return db
    .prepare<[string, string], { sop_instance_uid: string }>(
      `SELECT i.sop_instance_uid FROM instances i JOIN series se ON se.id = i.series_ref JOIN studies st ON st.id = se.study_ref
        WHERE st.study_uid = ? AND i.sop_class_uid LIKE ? AND NOT EXISTS (SELECT 1 FROM sr_documents d WHERE d.sop_instance_uid = i.sop_instance_uid)
        ORDER BY i.id`,
    )
    .all(studyInstanceUid, SR_CLASS_PATTERN)
    .map((row) => row.sop_instance_uid);
}

export type SrReading = { ok: true; report: ReadMeasurementReport } | { ok: false; error: string };

/**
 * Records one SR as read and, for a report from elsewhere, restores its drawable measurements
 * onto the study's images (an annotation whose id is already here is left as it is). Returns
 * how many annotations were added; null when another caller recorded it first.
 */
export function recordSrDocument(db: LibraryDatabase, studyInstanceUid: string, sopInstanceUid: string, reading: SrReading, origin: SrDocument['origin'], now: string): { restored: number } | null {
  return db.transaction((): { restored: number } | null => {
    const known = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM sr_documents WHERE sop_instance_uid = ?').get(sopInstanceUid);
    if (known?.n) return null;
    let restored = 0;
    if (reading.ok && origin === 'imported') {
      for (const annotation of reading.report.restorable) restored += restoreAnnotation(db, studyInstanceUid, annotation, now) ? 1 : 0;
    }
    const report = reading.ok ? reading.report : null;
    db.prepare<[string, string, string, string, string, string, number, string, string, number, string | null, string]>(
      `INSERT INTO sr_documents (sop_instance_uid, study_uid, origin, title, observer, content_date, restored, groups, sections, verified, error, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sopInstanceUid,
      studyInstanceUid,
      origin,
      report?.title ?? '',
      report?.observer ?? '',
      report?.contentDate ?? '',
      restored,
      JSON.stringify(report?.groups ?? []),
      JSON.stringify(report?.sections ?? []),
      report?.completed && report.verified ? 1 : 0,
      reading.ok ? null : reading.error,
      now,
    );
    return { restored };
  })();
}

function restoreAnnotation(db: LibraryDatabase, studyInstanceUid: string, annotation: RestorableAnnotation, now: string): boolean {
  const image = db
    .prepare<[string, string], { series_uid: string; pixel_spacing: string }>(
      `SELECT se.series_uid, i.pixel_spacing FROM instances i JOIN series se ON se.id = i.series_ref JOIN studies st ON st.id = se.study_ref
        WHERE i.sop_instance_uid = ? AND st.study_uid = ?`,
    )
    .get(annotation.sopInstanceUid, studyInstanceUid);
  // A measurement on an image this library does not have stays listed with the report.
  if (!image) return false;
  const hasPixelSpacing = image.pixel_spacing !== '';
  // The report keeps the unit, not how it was calibrated: mm on an image without Pixel
  // Spacing can only have come from Imager Pixel Spacing.
  const calibration: Calibration =
    annotation.distanceUnit === 'px' ? 'uncalibrated' : annotation.distanceUnit === 'mm' ? (hasPixelSpacing ? 'pixel-spacing' : 'imager-pixel-spacing') : hasPixelSpacing ? 'pixel-spacing' : 'uncalibrated';
  const result = db
    .prepare<[string, string, string, string, number, string, string, string, string, string, string]>(
      `INSERT OR IGNORE INTO annotations (id, study_uid, series_uid, sop_instance_uid, frame, tool, handles, label, measurement, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      annotation.id,
      studyInstanceUid,
      image.series_uid,
      annotation.sopInstanceUid,
      annotation.frame,
      annotation.tool,
      JSON.stringify(annotation.handles),
      annotation.label,
      JSON.stringify({ values: annotation.measurement, calibration }),
      now,
      now,
    );
  return result.changes === 1;
}

interface SrDocumentRow {
  sop_instance_uid: string;
  origin: SrDocument['origin'];
  title: string;
  observer: string;
  content_date: string;
  restored: number;
  groups: string;
  sections: string;
  verified: number;
  error: string | null;
}

export function listSrDocuments(db: LibraryDatabase, studyInstanceUid: string): SrDocument[] {
  return db
    .prepare<[string], SrDocumentRow>('SELECT * FROM sr_documents WHERE study_uid = ? ORDER BY content_date, read_at, sop_instance_uid')
    .all(studyInstanceUid)
    .map((row) => ({
      sopInstanceUid: row.sop_instance_uid,
      title: row.title,
      observer: row.observer,
      contentDate: row.content_date,
      origin: row.origin,
      restored: row.restored,
      groups: JSON.parse(row.groups) as SrMeasurementGroup[],
      sections: JSON.parse(row.sections) as SrTextSection[],
      verified: row.verified === 1,
      error: row.error,
    }));
}
