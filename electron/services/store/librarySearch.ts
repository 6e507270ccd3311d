/** Reading the study cache for the study list: search, sort, page; one study's series. */
import type { SeriesSummary, StudyDetail, StudyPage, StudySummary, ValidatedInput } from '../../../shared/api';
import { dicomDateToIso } from '../../../shared/dicom/dates';
import type { LibraryDatabase } from './database';
import { prefixQuery } from './searchText';

interface StudyRow {
  study_uid: string;
  name: string;
  patient_id: string;
  birth_date: string;
  sex: string;
  study_date: string;
  study_time: string;
  accession: string;
  description: string;
  modalities: string;
  series_count: number;
  instance_count: number;
  total_bytes: number;
  key_images: number;
  report_status: StudySummary['reportStatus'] | null;
  expected_instances: number | null;
}

const sortColumns: Record<ValidatedInput<'library.searchStudies'>['sort'], string> = {
  date: 's.study_date %DIR%, s.study_time %DIR%',
  name: 'p.name COLLATE NOCASE %DIR%',
  patientId: 'p.patient_id %DIR%',
  accession: 's.accession %DIR%',
  description: 's.description COLLATE NOCASE %DIR%',
  modality: 's.modalities %DIR%',
  instances: 's.instance_count %DIR%',
  // The biggest first, to find what to delete when the disk is nearly full.
  size: 's.total_bytes %DIR%',
  added: 's.added_at %DIR%',
};

/** YYYY-MM-DD → DICOM's YYYYMMDD (the other way: dicomDateToIso). */
const toDicomDate = (iso: string) => iso.replaceAll('-', '');

/**
 * "Starts with, case ignored" as a range on a NOCASE index: `col >= prefix AND col < prefix+U+10FFFF`.
 * (LIKE 'x%' would mean the same but SQLite cannot use an index for it here.)
 */
function startsWith(column: string, where: string[], params: Array<string | number>, prefix: string): void {
  where.push(`${column} COLLATE NOCASE >= ? AND ${column} COLLATE NOCASE < ? || char(1114111)`);
  params.push(prefix, prefix);
}

function toSummary(row: StudyRow): StudySummary {
  return {
    studyInstanceUid: row.study_uid,
    patientName: row.name,
    patientId: row.patient_id,
    patientBirthDate: dicomDateToIso(row.birth_date),
    patientSex: row.sex,
    studyDate: dicomDateToIso(row.study_date),
    studyTime: row.study_time,
    accessionNumber: row.accession,
    studyDescription: row.description,
    modalities: row.modalities ? row.modalities.split('\\') : [],
    seriesCount: row.series_count,
    instanceCount: row.instance_count,
    bytes: row.total_bytes,
    keyImages: row.key_images,
    reportStatus: row.report_status ?? 'unreported',
    missingInstances: Math.max(0, (row.expected_instances ?? 0) - row.instance_count),
  };
}

const studyColumns = `s.study_uid, p.name, p.patient_id, p.birth_date, p.sex, s.study_date, s.study_time, s.accession, s.description,
  s.modalities, s.series_count, s.instance_count, s.total_bytes,
  (SELECT COUNT(*) FROM key_images k WHERE k.study_uid = s.study_uid) AS key_images,
  (SELECT r.status FROM reports r WHERE r.study_uid = s.study_uid) AS report_status,
  (SELECT e.expected FROM study_expected_instances e WHERE e.study_uid = s.study_uid) AS expected_instances`;

/** The worklist filter: 'final' means signed, with or without addenda. */
const reportStatusConditions: Record<NonNullable<ValidatedInput<'library.searchStudies'>['reportStatus']>, string> = {
  unreported: 'NOT EXISTS (SELECT 1 FROM reports r WHERE r.study_uid = s.study_uid)',
  draft: "s.study_uid IN (SELECT study_uid FROM reports WHERE status = 'draft')",
  final: "s.study_uid IN (SELECT study_uid FROM reports WHERE status IN ('final', 'amended'))",
};

export function searchStudies(db: LibraryDatabase, query: ValidatedInput<'library.searchStudies'>): StudyPage {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const textTerms: string[] = [];
  const nameQuery = query.patientName === undefined ? null : prefixQuery(query.patientName);
  if (nameQuery) textTerms.push(`patient_name : (${nameQuery})`);
  const descriptionQuery = query.description === undefined ? null : prefixQuery(query.description);
  if (descriptionQuery) textTerms.push(`description : (${descriptionQuery})`);
  if (textTerms.length > 0) {
    where.push('s.id IN (SELECT rowid FROM study_search WHERE study_search MATCH ?)');
    params.push(textTerms.join(' AND '));
  }
  if (query.patientId !== undefined) startsWith('p.patient_id', where, params, query.patientId);
  if (query.accession !== undefined) startsWith('s.accession', where, params, query.accession);
  if (query.dateFrom !== undefined) {
    where.push("s.study_date >= ? AND s.study_date <> ''");
    params.push(toDicomDate(query.dateFrom));
  }
  if (query.dateTo !== undefined) {
    where.push("s.study_date <= ? AND s.study_date <> ''");
    params.push(toDicomDate(query.dateTo));
  }
  if (query.modality !== undefined) {
    where.push("instr('\\' || s.modalities || '\\', ?) > 0");
    params.push(`\\${query.modality}\\`);
  }
  if (query.reportStatus !== undefined) where.push(reportStatusConditions[query.reportStatus]);
  const conditions = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const from = `FROM studies s JOIN patients p ON p.id = s.patient_ref ${conditions}`;
  // Counting needs the patients only when a condition is about them.
  const countFrom = query.patientId !== undefined ? from : `FROM studies s ${conditions}`;
  const total = db.prepare<Array<string | number>, { n: number }>(`SELECT COUNT(*) AS n ${countFrom}`).get(...params)?.n ?? 0;
  const order = sortColumns[query.sort].replaceAll('%DIR%', query.direction === 'asc' ? 'ASC' : 'DESC');
  const rows = db
    .prepare<Array<string | number>, StudyRow>(`SELECT ${studyColumns} ${from} ORDER BY ${order}, s.id DESC LIMIT ? OFFSET ?`)
    .all(...params, query.limit, query.offset);
  return { total, offset: query.offset, studies: rows.map(toSummary) };
}

/** These studies as the list shows them, newest first (those not in the library left out). */
export function studySummaries(db: LibraryDatabase, studyInstanceUids: readonly string[]): StudySummary[] {
  const select = db.prepare<[string], StudyRow>(`SELECT ${studyColumns} FROM studies s JOIN patients p ON p.id = s.patient_ref WHERE s.study_uid = ?`);
  return studyInstanceUids
    .map((uid) => select.get(uid))
    .filter((row): row is StudyRow => row !== undefined)
    .map(toSummary)
    .sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.patientName.localeCompare(b.patientName));
}

/** How many of a patient's other studies the viewer offers to compare with, newest first. */
const PRIORS_LIMIT = 50;

/**
 * The same patient's other studies in the library, newest first: those with the same Patient
 * ID and Issuer of Patient ID as this one (the name may be spelled differently from one
 * modality to the next; the window shows it, so a reader sees any mismatch). A study without a
 * Patient ID has none: nothing else safely says two studies are the same person's.
 */
/** Whose a study is, as priors are matched: Patient ID and Issuer of Patient ID. Null when the study is not here. */
export function studyPatient(db: LibraryDatabase, studyInstanceUid: string): { patientId: string; issuer: string } | null {
  const row = db
    .prepare<[string], { patient_id: string; issuer: string }>('SELECT p.patient_id, p.issuer FROM studies s JOIN patients p ON p.id = s.patient_ref WHERE s.study_uid = ?')
    .get(studyInstanceUid);
  return row ? { patientId: row.patient_id, issuer: row.issuer } : null;
}

export function priorStudies(db: LibraryDatabase, studyInstanceUid: string): StudySummary[] | null {
  const patient = studyPatient(db, studyInstanceUid);
  if (!patient) return null;
  if (patient.patientId.trim() === '') return [];
  return db
    .prepare<[string, string, string, number], StudyRow>(
      `SELECT ${studyColumns} FROM studies s JOIN patients p ON p.id = s.patient_ref
       WHERE p.patient_id = ? AND p.issuer = ? AND s.study_uid <> ?
       ORDER BY s.study_date DESC, s.study_time DESC, s.id DESC LIMIT ?`,
    )
    .all(patient.patientId, patient.issuer, studyInstanceUid, PRIORS_LIMIT)
    .map(toSummary);
}

/** The study and its series (its uploads are added beside: transferGroups.studyUploads). */
export function studyDetail(db: LibraryDatabase, studyInstanceUid: string): Omit<StudyDetail, 'uploads'> | null {
  const row = db.prepare<[string], StudyRow & { id: number }>(`SELECT s.id, ${studyColumns} FROM studies s JOIN patients p ON p.id = s.patient_ref WHERE s.study_uid = ?`).get(studyInstanceUid);
  if (!row) return null;
  const series = db
    .prepare<[number], { series_uid: string; series_number: number | null; modality: string; description: string; body_part: string; instance_count: number }>(
      'SELECT series_uid, series_number, modality, description, body_part, instance_count FROM series WHERE study_ref = ? ORDER BY series_number IS NULL, series_number, id',
    )
    .all(row.id);
  return {
    study: toSummary(row),
    series: series.map(
      (s): SeriesSummary => ({
        seriesInstanceUid: s.series_uid,
        seriesNumber: s.series_number,
        modality: s.modality,
        description: s.description,
        bodyPart: s.body_part,
        instanceCount: s.instance_count,
      }),
    ),
  };
}
