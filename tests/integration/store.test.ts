/**
 * The local store on a real SQLite file: how a library is created, migrated, refused, and how
 * the audit log behaves.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditQuery, StudyQuery } from '../../shared/api';
import { appendAudit, queryAudit } from '../../electron/services/store/auditLog';
import { DatabaseTooNewError, LATEST_SCHEMA_VERSION, migrate, NotALibraryError, openLibraryDatabase, schemaVersionOf } from '../../electron/services/store/database';
import { priorStudies, searchStudies } from '../../electron/services/store/librarySearch';
import { readLibraryStats } from '../../electron/services/store/libraryStats';
import { insertInstances } from '../../electron/services/store/libraryWrites';
import { startStore } from '../../electron/services/store/storeClient';
import { testHeader } from '../helpers/instanceHeader';
import { makeTempDir } from '../helpers/tempDir';

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir('store');
  file = path.join(temp.dir, 'library.sqlite');
});
afterEach(() => temp.remove());

const sha256 = (target: string) => createHash('sha256').update(readFileSync(target)).digest('hex');

describe('opening a library', () => {
  it('creates a new library in WAL mode, with foreign keys, at the latest schema', () => {
    const db = openLibraryDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(schemaVersionOf(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'patients', 'studies', 'series', 'instances']));
    db.close();
  });

  it('opens an existing library again without re-running its migrations', () => {
    const first = openLibraryDatabase(file);
    appendAudit(first, { actor: 'tech', action: 'app.start' });
    first.close();
    const again = openLibraryDatabase(file);
    expect(schemaVersionOf(again)).toBe(LATEST_SCHEMA_VERSION);
    expect(queryAudit(again, AuditQuery.parse({})).entries).toHaveLength(1);
    again.close();
  });

  it('applies each migration in its own transaction: a failing one leaves the previous version and none of its tables', () => {
    const db = new Database(file);
    const steps = [
      { version: 1, name: 'good', sql: 'CREATE TABLE kept (id INTEGER PRIMARY KEY);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE half (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);' },
    ];
    expect(() => migrate(db, steps)).toThrow(/no_such_table/);
    expect(schemaVersionOf(db)).toBe(1);
    const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name);
    expect(names).toContain('kept');
    expect(names).not.toContain('half');
    db.close();
  });

  it('refuses a library written by a newer version and leaves the file untouched', () => {
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    newer.close();
    const before = sha256(file);
    let thrown: unknown;
    try {
      openLibraryDatabase(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DatabaseTooNewError);
    expect((thrown as Error).message).toContain(`schema ${LATEST_SCHEMA_VERSION + 5}`);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a file that is not a database with a clear error', () => {
    writeFileSync(file, 'this is a text file, not SQLite\n'.repeat(200));
    expect(() => openLibraryDatabase(file)).toThrow(NotALibraryError);
  });
});

describe('the audit log', () => {
  it('appends entries and finds them by action, subject and time, newest first, in pages', () => {
    const db = openLibraryDatabase(file);
    const at = (iso: string) => new Date(iso);
    appendAudit(db, { actor: 'tech', action: 'library.import', detail: { imported: 12 } }, at('2026-01-01T10:00:00Z'));
    appendAudit(db, { actor: 'dr', action: 'study.view', subject: '1.2.3' }, at('2026-01-02T10:00:00Z'));
    appendAudit(db, { actor: 'dr', action: 'study.view', subject: '1.2.4' }, at('2026-01-03T10:00:00Z'));
    appendAudit(db, { actor: 'dr', action: 'report.sign', subject: '1.2.3' }, at('2026-01-04T10:00:00Z'));

    const views = queryAudit(db, AuditQuery.parse({ action: 'study.view' }));
    expect(views.entries.map((entry) => entry.subject)).toEqual(['1.2.4', '1.2.3']);

    const aboutStudy = queryAudit(db, AuditQuery.parse({ subject: '1.2.3' }));
    expect(aboutStudy.entries.map((entry) => entry.action)).toEqual(['report.sign', 'study.view']);

    // Bounds in another offset are compared in UTC: 11:00+01:00 is 10:00Z.
    const window = queryAudit(db, AuditQuery.parse({ since: '2026-01-02T11:00:00+01:00', until: '2026-01-03T10:00:00Z' }));
    expect(window.entries.map((entry) => entry.subject)).toEqual(['1.2.4', '1.2.3']);

    const firstPage = queryAudit(db, AuditQuery.parse({ limit: 3 }));
    expect(firstPage.entries).toHaveLength(3);
    expect(firstPage.nextBeforeId).not.toBeNull();
    const secondPage = queryAudit(db, AuditQuery.parse({ limit: 3, beforeId: firstPage.nextBeforeId ?? undefined }));
    expect(secondPage.entries.map((entry) => entry.detail)).toEqual([{ imported: 12 }]);
    expect(secondPage.nextBeforeId).toBeNull();
    db.close();
  });

  it('is append-only: updates and deletes are refused by the database itself', () => {
    const db = openLibraryDatabase(file);
    appendAudit(db, { actor: 'dr', action: 'report.sign', subject: '1.2.3' });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(queryAudit(db, AuditQuery.parse({})).entries[0]?.actor).toBe('dr');
    db.close();
  });
});

describe('library statistics', () => {
  it('counts patients, studies, series, instances and bytes', () => {
    const db = openLibraryDatabase(file);
    expect(readLibraryStats(db)).toEqual({ patients: 0, studies: 0, series: 0, instances: 0, bytes: 0 });
    const now = new Date().toISOString();
    db.prepare("INSERT INTO patients (id, patient_key) VALUES (1, 'p')").run();
    db.prepare("INSERT INTO studies (id, study_uid, patient_ref, added_at) VALUES (1, '1.2', 1, ?)").run(now);
    db.prepare("INSERT INTO series (id, series_uid, study_ref) VALUES (1, '1.2.1', 1)").run();
    db.prepare("INSERT INTO instances (sop_instance_uid, series_ref, file_size, added_at) VALUES ('1.2.1.1', 1, 1000, ?), ('1.2.1.2', 1, 2500, ?)").run(now, now);
    expect(readLibraryStats(db)).toEqual({ patients: 1, studies: 1, series: 1, instances: 2, bytes: 3500 });
    // Foreign keys are enforced: an instance cannot point at a series that does not exist.
    expect(() => db.prepare("INSERT INTO instances (sop_instance_uid, series_ref, file_size, added_at) VALUES ('9.9', 42, 1, ?)").run(now)).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('searching the study list', () => {
  const header = testHeader;

  it('finds names by any part’s beginning, ignoring case and accents, and filters by ID and accession prefix', () => {
    const db = openLibraryDatabase(file);
    insertInstances(db, [
      { path: 'a', header: header({ patientName: 'Müller^José', patientId: 'PX-1001', accessionNumber: 'ACC2024-7', studyDescription: 'CT THORAX' }) },
      { path: 'b', header: header({ patientName: 'Núñez^Zoë', patientId: 'PX-2002', studyInstanceUid: '1.2.2', seriesInstanceUid: '1.2.2.1', sopInstanceUid: '1.2.2.1.1', studyDate: '20230301', modality: 'MR', fileSize: 5000 }) },
    ]);
    const names = (query: Parameters<typeof StudyQuery.parse>[0]) => searchStudies(db, StudyQuery.parse(query)).studies.map((study) => study.patientName);
    expect(names({ patientName: 'muller' })).toEqual(['Müller^José']);
    expect(names({ patientName: 'MÜL' })).toEqual(['Müller^José']);
    expect(names({ patientName: 'jose' })).toEqual(['Müller^José']);
    expect(names({ patientName: 'nunez zo' })).toEqual(['Núñez^Zoë']);
    expect(names({ patientName: 'ller' })).toEqual([]); // a prefix, not a substring
    expect(names({ patientId: 'px-2' })).toEqual(['Núñez^Zoë']);
    expect(names({ accession: 'acc2024' })).toEqual(['Müller^José']);
    expect(names({ description: 'thor' })).toEqual(['Müller^José']);
    expect(names({ modality: 'MR' })).toEqual(['Núñez^Zoë']);
    expect(names({ sort: 'name', direction: 'asc' })).toEqual(['Müller^José', 'Núñez^Zoë']);
    expect(names({ sort: 'date', direction: 'asc' })).toEqual(['Núñez^Zoë', 'Müller^José']);
    // The biggest first: what to delete when the disk is nearly full.
    expect(names({ sort: 'size' })).toEqual(['Núñez^Zoë', 'Müller^José']);
    expect(names({ sort: 'size', direction: 'asc' })).toEqual(['Müller^José', 'Núñez^Zoë']);
    expect(searchStudies(db, StudyQuery.parse({ limit: 1, offset: 1 }))).toMatchObject({ total: 2, offset: 1, studies: [{ patientName: 'Núñez^Zoë' }] });
    db.close();
  });
});

describe('a patient’s other studies (priors to compare with)', () => {
  const header = testHeader;
  const instance = (study: string, overrides: Parameters<typeof header>[0]) => ({
    path: study,
    header: header({ studyInstanceUid: study, seriesInstanceUid: `${study}.1`, sopInstanceUid: `${study}.1.1`, ...overrides }),
  });

  it('lists the same Patient ID and issuer’s other studies, newest first, whatever the name’s spelling; none without a Patient ID', () => {
    const db = openLibraryDatabase(file);
    insertInstances(db, [
      instance('1.1', { patientName: 'Doe^Jane', patientId: 'P7', studyDate: '20240105' }),
      instance('1.2', { patientName: 'DOE^JANE^^^', patientId: 'P7', studyDate: '20220301' }),
      instance('1.3', { patientName: 'Doe^Jane', patientId: 'P7', studyDate: '20230615' }),
      // Same ID from another hospital's numbering: another person.
      instance('1.4', { patientName: 'Roe^Richard', patientId: 'P7', issuerOfPatientId: 'OTHER-HOSPITAL', studyDate: '20230101' }),
      instance('1.5', { patientName: 'Doe^Jane', patientId: 'P77', studyDate: '20230101' }),
      instance('1.6', { patientName: 'Anonymous', patientId: '', studyDate: '20230101' }),
      instance('1.7', { patientName: 'Anonymous', patientId: '', studyDate: '20220101' }),
    ]);
    const priors = (uid: string) => priorStudies(db, uid)?.map((study) => `${study.studyInstanceUid} ${study.studyDate} ${study.patientName}`);
    expect(priors('1.1')).toEqual(['1.3 2023-06-15 Doe^Jane', '1.2 2022-03-01 DOE^JANE^^^']);
    // Comparing the other way: the later study is among the first one's.
    expect(priors('1.2')).toEqual(['1.1 2024-01-05 Doe^Jane', '1.3 2023-06-15 Doe^Jane']);
    expect(priors('1.4')).toEqual([]);
    expect(priors('1.6')).toEqual([]);
    expect(priorStudies(db, '9.9.9')).toBeNull();
    db.close();
  });
});

describe('the store worker', () => {
  it('serves the store from a worker thread', async () => {
    const store = await startStore({ databaseFile: file, instancesDir: path.join(temp.dir, 'instances') });
    try {
      expect(await store.call('schemaVersion')).toBe(LATEST_SCHEMA_VERSION);
      const written = await store.call('appendAudit', { actor: 'tech', action: 'app.start' });
      expect(written.id).toBeGreaterThan(0);
      const page = await store.call('queryAudit', AuditQuery.parse({}));
      expect(page.entries.map((entry) => entry.action)).toEqual(['app.start']);
    } finally {
      await store.close();
    }
  });

  it('reports a library from a newer version as DatabaseTooNewError', async () => {
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    newer.close();
    await expect(startStore({ databaseFile: file, instancesDir: path.join(temp.dir, 'instances') })).rejects.toMatchObject({ name: 'DatabaseTooNewError' });
  });
});
