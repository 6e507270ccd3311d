/** The images of a study in reading order, for the viewer. */
import type { StudyDetail } from '../../../shared/api';
import type { LibraryDatabase } from './database';
import { studyDetail } from './librarySearch';

export interface StoredInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  frames: number;
}

export interface StudyImages extends Omit<StudyDetail, 'uploads'> {
  /** Per series (same order as `series`), its instances in reading order. */
  instancesBySeries: Record<string, StoredInstance[]>;
}

export function studyImages(db: LibraryDatabase, studyInstanceUid: string): StudyImages | null {
  const detail = studyDetail(db, studyInstanceUid);
  if (!detail) return null;
  // Reading order: Instance Number first (what the modality intended), Slice Location to break
  // ties and to order files without numbers, then arrival.
  const rows = db
    .prepare<[string], { series_uid: string; sop_instance_uid: string; sop_class_uid: string; instance_number: number | null; frames: number | null; rows: number | null }>(
      `SELECT se.series_uid, i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.frames, i.rows
         FROM instances i JOIN series se ON se.id = i.series_ref JOIN studies s ON s.id = se.study_ref
        WHERE s.study_uid = ?
        ORDER BY i.series_ref, i.instance_number IS NULL, i.instance_number, i.slice_location IS NULL, i.slice_location, i.id`,
    )
    .all(studyInstanceUid);
  const instancesBySeries: Record<string, StoredInstance[]> = {};
  for (const row of rows) {
    const list = (instancesBySeries[row.series_uid] ??= []);
    // No Rows means no pixel data (an SR, a presentation state): nothing to show as an image.
    list.push({ sopInstanceUid: row.sop_instance_uid, sopClassUid: row.sop_class_uid, instanceNumber: row.instance_number, frames: row.rows === null ? 0 : Math.max(1, row.frames ?? 1) });
  }
  return { ...detail, instancesBySeries };
}
