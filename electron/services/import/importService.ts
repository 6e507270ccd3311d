/**
 * Imports as a service: one at a time, with progress and summary events, an audit row each, and
 * the last summary kept so a reloaded window can show it. Owns the import workers: started in
 * the background when the services start (starting them takes ~135 ms that a technician would
 * otherwise wait at every import) and kept for the next import. Idle, they hold no file data.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { IMPORT_SUMMARY_STUDIES, type ImportProgress, type ImportSummary } from '../../../shared/api';
import { UserFacingError } from '../userFacingError';
import { describeError, log } from '../../logging/log';
import type { EventHub } from '../eventHub';
import type { StoreClient } from '../store/storeClient';
import { WorkerClient } from '../workers/workerRpc';
import { workerScriptUrl } from '../workers/workerScripts';
import { describeImportFailure } from './fileErrors';
import { type BatchInstances, displayName, type ImportResult, type ImportSource, runImportJob } from './importJob';
import type { ReceivedFile } from './importTypes';
import { ReceivedBatches } from './receivedBatches';
import type { ImportWorkerApi } from './importWorker';

const WORKERS = 2;
/** Progress events at most this often; the final one always goes out. */
const PROGRESS_INTERVAL_MS = 200;

export interface ImportServiceOptions {
  store: StoreClient;
  events: EventHub;
  instancesDir: string;
  stagingDir: string;
  audit: (entry: { action: string; subject?: string | null; detail?: Record<string, string | number | boolean | null> }) => Promise<void>;
  /** Told the studies a person's import brought in (for sending them up automatically). */
  afterUserImport?: (studyInstanceUids: string[]) => Promise<void>;
}

export interface CompletedImport {
  summary: ImportSummary;
  /** With full paths, for the CLI (main side only). */
  result: ImportResult;
}

function initialProgress(jobId: string): ImportProgress {
  return { jobId, phase: 'discovering', filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0, imported: 0, alreadyPresent: 0, skipped: 0, elapsedSeconds: 0, bytesPerSecond: 0, etaSeconds: null, roomBytes: null };
}

/** An import of files arriving from a server, open while they arrive. */
export interface ReceivedImport {
  /** Adds a received file; a returned promise means: wait for it before adding more. */
  add(file: ReceivedFile): Promise<void> | undefined;
  /** No more files: resolves when all are in the library (or refused). */
  finish(): Promise<CompletedImport>;
}

export class ImportService {
  private running: { jobId: string; progress: ImportProgress; cancelled: boolean; announce: boolean; done: Promise<CompletedImport> } | null = null;
  private last: ImportSummary | null = null;
  private pool: Promise<Array<WorkerClient<ImportWorkerApi>>> | null = null;

  constructor(private readonly options: ImportServiceOptions) {}

  /** Starts the import workers ahead of the first import (errors show at that import). */
  warmUp(): void {
    this.workers().catch(() => undefined);
  }

  private workers(): Promise<Array<WorkerClient<ImportWorkerApi>>> {
    this.pool ??= Promise.all(Array.from({ length: WORKERS }, () => WorkerClient.start<ImportWorkerApi>(workerScriptUrl('importWorker'), null)));
    // A failed start is not kept: the next import tries again.
    this.pool.catch(() => {
      this.pool = null;
    });
    return this.pool;
  }

  /** Stops the workers (after cancelling and awaiting a running import). */
  async close(): Promise<void> {
    if (this.running) {
      this.running.cancelled = true;
      await this.waitForIdle();
    }
    await this.stopWorkers();
  }

  /** A person's import (the workstation's own quiet ones are not shown), running or waiting its turn. */
  status(): { running: ImportProgress | null; last: ImportSummary | null } {
    const shown = this.waitingPerson ?? (this.running?.announce ? this.running : null);
    return { running: shown?.progress ?? null, last: this.last };
  }

  /**
   * Starts an import; the returned promise settles when it ends (the API returns at once).
   * `announce: false` is for the workstation's own files (a report it wrote): no progress
   * panel or summary for the user, only the library change.
   */
  start(paths: string[], { announce = true, writtenHere = false }: { announce?: boolean; writtenHere?: boolean } = {}): { jobId: string; done: Promise<CompletedImport> } {
    if (announce && this.running && !this.running.announce && !this.waitingPerson) return this.startAfterOwn(paths, this.running.done);
    return this.begin({ kind: 'paths', roots: paths, ...(writtenHere ? { writtenHere } : {}) }, announce);
  }

  /**
   * A person's import asked for while the workstation's own import runs (a study downloading):
   * it waits its turn, shown as waiting, instead of being refused; nothing of the workstation's
   * own goes before it.
   */
  private startAfterOwn(paths: string[], own: Promise<CompletedImport>): { jobId: string; done: Promise<CompletedImport> } {
    const jobId = randomUUID();
    const waiting = { jobId, progress: { ...initialProgress(jobId), phase: 'waiting' as const }, cancelled: false, done: Promise.resolve() as Promise<unknown> };
    const done = (async () => {
      await own.catch(() => undefined);
      this.waitingPerson = null;
      return this.begin({ kind: 'paths', roots: paths }, true, undefined, { jobId, cancelled: waiting.cancelled }).done;
    })();
    waiting.done = done;
    this.waitingPerson = waiting;
    log.info('import.waiting', { jobId });
    this.options.events.emit('import.progress', waiting.progress);
    return { jobId, done };
  }
  private waitingPerson: { jobId: string; progress: ImportProgress; cancelled: boolean; done: Promise<unknown> } | null = null;

  /**
   * Opens a quiet import of files received from a server (a study streaming in), written into
   * the library batch by batch as they arrive. Null when another import is running: the caller
   * waits (waitForIdle) and asks again. `onInstances` hears, after each batch, the instances now
   * in the library.
   */
  receive(onInstances: (instances: BatchInstances) => void, downloadedFrom?: string): ReceivedImport | null {
    if (this.running || this.waitingPerson) return null;
    const batches = new ReceivedBatches();
    const { done } = this.begin({ kind: 'received', feed: batches, ...(downloadedFrom === undefined ? {} : { downloadedFrom }) }, false, onInstances);
    // If the job stops before the download ends (a disk error), what is still sent is refused.
    void done.then(
      () => batches.close(),
      () => batches.close(),
    );
    return {
      add: (file) => batches.add(file),
      finish: () => {
        batches.end();
        return done;
      },
    };
  }

  /** As `receive`, after any import running or waiting (a person's or the workstation's own). */
  async receiveWhenFree(onInstances: (instances: BatchInstances) => void, downloadedFrom?: string): Promise<ReceivedImport> {
    for (;;) {
      await this.ownImports;
      await this.waitForIdle();
      const receiving = this.receive(onInstances, downloadedFrom);
      if (receiving) return receiving;
    }
  }

  private begin(source: ImportSource, announce: boolean, onInstances?: (instances: BatchInstances) => void, waited?: { jobId: string; cancelled: boolean }): { jobId: string; done: Promise<CompletedImport> } {
    if (this.running || (this.waitingPerson && !waited)) throw new UserFacingError('conflict', 'An import is already running; wait for it to finish or cancel it.');
    const jobId = waited?.jobId ?? randomUUID();
    const state = { jobId, progress: initialProgress(jobId), cancelled: waited?.cancelled ?? false, announce };
    const done = this.run(state, source, performance.now(), onInstances).finally(() => {
      this.running = null;
    });
    this.running = Object.assign(state, { done });
    return { jobId, done };
  }

  /** Stops the workers; the next import starts new ones (after a crash, a fresh pair). */
  private async stopWorkers(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    const workers = await pool?.catch(() => []);
    await Promise.all((workers ?? []).map((worker) => worker.terminate()));
  }

  /** Resolves when no import is running or waiting its turn. */
  async waitForIdle(): Promise<void> {
    for (let pending = this.waitingPerson?.done ?? this.running?.done; pending; pending = this.waitingPerson?.done ?? this.running?.done) {
      await pending.catch(() => undefined);
    }
  }

  cancel(jobId: string): boolean {
    if (this.waitingPerson?.jobId === jobId) {
      // Ends as cancelled when its turn comes, without reading anything.
      this.waitingPerson.cancelled = true;
      return true;
    }
    if (this.running?.jobId !== jobId) return false;
    this.running.cancelled = true;
    return true;
  }

  /**
   * Imports the workstation's own files (a report it wrote, instances it downloaded) quietly,
   * one after another and after any import that is running. `writtenHere`: documents the
   * radiologist made here (a signed report's SR), which may use the disk's reserve.
   */
  importOwn(paths: string[], { writtenHere = false }: { writtenHere?: boolean } = {}): Promise<CompletedImport> {
    const next = this.ownImports.then(async () => {
      for (;;) {
        await this.waitForIdle();
        // A person's import may have started (or be waiting) in between: it goes first.
        if (!this.running && !this.waitingPerson) return this.start(paths, { announce: false, writtenHere }).done;
      }
    });
    this.ownImports = next.catch(() => undefined);
    return next;
  }
  private ownImports: Promise<unknown> = Promise.resolve();

  private async run(job: { jobId: string; progress: ImportProgress; cancelled: boolean; announce: boolean }, source: ImportSource, requestedAt: number, onInstances?: (instances: BatchInstances) => void): Promise<CompletedImport> {
    const { store, events } = this.options;
    let lastSent = 0;
    let result: ImportResult;
    try {
      const workers = await this.workers();
      log.info('import.started', { jobId: job.jobId, ...(source.kind === 'paths' ? { roots: source.roots.length } : { received: true }) });
      result = await runImportJob({
        jobId: job.jobId,
        source,
        onInstances,
        store,
        workers,
        instancesDir: this.options.instancesDir,
        stagingDir: this.options.stagingDir,
        isCancelled: () => job.cancelled,
        requestedAt,
        onProgress: (progress) => {
          // The first 'importing' (the totals, the room on the disk) is always told; after it, a few a second.
          const sameAsBefore = job.progress.phase === progress.phase;
          job.progress = progress;
          const now = Date.now();
          if (progress.phase === 'importing' && sameAsBefore && now - lastSent < PROGRESS_INTERVAL_MS) return;
          lastSent = now;
          if (job.announce) events.emit('import.progress', progress);
        },
      });
      // A worker that crashed is replaced before the next import.
      if (result.phase === 'failed') await this.stopWorkers();
    } catch (error) {
      log.error('import.failed', describeError(error));
      result = { phase: 'failed', imported: 0, alreadyPresent: 0, skipped: [], notImported: 0, studyUids: new Set(), seconds: 0, error: describeImportFailure(error), errorCode: null };
      await this.stopWorkers();
    }

    const summary: ImportSummary = {
      jobId: job.jobId,
      phase: result.phase,
      imported: result.imported,
      alreadyPresent: result.alreadyPresent,
      skipped: result.skipped.map((file) => ({ file: displayName(file), reason: file.reason })),
      notImported: result.notImported,
      studies: result.studyUids.size,
      // A store that failed the import must not keep its summary from being told.
      studyList: await store.call('studySummaries', [...result.studyUids].slice(0, IMPORT_SUMMARY_STUDIES)).catch(() => []),
      seconds: result.seconds,
      error: result.error,
    };
    this.last = summary;
    // Counts and codes only: the audit log and the log file never carry names or paths.
    const detail = { imported: summary.imported, alreadyPresent: summary.alreadyPresent, skipped: summary.skipped.length, notImported: summary.notImported, studies: summary.studies, seconds: Math.round(summary.seconds * 1000) / 1000, outcome: summary.phase };
    // A library that cannot write (its disk full) must not also keep the summary from being told.
    await this.options.audit({ action: 'library.import', detail }).catch((error: unknown) => log.error('import.audit-failed', describeError(error)));
    log.info('import.ended', { jobId: job.jobId, ...detail });
    if (job.announce) events.emit('import.finished', summary);
    if (job.announce && result.imported > 0 && this.options.afterUserImport) {
      await this.options.afterUserImport([...result.studyUids]).catch((error: unknown) => log.error('import.after-import-failed', describeError(error)));
    }
    const stats = await store.call('libraryStats').catch((error: unknown) => log.error('import.stats-failed', describeError(error)));
    if (stats) events.emit('library.changed', stats);
    return { summary, result };
  }
}
