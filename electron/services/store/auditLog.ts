/**
 * Appending to and reading the audit log (table from migration 0001).
 *
 * Who, what, when, about which object. The subject is a UID or another opaque identifier;
 * details are counts and codes. Names and patient IDs never go here, so the log can be shown
 * or exported without becoming a second copy of the patient record.
 */
import type { AuditEntry, AuditPage, ValidatedInput } from '../../../shared/api';
import type { LibraryDatabase } from './database';

export interface NewAuditEntry {
  actor: string;
  action: string;
  subject?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return { ...row, detail: JSON.parse(row.detail) as Record<string, unknown> };
}

export function appendAudit(db: LibraryDatabase, entry: NewAuditEntry, now: Date = new Date()): AuditEntry {
  const row = db
    .prepare<[string, string, string, string | null, string], AuditRow>(
      'INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?) RETURNING *',
    )
    .get(now.toISOString(), entry.actor, entry.action, entry.subject ?? null, JSON.stringify(entry.detail ?? {}));
  if (!row) throw new Error('audit insert returned no row');
  return toEntry(row);
}

export function queryAudit(db: LibraryDatabase, query: ValidatedInput<'audit.query'>): AuditPage {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (query.action !== undefined) {
    where.push('action = ?');
    params.push(query.action);
  }
  if (query.subject !== undefined) {
    where.push('subject = ?');
    params.push(query.subject);
  }
  // Stored times are UTC ISO strings, which compare correctly as text once the query's
  // bounds are normalised to the same form (the caller may give any offset).
  if (query.since !== undefined) {
    where.push('at >= ?');
    params.push(new Date(query.since).toISOString());
  }
  if (query.until !== undefined) {
    where.push('at <= ?');
    params.push(new Date(query.until).toISOString());
  }
  if (query.beforeId !== undefined) {
    where.push('id < ?');
    params.push(query.beforeId);
  }
  const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  // One row more than asked tells whether another page exists without a COUNT(*).
  const rows = db.prepare<Array<string | number>, AuditRow>(sql).all(...params, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    entries: page.map(toEntry),
    nextBeforeId: rows.length > query.limit && last ? last.id : null,
  };
}
