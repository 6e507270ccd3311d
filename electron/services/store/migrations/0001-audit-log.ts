import type { Migration } from '../migration-type';

/**
 * The audit log: who did what to which object, when. Append-only, enforced by triggers, so
 * neither a bug nor a stray SQL statement can rewrite history. `subject` holds a UID (never a
 * name); `detail` is a small JSON object of counts and codes.
 */
export const auditLog: Migration = {
  version: 1,
  name: 'audit-log',
  sql: `
    CREATE TABLE audit_log (
      id       INTEGER PRIMARY KEY AUTOINCREMENT,
      at       TEXT    NOT NULL,
      actor    TEXT    NOT NULL,
      action   TEXT    NOT NULL,
      subject  TEXT,
      detail   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
    );
    CREATE INDEX audit_log_by_action  ON audit_log (action, id);
    CREATE INDEX audit_log_by_subject ON audit_log (subject, id) WHERE subject IS NOT NULL;
    CREATE INDEX audit_log_by_time    ON audit_log (at);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
};
