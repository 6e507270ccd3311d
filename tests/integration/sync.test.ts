/**
 * Sync against a real Orthanc (Debian's, with its DICOMweb plugin), through the host's API:
 * upload by STOW-RS exactly once, download by WADO-RS byte for byte (a whole study in one
 * answer, and, when the link drops mid-answer, the rest instance by instance), an upload that
 * survives Orthanc being killed mid-way, a wrong password parked instead of retried forever, the
 * connection test's diagnoses, an outbox that survives a SIGKILL of the host, and transfers
 * cancelled (a study download streaming in stops, keeping what arrived).
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ConnectionCheck, RemoteStudy, ServerSummary, StudyDetail, StudyReport, StudySummary, SyncStatus, Transfer, TransferGroup, TransferGroupKey, ViewerStudy } from '../../shared/api';
import { instanceFilePath } from '../../electron/services/instanceFiles';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { type CuttingProxy, startCuttingProxy } from '../helpers/cuttingProxy';
import { freeLoopbackPort } from '../helpers/freePort';
import { callHostValue } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { type OrthancServer, startOrthanc } from '../helpers/orthanc';
import { makeTempDir } from '../helpers/tempDir';
import { until } from '../helpers/until';

const CT_SERIES = corpusPath('ct-series/pancreas-ct-cbct-seg');
const SCOUT_SERIES = corpusPath('mr-series/cptac-sar-ax-scout');
const USER = 'lumen';
const PASSWORD = 'reading-room-42';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SOP Instance UID → file hash, for every DICOM file of a corpus folder. */
function corpusHashes(folder: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.dcm'))) {
    const bytes = readFileSync(path.join(folder, name));
    const sopInstanceUid = dicomParser.parseDicom(bytes, { untilTag: 'x00080018' }).string('x00080018') ?? '';
    hashes.set(sopInstanceUid, sha256(bytes));
  }
  return hashes;
}

const call = callHostValue;

const drained = (host: HostProcess, timeoutMs?: number) =>
  until('the queue draining', () => call<SyncStatus>(host, 'sync.status', {}), (status) => status.pending === 0 && status.running === 0, timeoutMs);

describe('sync with a DICOMweb server (real Orthanc)', () => {
  let orthanc: OrthancServer;
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let server: ServerSummary;
  let ctStudy: string;
  let scoutStudy: string;

  /** What Orthanc holds for a study, by QIDO-RS, as SOP Instance UIDs. */
  const onServer = async (studyUid: string): Promise<string[]> => {
    const response = await fetch(`${orthanc.dicomWebUrl}/studies/${studyUid}/instances`, { headers: { ...orthanc.authHeaders, Accept: 'application/dicom+json' } });
    if (response.status === 204 || response.status === 404) return [];
    const items = (await response.json()) as Array<Record<string, { Value: string[] }>>;
    return items.map((item) => item['00080018']!.Value[0]!);
  };
  const addServer = (on: HostProcess, secret: string, name = 'Archive', baseUrl = orthanc.dicomWebUrl) =>
    call<ServerSummary>(on, 'servers.save', { name, baseUrl, auth: 'basic', username: USER, secret, isDefault: name === 'Archive' });
  /** Orthanc behind a relay that cuts or stalls the CT study's whole-study answer after `bytes`. */
  const relayCuttingTheStudy = (bytes: number, mode: 'cut' | 'stall') => startCuttingProxy(orthanc.httpPort, new RegExp(`^GET /dicom-web/studies/${ctStudy.replaceAll('.', '\\.')} `), bytes, mode);
  /** A new library whose server is Orthanc behind that relay; stopped and removed afterwards (`host` may be replaced). */
  async function withRelayedLibrary(name: string, bytes: number, mode: 'cut' | 'stall', body: (library: { dir: string; proxy: CuttingProxy; host: HostProcess }) => Promise<void>): Promise<void> {
    const other = makeTempDir(name);
    const proxy = await relayCuttingTheStudy(bytes, mode);
    const library = { dir: other.dir, proxy, host: await startHostProcess(other.dir) };
    try {
      await addServer(library.host, PASSWORD, 'Archive', `http://127.0.0.1:${proxy.port}/dicom-web`);
      await body(library);
    } finally {
      await library.host.stop();
      await proxy.close();
      other.remove();
    }
  }
  /** The transfers list's line for a study, server and direction (undefined: no such line). */
  const lineOf = async (on: HostProcess, key: TransferGroupKey) =>
    (await call<{ groups: TransferGroup[] }>(on, 'sync.transferGroups', {})).groups.find(
      (group) => group.serverId === key.serverId && group.direction === key.direction && group.studyInstanceUid === key.studyInstanceUid,
    );
  /** How the library names a study: what a line of the transfers list should say it is. */
  const libraryLabel = async (on: HostProcess, studyInstanceUid: string) => {
    const study = (await call<{ studies: StudySummary[] }>(on, 'library.searchStudies', {})).studies.find((item) => item.studyInstanceUid === studyInstanceUid)!;
    return { patientName: study.patientName, patientId: study.patientId, studyDate: study.studyDate, studyDescription: study.studyDescription, modalities: study.modalities };
  };
  const partOfStudyArrived = (host: HostProcess) => until('part of the study arriving', () => call<{ instances: number }>(host, 'library.stats', {}), (stats) => stats.instances >= 16);

  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { [USER]: PASSWORD } });
    temp = makeTempDir('sync');
    const dataDir = path.join(temp.dir, 'workstation');
    await cliImport(dataDir, [CT_SERIES, SCOUT_SERIES]);
    host = await startHostProcess(dataDir);
    server = await addServer(host, PASSWORD);
    const studies = (await call<{ studies: Array<{ studyInstanceUid: string; instanceCount: number }> }>(host, 'library.searchStudies', {})).studies;
    ctStudy = studies.find((study) => study.instanceCount === 134)!.studyInstanceUid;
    scoutStudy = studies.find((study) => study.instanceCount === 3)!.studyInstanceUid;
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await orthanc?.stop();
    temp?.remove();
  });

  it('keeps the password out of the database and says where it is kept', async () => {
    const listed = await call<{ servers: ServerSummary[]; secretStorage: { kind: string; note: string } }>(host, 'servers.list', {});
    expect(listed.servers).toMatchObject([{ name: 'Archive', hasSecret: true, isDefault: true, auth: 'basic', username: USER }]);
    expect(listed.secretStorage.kind).toBe('user-file');
    expect(listed.secretStorage.note).toMatch(/not in the operating system’s keychain/);
    const dataDir = path.join(temp.dir, 'workstation');
    expect(readFileSync(path.join(dataDir, 'library.sqlite')).includes(Buffer.from(PASSWORD))).toBe(false);
    expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain(PASSWORD);
  });

  it('says precisely what a connection test found', async () => {
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: server.id })).toMatchObject({ ok: true, stage: 'ok' });
    const closedPort = await freeLoopbackPort();
    const refused = await call<ServerSummary>(host, 'servers.save', { name: 'Nothing there', baseUrl: `http://127.0.0.1:${closedPort}/dicom-web`, auth: 'none' });
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: refused.id })).toMatchObject({ ok: false, stage: 'refused' });
    const notDicomWeb = await call<ServerSummary>(host, 'servers.save', { name: 'Wrong path', baseUrl: `${orthanc.baseUrl}/not-dicom-web`, auth: 'basic', username: USER, secret: PASSWORD });
    const check = await call<ConnectionCheck>(host, 'servers.test', { id: notDicomWeb.id });
    expect(check).toMatchObject({ ok: false, stage: 'not-dicomweb' });
    expect(check.message).toMatch(/DICOMweb root/);
    const wrong = await call<ServerSummary>(host, 'servers.save', { name: 'Wrong password', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: 'not-the-password' });
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: wrong.id })).toMatchObject({ ok: false, stage: 'auth', message: expect.stringContaining('401') as string });
    for (const extra of [refused, notDicomWeb, wrong]) await call(host, 'servers.delete', { id: extra.id });
  });

  it('uploads a study that QIDO-RS then finds whole, and uploading again duplicates nothing', async () => {
    expect(await call(host, 'sync.upload', { studyInstanceUid: scoutStudy })).toEqual({ queued: 3, alreadyQueued: 0 });
    await drained(host);
    expect((await onServer(scoutStudy)).sort()).toHaveLength(3);
    expect(await call(host, 'sync.upload', { studyInstanceUid: scoutStudy })).toEqual({ queued: 0, alreadyQueued: 3 });
    await drained(host);
    const held = await onServer(scoutStudy);
    expect(new Set(held).size).toBe(3);
    expect(held).toHaveLength(3);
    const transfers = (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', {})).transfers.filter((t) => t.studyInstanceUid === scoutStudy);
    expect(transfers.map((t) => [t.state, t.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
      ['done', 1],
    ]);
    // The study's detail says where it stands with the server.
    expect((await call<StudyDetail>(host, 'library.studyDetail', { studyInstanceUid: scoutStudy })).uploads).toEqual([{ serverId: server.id, serverName: 'Archive', sent: 3, waiting: 0, refused: 0 }]);
    // The transfers list says it in one line: which study, where to, all of it sent.
    expect(await lineOf(host, { serverId: server.id, direction: 'upload', studyInstanceUid: scoutStudy })).toMatchObject({
      serverName: 'Archive',
      study: await libraryLabel(host, scoutStudy),
      inLibrary: true,
      state: 'done',
      completed: 3,
      total: 3,
      waiting: 0,
      running: 0,
      refused: 0,
      problems: [],
    });
  });

  it('delivers every instance exactly once when Orthanc is killed mid-upload, and drains', async () => {
    expect(await call(host, 'sync.upload', { studyInstanceUid: ctStudy })).toEqual({ queued: 134, alreadyQueued: 0 });
    await until(
      'part of the upload arriving',
      async () => (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'done', limit: 1000 })).transfers.filter((t) => t.studyInstanceUid === ctStudy).length,
      (done) => done >= 10,
    );
    await orthanc.kill();
    // While it is down the queue waits, offline, without giving up.
    const waiting = await until('the link being seen as down', () => call<SyncStatus>(host, 'sync.status', {}), (status) => status.connection === 'offline');
    expect(waiting.parked).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await orthanc.restart();
    const status = await drained(host, 120_000);
    expect(status).toMatchObject({ parked: 0, connection: 'online' });
    const held = await onServer(ctStudy);
    expect(held).toHaveLength(134);
    expect(new Set(held).size).toBe(134);
    expect(new Set(held)).toEqual(new Set(corpusHashes(CT_SERIES).keys()));
    const statistics = (await (await fetch(`${orthanc.baseUrl}/statistics`, { headers: orthanc.authHeaders })).json()) as { CountInstances: number };
    expect(statistics.CountInstances).toBe(137);
    const audit = await call<{ entries: Array<{ action: string }> }>(host, 'audit.query', { action: 'sync.upload', limit: 200 });
    expect(audit.entries.length).toBeGreaterThan(0);
  });

  it('downloads a study into an empty library byte for byte', async () => {
    const other = makeTempDir('sync-download');
    const empty = await startHostProcess(other.dir);
    try {
      await addServer(empty, PASSWORD);
      const found = await call<{ studies: RemoteStudy[] }>(empty, 'sync.searchServer', {});
      expect(found.studies.map((study) => [study.studyInstanceUid, study.cached]).sort()).toEqual([
        [ctStudy, false],
        [scoutStudy, false],
      ].sort());
      // QIDO-RS leaves Study Description out unless it is asked for: it is asked for.
      const scoutLabel = await libraryLabel(host, scoutStudy);
      expect(scoutLabel.studyDescription).toBe('FOREARM^ROUTINE');
      expect(found.studies.find((study) => study.studyInstanceUid === scoutStudy)?.studyDescription).toBe(scoutLabel.studyDescription);
      expect(await call(empty, 'sync.download', { studyInstanceUids: [ctStudy] })).toEqual({ queued: 134, alreadyQueued: 0 });
      const status = await drained(empty, 120_000);
      expect(status.parked).toBe(0);
      const expected = corpusHashes(CT_SERIES);
      for (const [sopInstanceUid, hash] of expected) expect(sha256(readFileSync(instanceFilePath(path.join(other.dir, 'instances'), sopInstanceUid))), sopInstanceUid).toBe(hash);
      const after = await call<{ studies: Array<{ studyInstanceUid: string; cached: boolean }> }>(empty, 'sync.searchServer', {});
      expect(after.studies.find((study) => study.studyInstanceUid === ctStudy)?.cached).toBe(true);
      // The study came in one WADO-RS answer, streamed into the library; every row is done once.
      const downloads = await call<{ entries: AuditEntry[] }>(empty, 'audit.query', { action: 'sync.download', limit: 50 });
      expect(downloads.entries.map((entry) => entry.detail)).toEqual([expect.objectContaining({ wholeStudy: true, received: 134, imported: 134, outcome: 'complete' })]);
      const rows = (await call<{ transfers: Transfer[] }>(empty, 'sync.transfers', { limit: 500 })).transfers;
      expect(rows.filter((row) => row.scope === 'study').map((row) => [row.sopInstanceUid, row.state])).toEqual([[ctStudy, 'done']]);
      const instanceRows = rows.filter((row) => row.scope === 'instance');
      expect(new Set(instanceRows.map((row) => row.sopInstanceUid))).toEqual(new Set(expected.keys()));
      expect(instanceRows.map((row) => `${row.state} ${row.attempts}`)).toEqual(Array.from({ length: 134 }, () => 'done 1'));
      expect(await lineOf(empty, { serverId: (await call<{ servers: ServerSummary[] }>(empty, 'servers.list', {})).servers[0]!.id, direction: 'download', studyInstanceUid: ctStudy })).toMatchObject({
        study: await libraryLabel(host, ctStudy),
        state: 'done',
        completed: 134,
        total: 134,
      });
      // Asking again fetches nothing again.
      expect(await call(empty, 'sync.download', { studyInstanceUids: [ctStudy] })).toEqual({ queued: 0, alreadyQueued: 134 });
      await drained(empty);
      expect((await call<{ instances: number }>(empty, 'library.stats', {})).instances).toBe(134);
      // Deleted here, then asked for again: fetched again, whole.
      await call(empty, 'library.deleteStudy', { studyInstanceUid: ctStudy });
      expect(await call(empty, 'sync.download', { studyInstanceUids: [ctStudy] })).toEqual({ queued: 134, alreadyQueued: 0 });
      await drained(empty, 120_000);
      expect((await call<{ instances: number }>(empty, 'library.stats', {})).instances).toBe(134);
    } finally {
      await empty.stop();
      other.remove();
    }
  });

  it('finishes a download cut off mid-answer instance by instance, each instance once', async () => {
    // The whole-study answer is cut after 20 MB; the instance list and the retries pass.
    await withRelayedLibrary('sync-cut', 20 * 1024 * 1024, 'cut', async ({ dir, proxy, host: empty }) => {
      expect(await call(empty, 'sync.download', { studyInstanceUids: [ctStudy] })).toEqual({ queued: 134, alreadyQueued: 0 });
      const status = await drained(empty, 120_000);
      expect(proxy.cuts).toBe(1);
      expect(status.parked).toBe(0);
      const downloads = (await call<{ entries: AuditEntry[] }>(empty, 'audit.query', { action: 'sync.download', limit: 50 })).entries.map((entry) => entry.detail);
      const streamed = downloads.find((detail) => detail['wholeStudy'] === true);
      expect(streamed).toMatchObject({ outcome: 'interrupted' });
      const before = Number(streamed?.['imported']);
      expect(before).toBeGreaterThan(10);
      expect(before).toBeLessThan(134);
      // What the cut answer had not brought came one by one: the rest, no more.
      const oneByOne = downloads.filter((detail) => detail['wholeStudy'] !== true).reduce((sum, detail) => sum + Number(detail['imported']), 0);
      expect(oneByOne).toBe(134 - before);
      expect((await call<{ instances: number }>(empty, 'library.stats', {})).instances).toBe(134);
      for (const [sopInstanceUid, hash] of corpusHashes(CT_SERIES)) expect(sha256(readFileSync(instanceFilePath(path.join(dir, 'instances'), sopInstanceUid))), sopInstanceUid).toBe(hash);
      const rows = (await call<{ transfers: Transfer[] }>(empty, 'sync.transfers', { limit: 500 })).transfers;
      expect(rows.filter((row) => row.scope === 'instance')).toHaveLength(134);
      expect(rows.every((row) => row.state === 'done')).toBe(true);
      // The whole-study row was tried twice: the cut answer, then the listing of what was missing.
      expect(rows.filter((row) => row.scope === 'study').map((row) => [row.state, row.attempts])).toEqual([['done', 2]]);
    });
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('resumes a download caught mid-answer by a %s of the host, instance by instance after restart', async (signal) => {
    // The whole-study answer stops (the connection held open) after 25 MB: the host is stopped there.
    await withRelayedLibrary('sync-kill', 25 * 1024 * 1024, 'stall', async (library) => {
      let target = library.host;
      await call(target, 'sync.download', { studyInstanceUids: [ctStudy] });
      const part = await partOfStudyArrived(target);
      expect(part.instances).toBeLessThan(134);
      // The status bar's progress: what has landed, of what the server said the study holds.
      const progress = await until('the progress catching up', () => call<SyncStatus>(target, 'sync.status', {}), (status) => (status.downloading?.instances ?? 0) >= part.instances);
      expect(progress.downloading).toEqual({ studies: 1, instances: expect.any(Number) as number, expected: 134 });
      expect(progress.downloading?.instances).toBeLessThan(134);
      // A crash, or the app closed by the person: either way nothing is parked and the rest comes after restart.
      target.child.kill(signal);
      await new Promise((resolve) => target.child.once('exit', resolve));
      target = library.host = await startHostProcess(library.dir);
      const status = await drained(target, 120_000);
      expect(status.parked).toBe(0);
      expect((await call<{ instances: number }>(target, 'library.stats', {})).instances).toBe(134);
      for (const [sopInstanceUid, hash] of corpusHashes(CT_SERIES)) expect(sha256(readFileSync(instanceFilePath(path.join(library.dir, 'instances'), sopInstanceUid))), sopInstanceUid).toBe(hash);
      const rows = (await call<{ transfers: Transfer[] }>(target, 'sync.transfers', { limit: 500 })).transfers;
      expect(rows.filter((row) => row.scope === 'instance' && row.state === 'done')).toHaveLength(134);
      expect(rows.filter((row) => row.state !== 'done')).toEqual([]);
    });
  });

  it('cancels a download streaming in: it stops at once, keeps what arrived whole, and asking again completes it', async () => {
    await withRelayedLibrary('sync-cancel', 25 * 1024 * 1024, 'stall', async ({ host: target }) => {
      await call(target, 'sync.download', { studyInstanceUids: [ctStudy] });
      const part = await partOfStudyArrived(target);
      const running = (await call<{ transfers: Transfer[] }>(target, 'sync.transfers', { state: 'running', limit: 10 })).transfers;
      const study = running.find((row) => row.scope === 'study');
      expect(study?.expected).toBe(134);
      expect(await call(target, 'sync.cancel', { ids: [study!.id] })).toEqual({ cancelled: 1 });
      // Stopped, not parked or retried: the stalled answer is dropped (what arrived is committed) and the queue is empty.
      const stopped = await until('the download stopping', () => call<SyncStatus>(target, 'sync.status', {}), (status) => status.downloading === null, 30_000);
      expect(stopped).toMatchObject({ pending: 0, running: 0, parked: 0 });
      const kept = (await call<{ instances: number }>(target, 'library.stats', {})).instances;
      expect(kept).toBeGreaterThanOrEqual(part.instances);
      expect(kept).toBeLessThan(134);
      const rows = (await call<{ transfers: Transfer[] }>(target, 'sync.transfers', { limit: 500 })).transfers;
      // One done row per instance that arrived; the study's own row is gone.
      expect(rows.map((row) => [row.scope, row.state])).toEqual(Array.from({ length: kept }, () => ['instance', 'done']));
      const audit = (await call<{ entries: AuditEntry[] }>(target, 'audit.query', { limit: 50 })).entries;
      expect(audit.find((entry) => entry.action === 'sync.cancel')?.detail).toEqual({ transfers: 1, running: 1 });
      expect(audit.find((entry) => entry.action === 'sync.download')?.detail).toMatchObject({ wholeStudy: true, outcome: 'cancelled', imported: kept });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await call<{ instances: number }>(target, 'library.stats', {})).instances).toBe(kept);
      // The library and the viewer say the study is incomplete, and by how much.
      const local = (await call<{ studies: StudySummary[] }>(target, 'library.searchStudies', {})).studies.find((item) => item.studyInstanceUid === ctStudy);
      expect(local).toMatchObject({ instanceCount: kept, missingInstances: 134 - kept });
      expect((await call<ViewerStudy>(target, 'viewer.openStudy', { studyInstanceUid: ctStudy })).study.missingInstances).toBe(134 - kept);
      // The server's list does not mark a study only partly here as here.
      const listed = (await call<{ studies: RemoteStudy[] }>(target, 'sync.searchServer', {})).studies.find((item) => item.studyInstanceUid === ctStudy);
      expect(listed).toMatchObject({ instanceCount: 134, instancesHere: kept, cached: false });

      // Asked again: the rest comes instance by instance (the relay holds back only the whole-study answer).
      expect(await call(target, 'sync.download', { studyInstanceUids: [ctStudy] })).toEqual({ queued: 134 - kept, alreadyQueued: kept });
      await until('the rest arriving', () => call<{ instances: number }>(target, 'library.stats', {}), (stats) => stats.instances === 134);
      expect((await drained(target)).parked).toBe(0);
      const complete = (await call<{ studies: RemoteStudy[] }>(target, 'sync.searchServer', {})).studies.find((item) => item.studyInstanceUid === ctStudy);
      expect(complete).toMatchObject({ instancesHere: 134, cached: true });
      expect((await call<{ studies: StudySummary[] }>(target, 'library.searchStudies', {})).studies.find((item) => item.studyInstanceUid === ctStudy)?.missingInstances).toBe(0);
    });
  });

  it('names a download in the transfers list before any of it is here, and cancels it by its line', async () => {
    // The answer stalls after its first bytes: nothing of the study reaches the library.
    await withRelayedLibrary('sync-line', 4096, 'stall', async ({ host: target }) => {
      await call(target, 'sync.download', { studyInstanceUids: [ctStudy] });
      const key: TransferGroupKey = { serverId: (await call<{ servers: ServerSummary[] }>(target, 'servers.list', {})).servers[0]!.id, direction: 'download', studyInstanceUid: ctStudy };
      const line = await until('the download running', () => lineOf(target, key), (found) => found?.state === 'running');
      // Named from what the server said when it was asked for: the library has none of it.
      expect((await call<{ instances: number }>(target, 'library.stats', {})).instances).toBe(0);
      expect(line).toMatchObject({ study: await libraryLabel(host, ctStudy), inLibrary: false, completed: 0, total: 134, running: 1 });
      expect(await call(target, 'sync.cancel', { groups: [key] })).toEqual({ cancelled: 1 });
      await until('the download stopping', () => call<SyncStatus>(target, 'sync.status', {}), (status) => status.downloading === null && status.running === 0, 30_000);
      // Nothing arrived, nothing is left: the line is gone.
      expect(await lineOf(target, key)).toBeUndefined();
    });
  });

  it('takes waiting transfers out of the queue when they are no longer wanted', async () => {
    const closedPort = await freeLoopbackPort();
    const nowhere = await call<ServerSummary>(host, 'servers.save', { name: 'Unplugged', baseUrl: `http://127.0.0.1:${closedPort}/dicom-web`, auth: 'none' });
    await call(host, 'sync.upload', { studyInstanceUid: scoutStudy, serverId: nowhere.id });
    // Refused connections: waiting for their next try, not refused for good.
    const waiting = await until(
      'the upload waiting to be tried again',
      async () => (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'pending', limit: 500 })).transfers.filter((row) => row.serverId === nowhere.id),
      (rows) => rows.length === 3 && rows.every((row) => row.attempts > 0),
    );
    // Its line says what waits, why, and when the next try is.
    const key: TransferGroupKey = { serverId: nowhere.id, direction: 'upload', studyInstanceUid: scoutStudy };
    const line = await lineOf(host, key);
    expect(line).toMatchObject({ serverName: 'Unplugged', state: 'waiting', completed: 0, total: 3, waiting: 3, refused: 0, study: await libraryLabel(host, scoutStudy) });
    expect(line?.problems).toEqual([{ reason: expect.stringMatching(/refused/) as string, count: 3, refused: false }]);
    expect(line?.nextAttemptAt).not.toBeNull();
    // The status bar names the server that does not answer; the archive is not shown as down for it.
    expect(await call<SyncStatus>(host, 'sync.status', {})).toMatchObject({ connection: 'online', unreachableServers: ['Unplugged'] });
    // One by id, the rest by the line.
    expect(await call(host, 'sync.cancel', { ids: [waiting[0]!.id] })).toEqual({ cancelled: 1 });
    expect(await call(host, 'sync.cancel', { groups: [key] })).toEqual({ cancelled: 2 });
    expect(await lineOf(host, key)).toBeUndefined();
    const left = (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { limit: 500 })).transfers.filter((row) => row.serverId === nowhere.id);
    expect(left).toEqual([]);
    // Done rows are the record of what went: cancelling them changes nothing.
    const done = (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'done', limit: 1 })).transfers;
    expect(await call(host, 'sync.cancel', { ids: done.map((row) => row.id) })).toEqual({ cancelled: 0 });
    await call(host, 'servers.delete', { id: nowhere.id });
    expect((await call<SyncStatus>(host, 'sync.status', {})).unreachableServers).toEqual([]);
  });

  it('says in the study’s detail what has not reached a server, and deleting the study takes those uploads out of the queue', async () => {
    const other = makeTempDir('sync-delete-unsent');
    const dataDir = path.join(other.dir, 'workstation');
    try {
      await cliImport(dataDir, [SCOUT_SERIES]);
      const station = await startHostProcess(dataDir);
      try {
        const nowhere = await call<ServerSummary>(station, 'servers.save', { name: 'Unplugged', baseUrl: `http://127.0.0.1:${await freeLoopbackPort()}/dicom-web`, auth: 'none' });
        await call(station, 'sync.upload', { studyInstanceUid: scoutStudy });
        const detail = await until(
          'the uploads failing once',
          () => call<StudyDetail>(station, 'library.studyDetail', { studyInstanceUid: scoutStudy }),
          (found) => found.uploads.length === 1 && found.study.instanceCount === 3,
        );
        expect(detail.uploads).toEqual([{ serverId: nowhere.id, serverName: 'Unplugged', sent: 0, waiting: 3, refused: 0 }]);
        expect(await call(station, 'library.deleteStudy', { studyInstanceUid: scoutStudy })).toMatchObject({ deletedInstances: 3, cancelledUploads: 3 });
        expect((await call<{ transfers: Transfer[] }>(station, 'sync.transfers', {})).transfers).toEqual([]);
        expect(await call<SyncStatus>(station, 'sync.status', {})).toMatchObject({ pending: 0, running: 0, parked: 0 });
        const audit = (await call<{ entries: AuditEntry[] }>(station, 'audit.query', { action: 'study.delete', limit: 5 })).entries;
        expect(audit[0]?.detail).toMatchObject({ instances: 3, cancelledUploads: 3 });
      } finally {
        await station.stop();
      }
    } finally {
      other.remove();
    }
  });

  it('downloads a server’s new studies by itself when set to, each once: one deleted here is not fetched again', async () => {
    const other = makeTempDir('sync-auto-download');
    // A study made today on the server: the scout's three images with new UIDs and today's date.
    const now = new Date();
    const today = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
    const newUid = () => `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
    const todayStudy = newUid();
    const folder = path.join(other.dir, 'today');
    mkdirSync(folder);
    const files = readdirSync(SCOUT_SERIES).filter((name) => name.endsWith('.dcm')).map((name) => path.join(folder, name));
    for (const file of files) copyFileSync(path.join(SCOUT_SERIES, path.basename(file)), file);
    execFileSync('dcmodify', ['-nb', '-m', `(0008,0020)=${today}`, '-m', `(0020,000D)=${todayStudy}`, '-m', `(0020,000E)=${newUid()}`, '-i', '(0010,0021)=HOSPITAL-A', '-gin', ...files]);
    // Another hospital's patient with the same number (another Issuer of Patient ID), in 2015:
    // more recent than the 2009 scout, and not this patient's prior.
    const otherHospitalStudy = newUid();
    const otherFolder = path.join(other.dir, 'other-hospital');
    mkdirSync(otherFolder);
    const otherFiles = files.map((file) => path.join(otherFolder, path.basename(file)));
    for (const file of otherFiles) copyFileSync(path.join(SCOUT_SERIES, path.basename(file)), file);
    execFileSync('dcmodify', ['-nb', '-m', '(0008,0020)=20150101', '-m', `(0020,000D)=${otherHospitalStudy}`, '-m', `(0020,000E)=${newUid()}`, '-i', '(0010,0021)=HOSPITAL-B', '-gin', ...otherFiles]);
    for (const file of [...files, ...otherFiles]) {
      const stored = await fetch(`${orthanc.dicomWebUrl.replace(/\/dicom-web$/, '')}/instances`, { method: 'POST', body: readFileSync(file), headers: orthanc.authHeaders });
      expect(stored.status).toBe(200);
    }
    const reading = await startHostProcess(path.join(other.dir, 'workstation'));
    try {
      // The studies of the last day, each with the patient's latest prior: today's comes by itself
      // with the same patient's 2009 scout; the CT (another patient, 2012) does not, nor does the
      // other hospital's 2015 study under the same Patient ID.
      const archive = await call<ServerSummary>(reading, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: PASSWORD, autoDownloadDays: 1, autoDownloadPriors: 1 });
      expect(archive).toMatchObject({ autoDownloadDays: 1, autoDownloadPriors: 1 });
      const arrived = () => call<{ studies: StudySummary[] }>(reading, 'library.searchStudies', {});
      await until('today’s study and its prior arriving by themselves', arrived, (found) => found.studies.length === 2 && found.studies.every((study) => study.instanceCount === 3), 60_000);
      expect((await drained(reading)).parked).toBe(0);
      expect((await arrived()).studies.map((study) => study.studyInstanceUid)).toEqual([todayStudy, scoutStudy]);
      // The viewer's priors on the server, beside today's study: none. The scout is here already,
      // and the 2015 study is the other hospital's.
      expect(await call(reading, 'sync.serverPriors', { studyInstanceUid: todayStudy })).toEqual({ server: { id: archive.id, name: 'Archive' }, studies: [] });
      const queued = (await call<{ entries: AuditEntry[] }>(reading, 'audit.query', { action: 'sync.download-queued', limit: 10 })).entries;
      expect(queued.map((entry) => [entry.subject, entry.detail['automatic']]).sort()).toEqual([
        [scoutStudy, true],
        [todayStudy, true],
      ].sort());
      // Deleted here by the radiologist: the next look finds it again, and fetches nothing.
      await call(reading, 'library.deleteStudy', { studyInstanceUid: todayStudy });
      expect(await call(reading, 'sync.checkAutoDownload', { serverId: archive.id })).toEqual({ found: 1, queued: 0 });
      expect(await call<SyncStatus>(reading, 'sync.status', {})).toMatchObject({ pending: 0, running: 0 });
      expect((await call<{ instances: number }>(reading, 'library.stats', {})).instances).toBe(3);
      // Asked for by hand, it comes.
      expect(await call(reading, 'sync.download', { studyInstanceUids: [todayStudy], serverId: archive.id })).toEqual({ queued: 3, alreadyQueued: 0 });
      await until('the study arriving again', () => call<{ instances: number }>(reading, 'library.stats', {}), (stats) => stats.instances === 6);
    } finally {
      await reading.stop();
      // The server holds the CT and the scout again only, for the tests after this one.
      for (const made of [todayStudy, otherHospitalStudy]) {
        const [found] = (await (await fetch(`${orthanc.dicomWebUrl.replace(/\/dicom-web$/, '')}/tools/find`, { method: 'POST', headers: orthanc.authHeaders, body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: made } }) })).json()) as string[];
        if (found) await fetch(`${orthanc.dicomWebUrl.replace(/\/dicom-web$/, '')}/studies/${found}`, { method: 'DELETE', headers: orthanc.authHeaders });
      }
      other.remove();
    }
  });

  it('stops a study’s download when the study is deleted mid-way, and nothing of it comes back', async () => {
    await withRelayedLibrary('sync-delete-downloading', 25 * 1024 * 1024, 'stall', async ({ host: target }) => {
      await call(target, 'sync.download', { studyInstanceUids: [ctStudy] });
      await partOfStudyArrived(target);
      expect(await call(target, 'library.deleteStudy', { studyInstanceUid: ctStudy })).toMatchObject({ cancelledUploads: 0, cancelledDownloads: 1 });
      expect((await call<{ instances: number }>(target, 'library.stats', {})).instances).toBe(0);
      expect(await call<SyncStatus>(target, 'sync.status', {})).toMatchObject({ pending: 0, running: 0, parked: 0, downloading: null });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await call<{ instances: number }>(target, 'library.stats', {})).instances).toBe(0);
    });
  });

  it('lets a technician’s import wait its turn behind a download instead of refusing it', async () => {
    await withRelayedLibrary('sync-import-waits', 20 * 1024 * 1024, 'stall', async ({ proxy, host: target }) => {
      await call(target, 'sync.download', { studyInstanceUids: [ctStudy] });
      await partOfStudyArrived(target);
      // The download holds the importer: the person's import is taken, and waits.
      const { jobId } = await call<{ jobId: string }>(target, 'import.start', { paths: [SCOUT_SERIES] });
      const waiting = await call<{ running: { jobId: string; phase: string } | null }>(target, 'import.status', {});
      expect(waiting.running).toMatchObject({ jobId, phase: 'waiting' });
      // The link drops: the download stops (what came stays), the import runs, the download resumes.
      await proxy.close();
      const finished = await until('the import finishing', () => call<{ last: { jobId: string; phase: string; imported: number } | null }>(target, 'import.status', {}), (status) => status.last?.jobId === jobId);
      expect(finished.last).toMatchObject({ phase: 'finished', imported: 3 });
    });
  });

  it('parks transfers refused for a wrong password, with the reason, instead of retrying them', async () => {
    const wrong = await call<ServerSummary>(host, 'servers.save', { name: 'Stale password', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: 'expired' });
    await call(host, 'sync.upload', { studyInstanceUid: scoutStudy, serverId: wrong.id });
    const parked = await until(
      'the transfers being parked',
      async () => (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'parked' })).transfers,
      (list) => list.length === 3,
    );
    for (const transfer of parked) {
      expect(transfer.lastError).toMatch(/refused the credentials \(401/);
      expect(transfer.attempts).toBe(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'parked' })).transfers;
    expect(later.map((transfer) => transfer.attempts)).toEqual([1, 1, 1]);
    const key: TransferGroupKey = { serverId: wrong.id, direction: 'upload', studyInstanceUid: scoutStudy };
    const line = await lineOf(host, key);
    expect(line).toMatchObject({ state: 'refused', refused: 3, waiting: 0, completed: 0, total: 3, nextAttemptAt: null });
    expect(line?.problems).toEqual([{ reason: expect.stringMatching(/refused the credentials \(401/) as string, count: 3, refused: true }]);
    // Fixed password, then Retry on the line: they go.
    await call(host, 'servers.save', { id: wrong.id, name: 'Stale password', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: PASSWORD });
    expect(await call(host, 'sync.retry', { groups: [key] })).toEqual({ retried: 3 });
    expect((await drained(host)).parked).toBe(0);
    expect(await lineOf(host, key)).toMatchObject({ state: 'done', completed: 3, problems: [] });
    await call(host, 'servers.delete', { id: wrong.id });
  });

  it('keeps the outbox through a SIGKILL of the host and drains it after restart', async () => {
    const other = makeTempDir('sync-outbox');
    const dataDir = path.join(other.dir, 'workstation');
    try {
      // A fresh study for this server: the scout series under a new library, uploaded while Orthanc is down.
      await cliImport(dataDir, [SCOUT_SERIES]);
      let offline = await startHostProcess(dataDir);
      const target = await call<ServerSummary>(offline, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: PASSWORD, isDefault: true });
      await orthanc.kill();
      await call(offline, 'sync.upload', { studyInstanceUid: scoutStudy, serverId: target.id });
      await until('a failed attempt', () => call<SyncStatus>(offline, 'sync.status', {}), (status) => status.connection === 'offline');
      offline.child.kill('SIGKILL');
      await new Promise((resolve) => offline.child.once('exit', resolve));
      await orthanc.restart();
      offline = await startHostProcess(dataDir);
      try {
        const status = await drained(offline, 60_000);
        expect(status.parked).toBe(0);
        const transfers = (await call<{ transfers: Transfer[] }>(offline, 'sync.transfers', {})).transfers;
        expect(transfers.map((transfer) => transfer.state)).toEqual(['done', 'done', 'done']);
        expect(transfers.every((transfer) => transfer.attempts >= 2)).toBe(true);
      } finally {
        await offline.stop();
      }
    } finally {
      other.remove();
    }
  });

  it('sends a signed report up by itself; a report written elsewhere arrives with the study and is kept beside ours', async () => {
    const sign = async (on: HostProcess, signer: string, findings: string) => {
      await call(on, 'settings.set', { radiologistName: signer });
      const partId = randomUUID();
      await call(on, 'reports.saveDraft', { studyInstanceUid: scoutStudy, partId, baseRevision: 0, editor: randomUUID(), content: { findings, impression: 'Impression.', recommendations: '', severity: 'normal', templateId: '' } });
      return (await call<{ report: StudyReport; srError: string | null }>(on, 'reports.sign', { studyInstanceUid: scoutStudy, partId, revision: 1 })).report.parts[0]!.srSopInstanceUid!;
    };
    const ours = await sign(host, 'Roe^Jane', 'Findings written here.');
    await drained(host);
    expect(await onServer(scoutStudy)).toContain(ours);

    // Another workstation reports the same study and sends it up.
    const other = makeTempDir('sync-elsewhere');
    try {
      await cliImport(other.dir, [SCOUT_SERIES]);
      const elsewhere = await startHostProcess(other.dir);
      let theirs = '';
      try {
        await addServer(elsewhere, PASSWORD);
        theirs = await sign(elsewhere, 'Doe^John', 'Findings written elsewhere.');
        await drained(elsewhere);
      } finally {
        await elsewhere.stop();
      }
      const held = await onServer(scoutStudy);
      expect(held).toContain(ours);
      expect(held).toContain(theirs);

      // Syncing the study brings their report in: shown beside ours, ours untouched.
      await call(host, 'sync.download', { studyInstanceUids: [scoutStudy] });
      expect((await drained(host)).parked).toBe(0);
      const report = await call<StudyReport>(host, 'reports.get', { studyInstanceUid: scoutStudy });
      expect(report.status).toBe('final');
      expect(report.parts.map((part) => [part.findings, part.signedBy, part.srSopInstanceUid])).toEqual([['Findings written here.', 'Roe^Jane', ours]]);
      expect(report.elsewhere.map((document) => [document.sopInstanceUid, document.observer, document.verified])).toEqual([[theirs, 'Doe^John', true]]);
      expect(report.elsewhere[0]!.sections).toEqual([
        { title: 'Findings', text: 'Findings written elsewhere.' },
        { title: 'Impressions', text: 'Impression.' },
        { title: 'Severity', text: 'Normal' },
      ]);
      const audit = await call<{ entries: Array<{ action: string }> }>(host, 'audit.query', { action: 'report.transmit-queued' });
      expect(audit.entries).toHaveLength(1);
    } finally {
      other.remove();
    }
  });

  it('sends a technician’s imports up by itself when the server is set to', async () => {
    const other = makeTempDir('sync-auto');
    const station = await startHostProcess(other.dir);
    try {
      await call(station, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: USER, secret: PASSWORD, isDefault: true, autoUpload: true });
      await call(station, 'import.start', { paths: [SCOUT_SERIES] });
      const transfers = await until(
        'the import going up',
        async () => (await call<{ transfers: Transfer[] }>(station, 'sync.transfers', { state: 'done' })).transfers,
        (list) => list.length === 3,
      );
      expect(transfers.every((transfer) => transfer.direction === 'upload')).toBe(true);
    } finally {
      await station.stop();
      other.remove();
    }
  });
});
