/** Annotations and key images: the store's side (see migrations/0004-annotations.ts). */
import type { KeyImage, StoredAnnotation, StudyAnnotations, ValidatedInput } from '../../../shared/api';
import type { LibraryDatabase } from './database';
import { listSrDocuments } from './srDocumentStore';

interface AnnotationRow {
  id: string;
  study_uid: string;
  series_uid: string;
  sop_instance_uid: string;
  frame: number;
  tool: string;
  handles: string;
  label: string;
  measurement: string;
  created_at: string;
  updated_at: string;
}

function toAnnotation(row: AnnotationRow): StoredAnnotation {
  const extra = JSON.parse(row.measurement) as { values: StoredAnnotation['measurement']; calibration: StoredAnnotation['calibration'] };
  return {
    id: row.id,
    studyInstanceUid: row.study_uid,
    seriesInstanceUid: row.series_uid,
    sopInstanceUid: row.sop_instance_uid,
    frame: row.frame,
    tool: row.tool as StoredAnnotation['tool'],
    handles: JSON.parse(row.handles) as StoredAnnotation['handles'],
    label: row.label,
    measurement: extra.values,
    calibration: extra.calibration,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listAnnotations(db: LibraryDatabase, studyInstanceUid: string): StudyAnnotations {
  const annotations = db.prepare<[string], AnnotationRow>('SELECT * FROM annotations WHERE study_uid = ? ORDER BY created_at, id').all(studyInstanceUid).map(toAnnotation);
  const keyImages = db
    .prepare<[string], { sop_instance_uid: string; frame: number }>('SELECT sop_instance_uid, frame FROM key_images WHERE study_uid = ? ORDER BY flagged_at')
    .all(studyInstanceUid)
    .map((row): KeyImage => ({ sopInstanceUid: row.sop_instance_uid, frame: row.frame }));
  return { annotations, keyImages, srDocuments: listSrDocuments(db, studyInstanceUid) };
}

export type SaveOutcome = { ok: true; annotation: StoredAnnotation; created: boolean } | { ok: false; reason: 'no-such-image' | 'moved' };

/**
 * Creates or updates an annotation. The image it is on must be in the library and in the
 * study and series given; an existing id may not move to another image (that would be a
 * different annotation).
 */
export function saveAnnotation(db: LibraryDatabase, input: ValidatedInput<'annotations.save'>, now: string): SaveOutcome {
  return db.transaction((): SaveOutcome => {
    const image = db
      .prepare<[string], { series_uid: string; study_uid: string }>(
        `SELECT se.series_uid, st.study_uid FROM instances i JOIN series se ON se.id = i.series_ref JOIN studies st ON st.id = se.study_ref WHERE i.sop_instance_uid = ?`,
      )
      .get(input.sopInstanceUid);
    if (!image || image.series_uid !== input.seriesInstanceUid || image.study_uid !== input.studyInstanceUid) return { ok: false, reason: 'no-such-image' };
    const existing = db.prepare<[string], AnnotationRow>('SELECT * FROM annotations WHERE id = ?').get(input.id);
    if (existing && (existing.sop_instance_uid !== input.sopInstanceUid || existing.frame !== input.frame || existing.tool !== input.tool)) return { ok: false, reason: 'moved' };
    const measurement = JSON.stringify({ values: input.measurement, calibration: input.calibration });
    db.prepare<[string, string, string, string, number, string, string, string, string, string, string]>(
      `INSERT INTO annotations (id, study_uid, series_uid, sop_instance_uid, frame, tool, handles, label, measurement, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET handles = excluded.handles, label = excluded.label, measurement = excluded.measurement, updated_at = excluded.updated_at`,
    ).run(input.id, input.studyInstanceUid, input.seriesInstanceUid, input.sopInstanceUid, input.frame, input.tool, JSON.stringify(input.handles), input.label, measurement, now, now);
    const row = db.prepare<[string], AnnotationRow>('SELECT * FROM annotations WHERE id = ?').get(input.id);
    if (!row) throw new Error('annotation vanished inside its own transaction');
    return { ok: true, annotation: toAnnotation(row), created: !existing };
  })();
}

export function deleteAnnotation(db: LibraryDatabase, id: string): { deleted: boolean; studyInstanceUid: string | null; tool: string | null } {
  const row = db.prepare<[string], { study_uid: string; tool: string }>('SELECT study_uid, tool FROM annotations WHERE id = ?').get(id);
  if (!row) return { deleted: false, studyInstanceUid: null, tool: null };
  db.prepare<[string]>('DELETE FROM annotations WHERE id = ?').run(id);
  return { deleted: true, studyInstanceUid: row.study_uid, tool: row.tool };
}

/** Flags or unflags a key image; false when the image is not in that study. */
export function setKeyImage(db: LibraryDatabase, input: ValidatedInput<'keyImages.set'>, now: string): boolean {
  const inStudy = db
    .prepare<[string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM instances i JOIN series se ON se.id = i.series_ref JOIN studies st ON st.id = se.study_ref WHERE i.sop_instance_uid = ? AND st.study_uid = ?`,
    )
    .get(input.sopInstanceUid, input.studyInstanceUid);
  if (!inStudy?.n) return false;
  if (input.key) {
    db.prepare<[string, number, string, string]>('INSERT OR IGNORE INTO key_images (sop_instance_uid, frame, study_uid, flagged_at) VALUES (?, ?, ?, ?)').run(input.sopInstanceUid, input.frame, input.studyInstanceUid, now);
  } else {
    db.prepare<[string, number]>('DELETE FROM key_images WHERE sop_instance_uid = ? AND frame = ?').run(input.sopInstanceUid, input.frame);
  }
  return true;
}

