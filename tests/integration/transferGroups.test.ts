/**
 * The transfers list's lines (one study, server and direction) on a real SQLite file: which
 * lines come first and how many, across transfers spread over a year (the list looks back in
 * widening windows instead of grouping the whole table), and what a line counts and says. And
 * the queue's record not growing for ever: done transfers older than 90 days are removed when
 * the workstation starts, the others kept.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transfer, TransferGroup } from '../../shared/api';
import Database from 'better-sqlite3';
import { type LibraryDatabase, migrate, openLibraryDatabase } from '../../electron/services/store/database';
import { migrations } from '../../electron/services/store/migrations';
import { enqueueStudyDownload, enqueueTransfers, finishTransfers, listTransfers, pruneDoneTransfers, saveServer } from '../../electron/services/store/syncStore';
import { insertInstances } from '../../electron/services/store/libraryWrites';
import { DONE_TRANSFERS_KEPT_DAYS } from '../../electron/services/sync/syncEngine';
import { callHostValue } from '../helpers/hostEvents';
import { startHostProcess } from '../helpers/hostProcess';
import { until } from '../helpers/until';
import { listTransferGroups, transferIdsOf } from '../../electron/services/store/transferGroups';
import { testHeader } from '../helpers/instanceHeader';
import { makeTempDir } from '../helpers/tempDir';

const ARCHIVE = '00000000-0000-4000-8000-000000000001';
const CLINIC = '00000000-0000-4000-8000-000000000002';
const START = Date.parse('2025-01-01T08:00:00.000Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(START + hours * HOUR).toISOString();

let temp: ReturnType<typeof makeTempDir>;
let db: LibraryDatabase;
beforeEach(() => {
  temp = makeTempDir('transfer-groups');
  db = openLibraryDatabase(path.join(temp.dir, 'library.sqlite'));
  saveServer(db, ARCHIVE, { name: 'Archive', baseUrl: 'http://127.0.0.1:1/dicom-web', auth: 'none', username: '', isDefault: true, autoUpload: false, autoDownloadDays: 0, autoDownloadPriors: 0 }, at(0));
  saveServer(db, CLINIC, { name: 'Clinic', baseUrl: 'http://127.0.0.1:2/dicom-web', auth: 'none', username: '', isDefault: false, autoUpload: false, autoDownloadDays: 0, autoDownloadPriors: 0 }, at(0));
});
afterEach(() => {
  db.close();
  temp.remove();
});

/** Queues `count` instances of study `study` for upload at hour `hours`, all sent at once. */
function sentAt(study: number, hours: number, count = 3, serverId = ARCHIVE): void {
  const instances = Array.from({ length: count }, (_, index) => ({ sopInstanceUid: `1.2.${study}.${index}`, studyInstanceUid: `1.3.${study}`, seriesInstanceUid: `1.4.${study}` }));
  enqueueTransfers(db, serverId, 'upload', instances, at(hours));
  const rows = listTransfers(db, undefined, { serverId, direction: 'upload', studyInstanceUid: `1.3.${study}` }, 1000);
  finishTransfers(db, rows.map((row) => ({ id: row.id, result: 'done' })), at(hours));
}

const studiesOf = (groups: TransferGroup[]) => groups.map((group) => group.studyInstanceUid);

describe('the lines of the transfers list', () => {
  it('lists the lines with work left first, then the latest, looking back as far as it must', () => {
    // Sent over a year: an hour, a day, a month and most of a year before the newest.
    const hoursAgo = [0, 1, 2, 30, 24 * 40, 24 * 300, 24 * 301];
    hoursAgo.forEach((ago, index) => sentAt(index, 24 * 365 - ago));
    // Two lines with work left, both older than every done line: listed first all the same.
    enqueueTransfers(db, CLINIC, 'upload', [{ sopInstanceUid: '1.2.99.0', studyInstanceUid: '1.3.99', seriesInstanceUid: '1.4.99' }], at(1));
    const refused = enqueueTransfers(db, ARCHIVE, 'upload', [{ sopInstanceUid: '1.2.98.0', studyInstanceUid: '1.3.98', seriesInstanceUid: '1.4.98' }], at(2));
    expect(refused.queued).toBe(1);
    const [parked] = listTransfers(db, undefined, { serverId: ARCHIVE, direction: 'upload', studyInstanceUid: '1.3.98' }, 10);
    finishTransfers(db, [{ id: parked!.id, result: 'parked', error: 'refused: the archive does not take this SOP class' }], at(3));

    const all = listTransferGroups(db, 100);
    expect(studiesOf(all.groups)).toEqual(['1.3.98', '1.3.99', '1.3.0', '1.3.1', '1.3.2', '1.3.3', '1.3.4', '1.3.5', '1.3.6']);
    expect(all.more).toBe(false);
    // Cut anywhere, the first lines are the same, and the list says there are more.
    for (const limit of [1, 2, 3, 5, 6, 8]) {
      const page = listTransferGroups(db, limit);
      expect(studiesOf(page.groups), `limit ${limit}`).toEqual(studiesOf(all.groups).slice(0, limit));
      expect(page.more, `limit ${limit}`).toBe(true);
    }
    expect(listTransferGroups(db, 9).more).toBe(false);
  });

  it('counts what a line sent, waits for, and had refused, with the reasons', () => {
    const instances = Array.from({ length: 5 }, (_, index) => ({ sopInstanceUid: `1.2.7.${index}`, studyInstanceUid: '1.3.7', seriesInstanceUid: '1.4.7' }));
    enqueueTransfers(db, ARCHIVE, 'upload', instances, at(0));
    const rows = listTransfers(db, undefined, { serverId: ARCHIVE, direction: 'upload', studyInstanceUid: '1.3.7' }, 10);
    const [first, second, third, fourth] = rows.map((row) => row.id);
    finishTransfers(
      db,
      [
        { id: first!, result: 'done' },
        { id: second!, result: 'parked', error: 'refused: no such SOP class' },
        { id: third!, result: 'parked', error: 'refused: no such SOP class' },
        { id: fourth!, result: 'retry', error: 'connection reset', nextAttemptAt: at(2) },
      ],
      at(1),
    );
    const [line] = listTransferGroups(db, 10).groups;
    expect(line).toMatchObject({
      serverId: ARCHIVE,
      serverName: 'Archive',
      direction: 'upload',
      studyInstanceUid: '1.3.7',
      // Not in the library (nothing imported here): unnamed, and nothing to open.
      study: null,
      inLibrary: false,
      state: 'waiting',
      completed: 1,
      total: 5,
      waiting: 2,
      running: 0,
      refused: 2,
      nextAttemptAt: at(2),
      firstAt: at(0),
      lastAt: at(1),
    });
    expect(line?.problems).toEqual([
      { reason: 'refused: no such SOP class', count: 2, refused: true },
      { reason: 'connection reset', count: 1, refused: false },
    ]);
    // Retry and Cancel by line find exactly that line's open rows.
    expect(transferIdsOf(db, [{ serverId: ARCHIVE, direction: 'upload', studyInstanceUid: '1.3.7' }], ['parked']).sort()).toEqual([second, third].sort());
    expect(transferIdsOf(db, [{ serverId: CLINIC, direction: 'upload', studyInstanceUid: '1.3.7' }], ['pending', 'parked'])).toEqual([]);
  });

  it('names a download from what the server said until the study is here', () => {
    enqueueStudyDownload(db, ARCHIVE, '1.3.8', 134, { patientName: 'Doe^Jane', patientId: 'P-8', studyDate: '20120706', studyDescription: 'CT ABDOMEN', modalities: ['CT', 'SR'] }, at(0));
    const [line] = listTransferGroups(db, 10).groups;
    expect(line).toMatchObject({
      direction: 'download',
      study: { patientName: 'Doe^Jane', patientId: 'P-8', studyDate: '2012-07-06', studyDescription: 'CT ABDOMEN', modalities: ['CT', 'SR'] },
      state: 'waiting',
      completed: 0,
      total: 134,
      // The whole-study download is one transfer.
      waiting: 1,
      nextAttemptAt: null,
    });
  });
});

describe('the queue’s record', () => {
  it('removes done transfers older than the cut, in steps, and keeps every open one', () => {
    for (let study = 0; study < 4; study += 1) sentAt(study, study * 24);
    enqueueTransfers(db, ARCHIVE, 'upload', [{ sopInstanceUid: '1.2.9.0', studyInstanceUid: '1.3.9', seriesInstanceUid: '1.4.9' }], at(0));
    // Studies 0 and 1 (sent on days 0 and 1) are before the cut: 6 rows, removed 4 then 2.
    expect(pruneDoneTransfers(db, at(36), 4)).toBe(4);
    expect(pruneDoneTransfers(db, at(36), 4)).toBe(2);
    expect(pruneDoneTransfers(db, at(36), 4)).toBe(0);
    const left = listTransfers(db, undefined, undefined, 100);
    expect(left.map((row) => `${row.studyInstanceUid} ${row.state}`).sort()).toEqual(['1.3.2 done', '1.3.2 done', '1.3.2 done', '1.3.3 done', '1.3.3 done', '1.3.3 done', '1.3.9 pending']);
  });

  it('is pruned when the workstation starts', async () => {
    const dataDir = path.join(temp.dir, 'workstation');
    const old = Date.now() - (DONE_TRANSFERS_KEPT_DAYS + 5) * 24 * HOUR;
    const recent = Date.now() - (DONE_TRANSFERS_KEPT_DAYS - 5) * 24 * HOUR;
    {
      mkdirSync(dataDir);
      const library = openLibraryDatabase(path.join(dataDir, 'library.sqlite'));
      saveServer(library, ARCHIVE, { name: 'Archive', baseUrl: 'http://127.0.0.1:1/dicom-web', auth: 'none', username: '', isDefault: true, autoUpload: false, autoDownloadDays: 0, autoDownloadPriors: 0 }, new Date(old).toISOString());
      for (const [study, when, result] of [
        [1, old, 'done'],
        [2, recent, 'done'],
        [3, old, 'parked'],
      ] as const) {
        const stamp = new Date(when).toISOString();
        enqueueTransfers(library, ARCHIVE, 'upload', [{ sopInstanceUid: `1.2.${study}`, studyInstanceUid: `1.3.${study}`, seriesInstanceUid: `1.4.${study}` }], stamp);
        const [row] = listTransfers(library, undefined, { serverId: ARCHIVE, direction: 'upload', studyInstanceUid: `1.3.${study}` }, 1);
        finishTransfers(library, [result === 'done' ? { id: row!.id, result } : { id: row!.id, result, error: 'refused' }], stamp);
      }
      library.close();
    }
    const host = await startHostProcess(dataDir);
    try {
      const left = await until(
        'the old done transfer being removed',
        async () => (await callHostValue<{ transfers: Transfer[] }>(host, 'sync.transfers', {})).transfers,
        (rows) => rows.length === 2,
      );
      expect(left.map((row) => `${row.studyInstanceUid} ${row.state}`).sort()).toEqual(['1.3.2 done', '1.3.3 parked']);
    } finally {
      await host.stop();
    }
  });
});

describe('a library from before the lines', () => {
  it('keeps its queue through migration 0012, a download asked for before it unnamed rather than "No name"', () => {
    db.close();
    const file = path.join(temp.dir, 'older.sqlite');
    const older = new Database(file);
    migrate(older, migrations.slice(0, 11));
    older.prepare("INSERT INTO servers (id, name, base_url, auth, created_at) VALUES (?, 'Archive', 'http://127.0.0.1:1/dicom-web', 'none', ?)").run(ARCHIVE, at(0));
    older.prepare('INSERT INTO study_expected_instances (study_uid, expected, server_id, recorded_at) VALUES (?, 134, ?, ?)').run('1.3.5', ARCHIVE, at(0));
    older
      .prepare("INSERT INTO transfers (server_id, direction, scope, sop_instance_uid, study_uid, series_uid, expected, state, next_attempt_at, created_at, updated_at) VALUES (?, 'download', 'study', '1.3.5', '1.3.5', '', 134, 'pending', ?, ?, ?)")
      .run(ARCHIVE, at(0), at(0), at(0));
    older.close();
    db = openLibraryDatabase(file);
    expect(listTransferGroups(db, 10).groups).toEqual([expect.objectContaining({ studyInstanceUid: '1.3.5', study: null, state: 'waiting', total: 134, completed: 0 })]);
  });
});

describe('a study download’s instances', () => {
  it('are recorded as downloaded in the transaction that adds them to the library, and only they', () => {
    const header = (sop: string) => testHeader({ studyInstanceUid: '1.3.7', seriesInstanceUid: '1.4.7', sopInstanceUid: sop });
    const downloadRows = () => listTransfers(db, undefined, { serverId: ARCHIVE, direction: 'download', studyInstanceUid: '1.3.7' }, 10).filter((row) => row.scope === 'instance');
    const instancesHere = () => db.prepare('SELECT COUNT(*) FROM instances').pluck().get();
    // One image imported here before the download was asked for: not the download's.
    insertInstances(db, [{ path: 'a', header: header('1.2.7.0') }], new Date(at(0)));
    enqueueStudyDownload(db, ARCHIVE, '1.3.7', 4, { patientName: '', patientId: '', studyDate: '', studyDescription: '', modalities: [] }, at(1));
    expect(downloadRows()).toEqual([]);

    // A batch whose recording fails (as a crash would cut it): none of it is in the library either.
    db.exec("CREATE TEMP TRIGGER cut_off BEFORE INSERT ON transfers WHEN NEW.sop_instance_uid = '1.2.7.3' BEGIN SELECT RAISE(ABORT, 'cut off'); END");
    expect(() => insertInstances(db, ['1.2.7.1', '1.2.7.2', '1.2.7.3'].map((sop) => ({ path: sop, header: header(sop) })), new Date(at(2)), ARCHIVE)).toThrow('cut off');
    expect(instancesHere()).toBe(1);
    expect(downloadRows()).toEqual([]);
    db.exec('DROP TRIGGER cut_off');

    // The same batch whole: each instance here with its done row.
    insertInstances(db, ['1.2.7.1', '1.2.7.2', '1.2.7.3'].map((sop) => ({ path: sop, header: header(sop) })), new Date(at(3)), ARCHIVE);
    expect(instancesHere()).toBe(4);
    expect(downloadRows().map((row) => `${row.sopInstanceUid} ${row.state}`).sort()).toEqual(['1.2.7.1 done', '1.2.7.2 done', '1.2.7.3 done']);
  });
});
