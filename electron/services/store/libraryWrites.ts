/**
 * Writing the study cache: instances in batches, the crash journal (`pending_files`), deletion.
 * Every function runs inside the store worker, each batch in one transaction.
 */
import type { InstanceHeader } from '../dicom/instanceHeader';
import type { LibraryDatabase } from './database';
import { searchText } from './searchText';
import { recordDownloadedInstances } from './syncStore';

export interface NewInstance {
  header: InstanceHeader;
  /** Where the file now is (its `pending_files` entry is cleared with the row). */
  path: string;
}

export interface InsertOutcome {
  inserted: number;
  /** Already in the library (another file with the same SOP Instance UID). */
  duplicates: number;
}

function patientKey(header: InstanceHeader): string {
  return JSON.stringify([header.issuerOfPatientId, header.patientId, header.patientName]);
}

function addModality(existing: string, modality: string): string {
  if (!modality) return existing;
  const list = existing ? existing.split('\\') : [];
  return list.includes(modality) ? existing : [...list, modality].sort().join('\\');
}

export function existingInstances(db: LibraryDatabase, uids: string[]): string[] {
  if (uids.length === 0) return [];
  const found: string[] = [];
  const lookup = db.prepare<[string], { sop_instance_uid: string }>('SELECT sop_instance_uid FROM instances WHERE sop_instance_uid = ?');
  for (const uid of uids) if (lookup.get(uid)) found.push(uid);
  return found;
}

export function addPendingFiles(db: LibraryDatabase, entries: Array<{ path: string; sopInstanceUid: string }>): void {
  const insert = db.prepare<[string, string]>('INSERT OR REPLACE INTO pending_files (path, sop_instance_uid) VALUES (?, ?)');
  db.transaction(() => {
    for (const entry of entries) insert.run(entry.path, entry.sopInstanceUid);
  })();
}

/**
 * @param downloadedFrom the server the instances came from (a study download): each gets its
 *   done download row in the same transaction, so no crash can leave an instance here whose
 *   download is not recorded (the resumed download would then never count it).
 */
export function insertInstances(db: LibraryDatabase, instances: NewInstance[], now: Date = new Date(), downloadedFrom?: string): InsertOutcome {
  const addedAt = now.toISOString();
  const findPatient = db.prepare<[string], { id: number }>('SELECT id FROM patients WHERE patient_key = ?');
  const addPatient = db.prepare<[string, string, string, string, string, string, string]>(
    'INSERT INTO patients (patient_key, patient_id, issuer, name, search_name, birth_date, sex) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const findStudy = db.prepare<[string], { id: number; modalities: string }>('SELECT id, modalities FROM studies WHERE study_uid = ?');
  const addStudy = db.prepare<[string, number, string, string, string, string, string, string, string, string]>(
    `INSERT INTO studies (study_uid, patient_ref, study_date, study_time, accession, study_id, description, search_description, referring_physician, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const indexStudy = db.prepare<[number, string, string, string]>('INSERT INTO study_search (rowid, patient_name, patient_id, description) VALUES (?, ?, ?, ?)');
  const findSeries = db.prepare<[string], { id: number }>('SELECT id FROM series WHERE series_uid = ?');
  const addSeries = db.prepare<[string, number, string, number | null, string, string]>(
    'INSERT INTO series (series_uid, study_ref, modality, series_number, description, body_part) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const addInstance = db.prepare(
    `INSERT INTO instances (sop_instance_uid, series_ref, sop_class_uid, instance_number, transfer_syntax, rows, columns, frames,
       pixel_spacing, window_center, window_width, slice_location, file_size, added_at, photometric, slice_thickness, image_position, image_orientation)
     VALUES (@sop, @series, @sopClass, @instanceNumber, @transferSyntax, @rows, @columns, @frames,
       @pixelSpacing, @windowCenter, @windowWidth, @sliceLocation, @fileSize, @addedAt, @photometric, @sliceThickness, @imagePosition, @imageOrientation)
     ON CONFLICT (sop_instance_uid) DO NOTHING`,
  );
  const countSeriesInStudy = db.prepare<[number]>('UPDATE studies SET series_count = series_count + 1 WHERE id = ?');
  const countInstance = db.prepare<[number, string, number]>(
    'UPDATE studies SET instance_count = instance_count + 1, total_bytes = total_bytes + ?, modalities = ? WHERE id = ?',
  );
  const countInstanceInSeries = db.prepare<[number]>('UPDATE series SET instance_count = instance_count + 1 WHERE id = ?');
  const clearPending = db.prepare<[string]>('DELETE FROM pending_files WHERE path = ?');

  const outcome: InsertOutcome = { inserted: 0, duplicates: 0 };
  db.transaction(() => {
    for (const { header: h, path } of instances) {
      clearPending.run(path);
      const key = patientKey(h);
      const patientId =
        findPatient.get(key)?.id ??
        Number(addPatient.run(key, h.patientId, h.issuerOfPatientId, h.patientName, searchText(h.patientName), h.patientBirthDate, h.patientSex).lastInsertRowid);

      let study = findStudy.get(h.studyInstanceUid);
      if (!study) {
        const id = Number(
          addStudy.run(h.studyInstanceUid, patientId, h.studyDate, h.studyTime, h.accessionNumber, h.studyId, h.studyDescription, searchText(h.studyDescription), h.referringPhysicianName, addedAt)
            .lastInsertRowid,
        );
        indexStudy.run(id, searchText(h.patientName), h.patientId, searchText(h.studyDescription));
        study = { id, modalities: '' };
      }

      let seriesId = findSeries.get(h.seriesInstanceUid)?.id;
      if (seriesId === undefined) {
        seriesId = Number(addSeries.run(h.seriesInstanceUid, study.id, h.modality, h.seriesNumber, h.seriesDescription, h.bodyPartExamined).lastInsertRowid);
        countSeriesInStudy.run(study.id);
      }

      const added = addInstance.run({
        sop: h.sopInstanceUid,
        series: seriesId,
        sopClass: h.sopClassUid,
        instanceNumber: h.instanceNumber,
        transferSyntax: h.transferSyntaxUid,
        rows: h.rows,
        columns: h.columns,
        frames: h.frames,
        pixelSpacing: h.pixelSpacing,
        windowCenter: h.windowCenter,
        windowWidth: h.windowWidth,
        sliceLocation: h.sliceLocation,
        fileSize: h.fileSize,
        addedAt,
        photometric: h.photometricInterpretation,
        sliceThickness: h.sliceThickness,
        imagePosition: h.imagePositionPatient,
        imageOrientation: h.imageOrientationPatient,
      });
      if (added.changes === 0) {
        outcome.duplicates += 1;
        continue;
      }
      outcome.inserted += 1;
      countInstance.run(h.fileSize, addModality(study.modalities, h.modality), study.id);
      countInstanceInSeries.run(seriesId);
    }
    if (downloadedFrom !== undefined) {
      recordDownloadedInstances(db, downloadedFrom, instances.map(({ header: h }) => ({ sopInstanceUid: h.sopInstanceUid, studyInstanceUid: h.studyInstanceUid, seriesInstanceUid: h.seriesInstanceUid })), addedAt);
    }
  })();
  return outcome;
}

/**
 * Files listed in the journal whose instance has no row: left by a crash between renaming a
 * file into place and committing its row, or between deleting a row and its file. The caller
 * removes them, then calls clearPendingFiles.
 */
export function orphanedPendingFiles(db: LibraryDatabase): string[] {
  return db
    .prepare<[], { path: string }>('SELECT path FROM pending_files WHERE sop_instance_uid NOT IN (SELECT sop_instance_uid FROM instances)')
    .all()
    .map((row) => row.path);
}

export function clearPendingFiles(db: LibraryDatabase, paths: string[]): void {
  const remove = db.prepare<[string]>('DELETE FROM pending_files WHERE path = ?');
  db.transaction(() => {
    for (const path of paths) remove.run(path);
  })();
}

export interface DeletedStudy {
  found: boolean;
  /** SOP Instance UIDs whose files are to be removed (now journalled in pending_files). */
  sopInstanceUids: string[];
  freedBytes: number;
}

/** Removes a study's rows and journals its files for removal, in one transaction. */
export function deleteStudy(db: LibraryDatabase, studyInstanceUid: string, filePathOf: (sopInstanceUid: string) => string): DeletedStudy {
  return db.transaction((): DeletedStudy => {
    const study = db.prepare<[string], { id: number; patient_ref: number }>('SELECT id, patient_ref FROM studies WHERE study_uid = ?').get(studyInstanceUid);
    if (!study) return { found: false, sopInstanceUids: [], freedBytes: 0 };
    const instances = db
      .prepare<[number], { sop_instance_uid: string; file_size: number }>(
        'SELECT i.sop_instance_uid, i.file_size FROM instances i JOIN series s ON s.id = i.series_ref WHERE s.study_ref = ?',
      )
      .all(study.id);
    const journal = db.prepare<[string, string]>('INSERT OR REPLACE INTO pending_files (path, sop_instance_uid) VALUES (?, ?)');
    for (const instance of instances) journal.run(filePathOf(instance.sop_instance_uid), instance.sop_instance_uid);
    db.prepare<[number]>('DELETE FROM study_search WHERE rowid = ?').run(study.id);
    db.prepare<[number]>('DELETE FROM studies WHERE id = ?').run(study.id);
    db.prepare<[string]>('DELETE FROM study_expected_instances WHERE study_uid = ?').run(studyInstanceUid);
    db.prepare<[number, number]>('DELETE FROM patients WHERE id = ? AND NOT EXISTS (SELECT 1 FROM studies WHERE patient_ref = ?)').run(study.patient_ref, study.patient_ref);
    return {
      found: true,
      sopInstanceUids: instances.map((instance) => instance.sop_instance_uid),
      freedBytes: instances.reduce((sum, instance) => sum + instance.file_size, 0),
    };
  })();
}
