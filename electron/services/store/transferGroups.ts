/**
 * The transfer queue by line: one study, one server, one direction (see
 * migrations/0012-transfer-groups.ts). The transfers tab shows these; the per-instance rows
 * stay behind a line's details.
 */
import type { StudyUpload, TransferGroup, TransferGroupKey } from '../../../shared/api';
import { dicomDateToIso } from '../../../shared/dicom/dates';
import type { LibraryDatabase } from './database';

interface GroupRow {
  server_id: string;
  server_name: string;
  direction: TransferGroup['direction'];
  study_uid: string;
  done: number;
  instance_rows: number;
  waiting: number;
  running: number;
  refused: number;
  study_expected: number | null;
  next_attempt_at: string | null;
  first_at: string;
  last_at: string;
}

interface StudyLabelRow {
  patient_name: string;
  patient_id: string;
  study_date: string;
  study_description: string;
  modalities: string;
}

/** How a line reads: the first state that applies, in this order. */
function stateOf(row: Pick<GroupRow, 'running' | 'waiting' | 'refused'>): TransferGroup['state'] {
  if (row.running > 0) return 'running';
  if (row.waiting > 0) return 'waiting';
  if (row.refused > 0) return 'refused';
  return 'done';
}

type LineRow = { server_id: string; direction: TransferGroupKey['direction']; study_uid: string };

/** The first window of recent changes looked at for the latest lines; widened eightfold until enough. */
const FIRST_WINDOW_MS = 60 * 60 * 1000;

/**
 * Which lines to show: those with work left (running, waiting or refused) first, then the latest,
 * each by its last change; at most `limit` + 1 (to know whether there are more).
 *
 * Found without grouping the whole table, which keeps every transfer ever made (grouping 500,000
 * rows took 330–450 ms, and the store worker is the one writer while this list reloads as
 * transfers run): the lines with work left through the open rows only (few); the latest through
 * the changes of the last hour, then of a window eight times wider, and so on until enough lines
 * are seen. A line's newest change falls in any window that reaches back to it, so each window's
 * lines, ordered by their newest change, are the latest lines of all.
 */
function chooseLines(db: LibraryDatabase, limit: number): TransferGroupKey[] {
  const chosen = new Map<string, TransferGroupKey>();
  const add = (row: LineRow) => {
    const key = `${row.server_id} ${row.direction} ${row.study_uid}`;
    if (!chosen.has(key) && chosen.size <= limit) chosen.set(key, { serverId: row.server_id, direction: row.direction, studyInstanceUid: row.study_uid });
  };
  db.prepare<[number], LineRow>(
    `SELECT server_id, direction, study_uid FROM transfers WHERE state IN ('pending', 'running', 'parked')
      GROUP BY server_id, direction, study_uid ORDER BY MAX(updated_at) DESC, study_uid LIMIT ?`,
  )
    .all(limit + 1)
    .forEach(add);
  if (chosen.size > limit) return [...chosen.values()];
  // Two queries: SQLite reads a lone MIN or MAX from the end of the index, but scans it for both.
  const oldest = db.prepare<[], { at: string | null }>('SELECT MIN(updated_at) AS at FROM transfers').get()?.at;
  const newestAt = db.prepare<[], { at: string | null }>('SELECT MAX(updated_at) AS at FROM transfers').get()?.at;
  if (!oldest || !newestAt) return [...chosen.values()];
  const since = db.prepare<[string, number], LineRow>(
    `SELECT server_id, direction, study_uid FROM transfers INDEXED BY transfers_by_change WHERE updated_at >= ?
      GROUP BY server_id, direction, study_uid ORDER BY MAX(updated_at) DESC, study_uid LIMIT ?`,
  );
  const newest = Date.parse(newestAt);
  for (let window = FIRST_WINDOW_MS; ; window *= 8) {
    const from = new Date(newest - window).toISOString();
    const lines = since.all(from, limit + 1 + chosen.size);
    if (lines.length > limit + chosen.size || from <= oldest) {
      lines.forEach(add);
      return [...chosen.values()];
    }
  }
}

/** The lines, those with work left first, then the latest; at most `limit`, and whether there are more. */
export function listTransferGroups(db: LibraryDatabase, limit: number): { groups: TransferGroup[]; more: boolean } {
  const keys = chooseLines(db, limit);
  const summarize = db.prepare<[string, string, string], GroupRow>(
    `SELECT t.server_id, sv.name AS server_name, t.direction, t.study_uid,
            SUM(t.scope = 'instance' AND t.state = 'done') AS done,
            SUM(t.scope = 'instance') AS instance_rows,
            SUM(t.state = 'pending') AS waiting,
            SUM(t.state = 'running') AS running,
            SUM(t.state = 'parked') AS refused,
            MAX(CASE WHEN t.scope = 'study' THEN t.expected END) AS study_expected,
            MIN(CASE WHEN t.state = 'pending' AND t.attempts > 0 THEN t.next_attempt_at END) AS next_attempt_at,
            MIN(t.created_at) AS first_at,
            MAX(t.updated_at) AS last_at
       FROM transfers t JOIN servers sv ON sv.id = t.server_id
      WHERE t.server_id = ? AND t.direction = ? AND t.study_uid = ?
      GROUP BY t.server_id, t.direction, t.study_uid`,
  );
  const rows = keys.flatMap((key) => summarize.all(key.serverId, key.direction, key.studyInstanceUid));

  const inLibrary = db.prepare<[string], StudyLabelRow & { instance_count: number }>(
    `SELECT p.name AS patient_name, p.patient_id, s.study_date, s.description AS study_description, s.modalities, s.instance_count
       FROM studies s JOIN patients p ON p.id = s.patient_ref WHERE s.study_uid = ?`,
  );
  const askedFor = db.prepare<[string], StudyLabelRow & { expected: number }>(
    'SELECT patient_name, patient_id, study_date, study_description, modalities, expected FROM study_expected_instances WHERE study_uid = ?',
  );
  const problems = db.prepare<[string, string, string], { reason: string; refused: number; n: number }>(
    `SELECT last_error AS reason, state = 'parked' AS refused, COUNT(*) AS n FROM transfers
      WHERE server_id = ? AND direction = ? AND study_uid = ? AND state IN ('pending', 'parked') AND last_error IS NOT NULL
      GROUP BY last_error, state ORDER BY n DESC, reason LIMIT 5`,
  );

  const groups = rows.slice(0, limit).map((row): TransferGroup => {
    const here = inLibrary.get(row.study_uid);
    const asked = askedFor.get(row.study_uid);
    // A download asked for before 0012 has its count but no label: unnamed, rather than "No name".
    const named = asked && [asked.patient_name, asked.patient_id, asked.study_date, asked.study_description].some((value) => value !== '') ? asked : undefined;
    const label = here ?? named;
    const total = row.direction === 'upload' ? row.instance_rows : (row.study_expected ?? asked?.expected ?? row.instance_rows);
    const completed = row.direction === 'upload' ? row.done : Math.min(total, here?.instance_count ?? 0);
    return {
      serverId: row.server_id,
      serverName: row.server_name,
      direction: row.direction,
      studyInstanceUid: row.study_uid,
      study: label
        ? {
            patientName: label.patient_name,
            patientId: label.patient_id,
            studyDate: dicomDateToIso(label.study_date),
            studyDescription: label.study_description,
            modalities: label.modalities ? label.modalities.split('\\') : [],
          }
        : null,
      inLibrary: here !== undefined,
      state: stateOf(row),
      completed,
      total,
      waiting: row.waiting,
      running: row.running,
      refused: row.refused,
      nextAttemptAt: row.next_attempt_at,
      problems:
        row.waiting + row.refused > 0
          ? problems.all(row.server_id, row.direction, row.study_uid).map((problem) => ({ reason: problem.reason, count: problem.n, refused: problem.refused === 1 }))
          : [],
      firstAt: row.first_at,
      lastAt: row.last_at,
    };
  });
  return { groups, more: rows.length > limit };
}

/** The ids of the lines' transfers in the given states. */
export function transferIdsOf(db: LibraryDatabase, groups: readonly TransferGroupKey[], states: ReadonlyArray<'pending' | 'running' | 'parked'>): number[] {
  const placeholders = states.map(() => '?').join(', ');
  const select = db.prepare<string[], { id: number }>(`SELECT id FROM transfers WHERE server_id = ? AND direction = ? AND study_uid = ? AND state IN (${placeholders})`);
  return groups.flatMap((group) => select.all(group.serverId, group.direction, group.studyInstanceUid, ...states).map((row) => row.id));
}

/** A library study's uploads, by server (StudyDetail.uploads). */
export function studyUploads(db: LibraryDatabase, studyInstanceUid: string): StudyUpload[] {
  return db
    .prepare<[string], { server_id: string; server_name: string; sent: number; waiting: number; refused: number }>(
      `SELECT t.server_id, sv.name AS server_name,
              SUM(t.state = 'done') AS sent,
              SUM(t.state IN ('pending', 'running')) AS waiting,
              SUM(t.state = 'parked') AS refused
         FROM transfers t JOIN servers sv ON sv.id = t.server_id
        WHERE t.study_uid = ? AND t.direction = 'upload'
        GROUP BY t.server_id ORDER BY sv.is_default DESC, sv.name`,
    )
    .all(studyInstanceUid)
    .map((row) => ({ serverId: row.server_id, serverName: row.server_name, sent: row.sent, waiting: row.waiting, refused: row.refused }));
}

/** The ids of a study's transfers not done yet, both ways, with every server. */
export function openTransferIdsOfStudy(db: LibraryDatabase, studyInstanceUid: string): number[] {
  return db
    .prepare<[string], { id: number }>("SELECT id FROM transfers WHERE study_uid = ? AND state IN ('pending', 'running', 'parked')")
    .all(studyInstanceUid)
    .map((row) => row.id);
}
