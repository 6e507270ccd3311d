/**
 * The composition root of the main side: opens the data directory and the store, finishes
 * whatever a crash interrupted, and wires every request of the contract to a service. The
 * Electron shell, the browser host and the CLI all start exactly this, so what the tests
 * exercise through the host is what Electron runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppMode } from '../../shared/api';
import { type ApiRouter, createApiRouter } from '../api/apiRouter';
import { log } from '../logging/log';
import { APP_NAME, APP_VERSION } from './appIdentity';
import { displayDataDirectory, prepareDataDirectory } from './dataDirectory';
import { type EventListener, EventHub } from './eventHub';
import { exportStudies } from './export/exportService';
import { ImportService } from './import/importService';
import { instanceFilePath, shardFolders } from './instanceFiles';
import type { ReportWorkerApi } from './reports/reportWorker';
import { reportHandlers } from './reports/reportService';
import { SrDocumentReader } from './reports/srDocuments';
import { syncDirectory } from './syncDirectory';
import { FileSecretStore, type SecretStore } from './sync/secretStore';
import { AutoDownloader } from './sync/autoDownload';
import { SyncEngine } from './sync/syncEngine';
import { queueAutoUploads, queueReportUpload, syncHandlers } from './sync/syncService';
import { WorkerClient } from './workers/workerRpc';
import { workerScriptUrl } from './workers/workerScripts';
import type { NewAuditEntry } from './store/auditLog';
import { type StoreClient, startStore } from './store/storeClient';
import { UploadArea } from './import/uploadArea';
import { UserFacingError } from './userFacingError';

/** How long deleting a study waits for its downloads on the wire to stop (a hung server: not for ever). */
const DELETE_WAIT_MS = 10_000;

export interface WorkstationServices {
  readonly router: ApiRouter;
  readonly layout: ReturnType<typeof prepareDataDirectory>;
  readonly importer: ImportService;
  /** Browser host only: where dropped files are received. */
  readonly uploads: UploadArea | null;
  readonly store: StoreClient;
  readonly sync: SyncEngine;
  /** Subscribes to events; the listener first receives the current library counts. */
  subscribe(listener: EventListener): Promise<() => void>;
  audit(entry: Omit<NewAuditEntry, 'actor'>): Promise<void>;
  close(): Promise<void>;
}

export interface ServicesOptions {
  dataDirectory: string;
  mode: AppMode;
  /** The Electron shell's native open dialog; absent in the browser host and the CLI. */
  chooseImportPaths?: (kind: 'folder' | 'files') => Promise<string[] | null>;
  /** The Electron shell's native folder dialog for exports; absent in the browser host and the CLI. */
  chooseExportFolder?: () => Promise<string | null>;
  /** Receive dropped files over HTTP (the browser host). */
  acceptUploads?: boolean;
  /**
   * Where server secrets are kept: the Electron shell passes one sealed with safeStorage;
   * otherwise a user-only file in the data directory.
   */
  secretStore?: (dataDirectory: string) => SecretStore;
}

function currentActor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Finishes what a crash interrupted: files journalled for adding or removing whose instance has
 * no row are removed, and half-written files in the staging folder are thrown away.
 */
async function recoverInterruptedWork(store: StoreClient, stagingDir: string): Promise<number> {
  const orphans = await store.call('orphanedPendingFiles');
  await Promise.all(orphans.map((file) => rm(file, { force: true })));
  await store.call('clearPendingFiles', orphans);
  await rm(stagingDir, { recursive: true, force: true });
  return orphans.length;
}

/**
 * Makes the 256 folders instance files go into, and makes their entries durable with one fsync
 * of the instances folder: imports then only rename into folders that exist for sure (a folder
 * made mid-import had its own entry left unsynced), and make none.
 */
async function prepareShardFolders(instancesDir: string): Promise<void> {
  // One listing at each start; folders are made only the first time (or if one went missing).
  const present = new Set(await readdir(instancesDir));
  const missing = shardFolders(instancesDir).filter((folder) => !present.has(path.basename(folder)));
  if (missing.length === 0) return;
  await Promise.all(missing.map((folder) => mkdir(folder, { recursive: true, mode: 0o700 })));
  await syncDirectory(instancesDir);
}

export async function startWorkstationServices(options: ServicesOptions): Promise<WorkstationServices> {
  const layout = prepareDataDirectory(options.dataDirectory);
  const store: StoreClient = await startStore({ databaseFile: layout.databaseFile, instancesDir: layout.instancesDir });
  const events = new EventHub();
  const actor = currentActor();

  const audit = async (entry: Omit<NewAuditEntry, 'actor'>): Promise<void> => {
    const written = await store.call('appendAudit', { ...entry, actor });
    events.emit('audit.appended', { id: written.id, action: written.action, at: written.at });
  };

  const [removedOrphans] = await Promise.all([recoverInterruptedWork(store, layout.stagingDir), prepareShardFolders(layout.instancesDir)]);
  if (removedOrphans > 0) log.warn('library.recovered', { removedOrphanFiles: removedOrphans });

  // Bound once sync exists (it needs the importer): a person's imports may go up by themselves.
  let afterUserImport = (_studyInstanceUids: string[]): Promise<void> => Promise.resolve();
  const importer = new ImportService({ store, events, instancesDir: layout.instancesDir, stagingDir: layout.stagingDir, audit, afterUserImport: (uids) => afterUserImport(uids) });
  importer.warmUp();
  // Dropped files left by an earlier run were never imported, or were already: either way, gone.
  const uploadArea = new UploadArea(layout.uploadsDir);
  await uploadArea.clear();
  const uploads = options.acceptUploads ? uploadArea : null;

  // dcmjs is large: it lives in the report worker, started when a report is first written or read.
  let reportWorker: Promise<WorkerClient<ReportWorkerApi>> | null = null;
  const reports = (): Promise<WorkerClient<ReportWorkerApi>> => (reportWorker ??= WorkerClient.start<ReportWorkerApi>(workerScriptUrl('reportWorker'), null));
  const srDocuments = new SrDocumentReader({ store, instancesDir: layout.instancesDir, reportWorker: reports, audit });

  // Pixels by UID: the Electron shell's dicom:// scheme, or the browser host's same-origin route.
  const pixelUrl = (sopInstanceUid: string): string =>
    options.mode === 'electron' ? `dicom://instance/${encodeURIComponent(sopInstanceUid)}` : `/dicom/instance/${encodeURIComponent(sopInstanceUid)}`;

  const secrets = options.secretStore ? options.secretStore(layout.root) : new FileSecretStore(path.join(layout.root, 'secrets.json'));
  const sync = new SyncEngine({ store, secrets, importer, events, instancesDir: layout.instancesDir, workDir: layout.uploadsDir, audit });
  const reportRequests = reportHandlers({
    store,
    importer,
    srDocuments,
    reportWorker: reports,
    uploadsDir: layout.uploadsDir,
    audit,
    onReportStored: (sr) => queueReportUpload({ store, engine: sync, audit }, sr),
  });
  const autoDownloads = new AutoDownloader({ store, secrets, engine: sync, audit });
  const syncRequests = syncHandlers({ store, secrets, engine: sync, audit, autoDownloads });
  afterUserImport = (uids) => queueAutoUploads({ store, engine: sync, audit }, uids);

  const exportDependencies = { store, instancesDir: layout.instancesDir, dataDirectory: layout.root, audit };
  const router = createApiRouter({
    ...reportRequests,
    ...syncRequests,
    'app.info': async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      mode: options.mode,
      capabilities: { nativeFileDialogs: options.chooseImportPaths !== undefined, uploads: uploads !== null },
      dataDirectory: displayDataDirectory(layout.root),
      schemaVersion: await store.call('schemaVersion'),
      platform: process.platform,
    }),
    'library.stats': () => store.call('libraryStats'),
    'audit.query': (query) => store.call('queryAudit', query),
    'library.searchStudies': (query) => store.call('searchStudies', query),
    'library.studyDetail': async ({ studyInstanceUid }) => {
      const detail = await store.call('studyDetail', studyInstanceUid);
      if (!detail) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      return detail;
    },
    'library.priorStudies': async ({ studyInstanceUid }) => {
      const priors = await store.call('priorStudies', studyInstanceUid);
      if (!priors) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      return { studies: priors };
    },
    'library.deleteStudy': async ({ studyInstanceUid }) => {
      if (!(await store.call('studyDetail', studyInstanceUid))) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      // First out of the queue, and waited for: a download streaming in would otherwise bring
      // images back after the delete; uploads not done cannot go without their files (the window
      // warned the person before).
      const cancelled = await store.call('cancelStudyTransfers', studyInstanceUid);
      const running = cancelled.filter((transfer) => transfer.state === 'running');
      // Uploads read their files before sending: not waited for. A study streaming in stops at
      // once; an instance batch on the wire is waited for at most DELETE_WAIT_MS.
      void sync.cancelRunning(running.filter((transfer) => transfer.direction === 'upload').map((transfer) => transfer.id));
      const downloads = sync.cancelRunning(running.filter((transfer) => transfer.direction === 'download').map((transfer) => transfer.id));
      await Promise.race([downloads, new Promise((resolve) => setTimeout(resolve, DELETE_WAIT_MS).unref())]);
      const deleted = await store.call('deleteStudy', studyInstanceUid);
      if (!deleted.found) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      // The rows are gone and the files journalled: remove them, then clear the journal. A crash
      // in between is finished by recoverInterruptedWork at the next start.
      const files = deleted.sopInstanceUids.map((uid) => instanceFilePath(layout.instancesDir, uid));
      await Promise.all(files.map((file) => rm(file, { force: true })));
      await store.call('clearPendingFiles', files);
      const cancelledUploads = cancelled.filter((transfer) => transfer.direction === 'upload').length;
      const cancelledDownloads = cancelled.length - cancelledUploads;
      await audit({ action: 'study.delete', subject: studyInstanceUid, detail: { instances: deleted.sopInstanceUids.length, bytes: deleted.freedBytes, cancelledUploads, cancelledDownloads } });
      events.emit('library.changed', await store.call('libraryStats'));
      return { deletedInstances: deleted.sopInstanceUids.length, freedBytes: deleted.freedBytes, cancelledUploads, cancelledDownloads };
    },
    'library.exportStudies': ({ studyInstanceUids, folder }) => exportStudies(exportDependencies, studyInstanceUids, folder),
    'library.exportStudiesChoose': async ({ studyInstanceUids }) => {
      if (!options.chooseExportFolder) throw new UserFacingError('conflict', 'This window cannot open a folder dialog; type the folder’s path instead.');
      const folder = await options.chooseExportFolder();
      return folder === null ? null : exportStudies(exportDependencies, studyInstanceUids, folder);
    },
    'viewer.openStudy': async ({ studyInstanceUid }) => {
      const images = await store.call('studyImages', studyInstanceUid);
      if (!images) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      const series = images.series.map((summary) => ({
        ...summary,
        instances: (images.instancesBySeries[summary.seriesInstanceUid] ?? []).map((instance) => ({
          sopInstanceUid: instance.sopInstanceUid,
          instanceNumber: instance.instanceNumber,
          frames: instance.frames,
          url: pixelUrl(instance.sopInstanceUid),
        })),
      }));
      await audit({ action: 'study.view', subject: studyInstanceUid, detail: { series: series.length, instances: images.study.instanceCount } });
      return { study: images.study, series, bundleUrl: options.mode === 'electron' ? 'dicom://bundle/' : '/dicom/bundle' };
    },
    'annotations.list': async ({ studyInstanceUid }) => {
      await srDocuments.readNew(studyInstanceUid);
      return store.call('listAnnotations', studyInstanceUid);
    },
    'annotations.save': async (input) => {
      const outcome = await store.call('saveAnnotation', input);
      if (!outcome.ok) {
        throw new UserFacingError(
          outcome.reason === 'moved' ? 'conflict' : 'not-found',
          outcome.reason === 'moved' ? 'That annotation belongs to another image.' : 'That image is not in the library (was the study deleted?).',
        );
      }
      // Counts and ids only: an arrow's text may name the patient.
      await audit({ action: outcome.created ? 'annotation.create' : 'annotation.update', subject: input.studyInstanceUid, detail: { id: input.id, tool: input.tool } });
      return outcome.annotation;
    },
    'annotations.delete': async ({ id }) => {
      const outcome = await store.call('deleteAnnotation', id);
      if (outcome.deleted) await audit({ action: 'annotation.delete', subject: outcome.studyInstanceUid ?? undefined, detail: { id, tool: outcome.tool ?? '' } });
      return { deleted: outcome.deleted };
    },
    'annotations.exportSr': async ({ studyInstanceUid }) => {
      const [images, stored] = await Promise.all([store.call('studyImages', studyInstanceUid), store.call('listAnnotations', studyInstanceUid)]);
      if (!images) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
      const referenced = new Map(
        Object.entries(images.instancesBySeries).flatMap(([seriesInstanceUid, instances]) => instances.map((i) => [i.sopInstanceUid, { seriesInstanceUid, sopClassUid: i.sopClassUid }] as const)),
      );
      const seriesNumber = Math.max(0, ...images.series.map((s) => s.seriesNumber ?? 0)) + 1;
      const report = await (await reports()).call('buildMeasurementReport', images.study, stored.annotations, referenced, seriesNumber);
      if (!report) throw new UserFacingError('conflict', 'This study has no measurements a report can carry.');
      // Into the library through the importer, like any received instance: same checks, same
      // crash safety, and sync will find it there.
      const file = path.join(layout.uploadsDir, `measurement-report-${randomUUID()}.dcm`);
      await mkdir(layout.uploadsDir, { recursive: true });
      await writeFile(file, report.bytes, { mode: 0o600 });
      try {
        const { summary } = await importer.importOwn([file], { writtenHere: true });
        if (summary.imported !== 1) throw new Error(`the report did not import (${summary.skipped[0]?.reason ?? summary.error ?? 'unknown reason'})`);
      } finally {
        await rm(file, { force: true });
      }
      await srDocuments.recordOurs(studyInstanceUid, report.sopInstanceUid);
      await audit({ action: 'report.measurements-export', subject: studyInstanceUid, detail: { sopInstanceUid: report.sopInstanceUid, measurements: report.included, leftOut: report.leftOut } });
      return { sopInstanceUid: report.sopInstanceUid, measurements: report.included, leftOut: report.leftOut };
    },
    'keyImages.set': async (input) => {
      if (!(await store.call('setKeyImage', input))) throw new UserFacingError('not-found', 'That image is not in this study.');
      await audit({ action: input.key ? 'image.key-flag' : 'image.key-unflag', subject: input.studyInstanceUid, detail: { sopInstanceUid: input.sopInstanceUid, frame: input.frame } });
      return { key: input.key };
    },
    'import.start': ({ paths }) => ({ jobId: importer.start(paths).jobId }),
    'import.choose': async ({ kind }) => {
      if (!options.chooseImportPaths) throw new UserFacingError('conflict', 'This window cannot open a file dialog; type the folder’s path instead.');
      const paths = await options.chooseImportPaths(kind);
      return paths && paths.length > 0 ? { jobId: importer.start(paths).jobId } : null;
    },
    'import.beginUpload': async () => {
      if (!uploads) throw new UserFacingError('conflict', 'This window imports dropped files by their location, not by upload.');
      return { uploadId: await uploads.begin() };
    },
    'import.finishUpload': ({ uploadId }) => {
      const folder = uploads?.finish(uploadId);
      if (!uploads || !folder) throw new UserFacingError('not-found', 'That upload is not open (was the workstation restarted?).');
      const { jobId, done } = importer.start([folder]);
      // The library keeps its own copies; the uploaded ones go once the import is over.
      void done.finally(() => uploads.remove(uploadId));
      return { jobId };
    },
    'import.cancel': ({ jobId }) => ({ cancelling: importer.cancel(jobId) }),
    'import.status': () => importer.status(),
  });

  await audit({ action: 'app.start', detail: { mode: options.mode, version: APP_VERSION } });
  // The CLI imports and searches; only the app works the sync queue.
  if (options.mode !== 'cli') {
    await sync.start();
    autoDownloads.start();
  }
  log.info('services.started', { mode: options.mode, schemaVersion: await store.call('schemaVersion') });

  return {
    router,
    layout,
    importer,
    uploads,
    store,
    sync,
    async subscribe(listener) {
      listener({ name: 'library.changed', payload: await store.call('libraryStats') });
      return events.subscribe(listener);
    },
    audit,
    async close() {
      await autoDownloads.close();
      await sync.close();
      await importer.close();
      if (reportWorker) await (await reportWorker).terminate();
      await audit({ action: 'app.stop', detail: { mode: options.mode } });
      await store.close();
      log.info('services.stopped', { mode: options.mode });
    },
  };
}
