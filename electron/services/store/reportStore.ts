/** Diagnosis reports: the store's side (see migrations/0006-reports.ts for the rules). */
import type { ReportPart, ReportStatus, ReportTemplate, ReportVersion, Settings, StudyReport, ValidatedInput } from '../../../shared/api';
import type { LibraryDatabase } from './database';
import { listSrDocuments } from './srDocumentStore';

/** Saves of one window closer together than this extend the newest version. */
const VERSION_COALESCE_MS = 60_000;

interface PartRow {
  id: string;
  study_uid: string;
  sequence: number;
  findings: string;
  impression: string;
  recommendations: string;
  severity: ReportPart['severity'];
  template_id: string;
  revision: number;
  editor: string;
  signed_at: string | null;
  signed_by: string | null;
  sr_sop_instance_uid: string | null;
  created_at: string;
  updated_at: string;
}

function toPart(row: PartRow): ReportPart {
  return {
    id: row.id,
    sequence: row.sequence,
    findings: row.findings,
    impression: row.impression,
    recommendations: row.recommendations,
    severity: row.severity,
    templateId: row.template_id,
    revision: row.revision,
    signedAt: row.signed_at,
    signedBy: row.signed_by,
    srSopInstanceUid: row.sr_sop_instance_uid,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function partRow(db: LibraryDatabase, id: string): PartRow | undefined {
  return db.prepare<[string], PartRow>('SELECT * FROM report_parts WHERE id = ?').get(id);
}

export function getReport(db: LibraryDatabase, studyInstanceUid: string): StudyReport {
  const status = db.prepare<[string], { status: ReportStatus }>('SELECT status FROM reports WHERE study_uid = ?').get(studyInstanceUid)?.status ?? 'unreported';
  const parts = db.prepare<[string], PartRow>('SELECT * FROM report_parts WHERE study_uid = ? ORDER BY sequence').all(studyInstanceUid).map(toPart);
  // Signed reports (verified SRs) of this study that this workstation did not write.
  const elsewhere = listSrDocuments(db, studyInstanceUid).filter((document) => document.origin === 'imported' && document.sections.length > 0);
  return { studyInstanceUid, status, parts, elsewhere };
}

export type SaveDraftOutcome =
  | { outcome: 'saved'; part: ReportPart; status: ReportStatus; created: boolean; newVersion: boolean }
  | { outcome: 'conflict'; current: ReportPart }
  | { outcome: 'signed' }
  | { outcome: 'not-found' };

/**
 * Saves a draft unless someone else saved since `baseRevision` (another window: a conflict the
 * person resolves). The same window's own newer save is not a conflict: it is what happens when
 * an answer was lost and the window saves again from the revision it knew.
 */
export function saveDraft(db: LibraryDatabase, input: ValidatedInput<'reports.saveDraft'>, now: string): SaveDraftOutcome {
  return db.transaction((): SaveDraftOutcome => {
    const { studyInstanceUid, partId, editor, content } = input;
    let row = partRow(db, partId);
    let created = false;
    if (!row) {
      const main = db.prepare<[string], PartRow>('SELECT * FROM report_parts WHERE study_uid = ? AND sequence = 0').get(studyInstanceUid);
      if (main) return { outcome: 'conflict', current: toPart(main) };
      if (input.baseRevision !== 0) return { outcome: 'not-found' };
      db.prepare<[string, string, string]>("INSERT INTO reports (study_uid, status, created_at, updated_at) VALUES (?, 'draft', ?, ?)").run(studyInstanceUid, now, now);
      db.prepare<[string, string, string, string]>('INSERT INTO report_parts (id, study_uid, sequence, created_at, updated_at) VALUES (?, ?, 0, ?, ?)').run(partId, studyInstanceUid, now, now);
      row = partRow(db, partId);
      if (!row) throw new Error('report part vanished inside its own transaction');
      created = true;
    }
    if (row.study_uid !== studyInstanceUid) return { outcome: 'not-found' };
    if (row.signed_at !== null) return { outcome: 'signed' };
    if (row.revision !== input.baseRevision && row.editor !== editor && !input.force) return { outcome: 'conflict', current: toPart(row) };

    const revision = row.revision + 1;
    db.prepare<[string, string, string, string, string, number, string, string, string]>(
      `UPDATE report_parts SET findings = ?, impression = ?, recommendations = ?, severity = ?, template_id = ?, revision = ?, editor = ?, updated_at = ? WHERE id = ?`,
    ).run(content.findings, content.impression, content.recommendations, content.severity, content.templateId, revision, editor, now, partId);
    db.prepare<[string, string]>('UPDATE reports SET updated_at = ? WHERE study_uid = ?').run(now, studyInstanceUid);

    const latest = db.prepare<[string], { id: number; editor: string; saved_at: string }>('SELECT id, editor, saved_at FROM report_versions WHERE part_id = ? ORDER BY id DESC LIMIT 1').get(partId);
    const extend = latest !== undefined && latest.editor === editor && Date.parse(now) - Date.parse(latest.saved_at) < VERSION_COALESCE_MS;
    if (extend) {
      db.prepare<[number, string, string, string, string, string, number]>(
        'UPDATE report_versions SET revision = ?, findings = ?, impression = ?, recommendations = ?, severity = ?, saved_at = ? WHERE id = ?',
      ).run(revision, content.findings, content.impression, content.recommendations, content.severity, now, latest.id);
    } else {
      db.prepare<[string, number, string, string, string, string, string, string, string]>(
        `INSERT INTO report_versions (part_id, revision, findings, impression, recommendations, severity, editor, started_at, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(partId, revision, content.findings, content.impression, content.recommendations, content.severity, editor, now, now);
    }
    const saved = partRow(db, partId);
    if (!saved) throw new Error('report part vanished inside its own transaction');
    return { outcome: 'saved', part: toPart(saved), status: getReport(db, studyInstanceUid).status, created, newVersion: !extend };
  })();
}

export type SignOutcome = { ok: true; part: ReportPart; report: StudyReport } | { ok: false; reason: 'not-found' | 'signed' | 'stale' | 'empty' };

/** Signs a part exactly as it is at `revision`; the report becomes final, or amended for an addendum. */
export function signPart(db: LibraryDatabase, studyInstanceUid: string, partId: string, revision: number, signedBy: string, now: string): SignOutcome {
  return db.transaction((): SignOutcome => {
    const row = partRow(db, partId);
    if (!row || row.study_uid !== studyInstanceUid) return { ok: false, reason: 'not-found' };
    if (row.signed_at !== null) return { ok: false, reason: 'signed' };
    if (row.revision !== revision) return { ok: false, reason: 'stale' };
    if (!row.findings.trim() && !row.impression.trim()) return { ok: false, reason: 'empty' };
    db.prepare<[string, string, string, string]>('UPDATE report_parts SET signed_at = ?, signed_by = ?, updated_at = ? WHERE id = ?').run(now, signedBy, now, partId);
    db.prepare<[string, string, string]>('UPDATE reports SET status = ?, updated_at = ? WHERE study_uid = ?').run(row.sequence === 0 ? 'final' : 'amended', now, studyInstanceUid);
    const signed = partRow(db, partId);
    if (!signed) throw new Error('report part vanished inside its own transaction');
    return { ok: true, part: toPart(signed), report: getReport(db, studyInstanceUid) };
  })();
}

export function setPartSr(db: LibraryDatabase, partId: string, sopInstanceUid: string): void {
  db.prepare<[string, string]>('UPDATE report_parts SET sr_sop_instance_uid = ? WHERE id = ?').run(sopInstanceUid, partId);
}

export function reportPart(db: LibraryDatabase, partId: string): ReportPart | null {
  const row = partRow(db, partId);
  return row ? toPart(row) : null;
}

export type AddendumOutcome = { ok: true; report: StudyReport; sequence: number } | { ok: false; reason: 'not-signed' | 'open-addendum' };

/** A new, empty addendum after the last signed part. */
export function addAddendum(db: LibraryDatabase, studyInstanceUid: string, partId: string, now: string): AddendumOutcome {
  return db.transaction((): AddendumOutcome => {
    const parts = db.prepare<[string], { sequence: number; signed_at: string | null }>('SELECT sequence, signed_at FROM report_parts WHERE study_uid = ? ORDER BY sequence').all(studyInstanceUid);
    if (!parts[0]?.signed_at) return { ok: false, reason: 'not-signed' };
    if (parts.some((part) => part.signed_at === null)) return { ok: false, reason: 'open-addendum' };
    const sequence = parts.length;
    db.prepare<[string, string, number, string, string]>('INSERT INTO report_parts (id, study_uid, sequence, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(partId, studyInstanceUid, sequence, now, now);
    return { ok: true, report: getReport(db, studyInstanceUid), sequence };
  })();
}

export function listVersions(db: LibraryDatabase, partId: string): ReportVersion[] {
  return db
    .prepare<[string], { revision: number; findings: string; impression: string; recommendations: string; severity: ReportVersion['severity']; editor: string; started_at: string; saved_at: string }>(
      'SELECT revision, findings, impression, recommendations, severity, editor, started_at, saved_at FROM report_versions WHERE part_id = ? ORDER BY id DESC',
    )
    .all(partId)
    .map((row) => ({
      revision: row.revision,
      findings: row.findings,
      impression: row.impression,
      recommendations: row.recommendations,
      severity: row.severity,
      editor: row.editor,
      startedAt: row.started_at,
      savedAt: row.saved_at,
    }));
}

export function userTemplates(db: LibraryDatabase): ReportTemplate[] {
  return db
    .prepare<[], { id: string; name: string; modality: string; body_part: string; findings: string; impression: string; recommendations: string }>('SELECT * FROM report_templates ORDER BY name')
    .all()
    .map((row) => ({ id: row.id, name: row.name, modality: row.modality, bodyPart: row.body_part, findings: row.findings, impression: row.impression, recommendations: row.recommendations }));
}

export function saveTemplate(db: LibraryDatabase, template: ReportTemplate, now: string): void {
  db.prepare<[string, string, string, string, string, string, string, string]>(
    `INSERT INTO report_templates (id, name, modality, body_part, findings, impression, recommendations, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, modality = excluded.modality, body_part = excluded.body_part, findings = excluded.findings,
       impression = excluded.impression, recommendations = excluded.recommendations, updated_at = excluded.updated_at`,
  ).run(template.id, template.name, template.modality, template.bodyPart, template.findings, template.impression, template.recommendations, now);
}

export function deleteTemplate(db: LibraryDatabase, id: string): boolean {
  return db.prepare<[string]>('DELETE FROM report_templates WHERE id = ?').run(id).changes > 0;
}

const DEFAULT_SETTINGS: Settings = { radiologistName: '', institutionName: '' };

export function getSettings(db: LibraryDatabase): Settings {
  const stored = Object.fromEntries(db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings').all().map((row) => [row.key, row.value]));
  return { radiologistName: stored['radiologistName'] ?? DEFAULT_SETTINGS.radiologistName, institutionName: stored['institutionName'] ?? DEFAULT_SETTINGS.institutionName };
}

export function setSettings(db: LibraryDatabase, changes: Partial<Settings>): Settings {
  db.transaction(() => {
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    }
  })();
  return getSettings(db);
}
