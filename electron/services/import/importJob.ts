/**
 * One import, from the chosen paths to rows in the library. Runs on the main thread but only
 * coordinates: reading, parsing and writing happen in import workers, SQL in the store worker.
 *
 * Per batch: parse → ask the store which SOP Instance UIDs it already has → stage the new files
 * (written and fsynced in incoming/) → journal their final paths → rename them into instances/
 * → insert their rows (clearing the journal in the same transaction). A crash at any point
 * leaves either a row with its file, or a journalled file that the next start removes.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ImportPhase, ImportProgress } from '../../../shared/api';
import { describeError, log } from '../../logging/log';
import { diskRoomOf, ensureRoomFor } from '../diskSpace';
import { instanceFilePath } from '../instanceFiles';
import type { StoreClient } from '../store/storeClient';
import type { WorkerClient } from '../workers/workerRpc';
import { describeImportFailure } from './fileErrors';
import type { ImportWorkerApi } from './importWorker';
import type { InstanceKey, ParsedFile, ReceivedFile, SkippedFile, SourceFile } from './importTypes';
import type { InstanceHeader } from '../dicom/instanceHeader';
import { transferList } from './receivedBatches';
import { errorCode } from '../errorCode';

export interface ImportResult {
  phase: Extract<ImportPhase, 'finished' | 'cancelled' | 'failed'>;
  imported: number;
  alreadyPresent: number;
  skipped: SkippedFile[];
  /** Files found but left as they were because the import stopped (cancelled, or an error). */
  notImported: number;
  studyUids: Set<string>;
  seconds: number;
  error: string | null;
  /** The code of what stopped the import (ENOSPC, LIBRARY_DISK_FULL, SQLITE_FULL…), when it had one. */
  errorCode: string | null;
}

/** A batch's instances now in the library: those it added, and those the library held already. */
export interface BatchInstances {
  added: InstanceKey[];
  present: InstanceKey[];
}

/** Batches of received files as they arrive; null when there are no more. */
export interface ReceivedFeed {
  next(): Promise<ReceivedFile[] | null>;
}

/**
 * What an import reads: folders and files on this machine, or files received from a server
 * (`downloadedFrom`: its id, so each instance's download is recorded with its row).
 */
export type ImportSource =
  /** `writtenHere`: the workstation's own documents (a report's SR): they may use the disk's reserve, which is kept for them. */
  | { kind: 'paths'; roots: string[]; writtenHere?: boolean }
  | { kind: 'received'; feed: ReceivedFeed; downloadedFrom?: string };

export interface ImportJobOptions {
  jobId: string;
  source: ImportSource;
  store: StoreClient;
  workers: Array<WorkerClient<ImportWorkerApi>>;
  instancesDir: string;
  stagingDir: string;
  onProgress: (progress: ImportProgress) => void;
  isCancelled: () => boolean;
  /** performance.now() when the import was asked for: its time counts from there. */
  requestedAt: number;
  /** After each batch: the instances now in the library, those it added and those already there. */
  onInstances?: (instances: BatchInstances) => void;
}

const BATCH_FILES = 32;
const BATCH_BYTES = 64 * 1024 * 1024;

function intoBatches(files: SourceFile[]): SourceFile[][] {
  const batches: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const keyOf = (header: InstanceHeader): InstanceKey => ({ sopInstanceUid: header.sopInstanceUid, seriesInstanceUid: header.seriesInstanceUid, studyInstanceUid: header.studyInstanceUid });

export async function runImportJob(options: ImportJobOptions): Promise<ImportResult> {
  const started = options.requestedAt;
  const result: ImportResult = { phase: 'finished', imported: 0, alreadyPresent: 0, skipped: [], notImported: 0, studyUids: new Set(), seconds: 0, error: null, errorCode: null };
  const counters = { filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0 };
  /** Room on the library's disk once the files are found (see ImportProgress.roomBytes). */
  let roomBytes: number | null = null;
  /** SOP Instance UIDs claimed by this job, so two files of one instance are not both staged. */
  const claimed = new Set<string>();

  const progress = (phase: ImportPhase): ImportProgress => {
    const elapsedSeconds = (performance.now() - started) / 1000;
    const bytesPerSecond = elapsedSeconds > 0 ? counters.bytesDone / elapsedSeconds : 0;
    return {
      jobId: options.jobId,
      phase,
      ...counters,
      imported: result.imported,
      alreadyPresent: result.alreadyPresent,
      skipped: result.skipped.length,
      elapsedSeconds,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 && counters.bytesDone > 0 ? (counters.bytesTotal - counters.bytesDone) / bytesPerSecond : null,
      roomBytes,
    };
  };

  const skip = (file: SourceFile, reason: string) => result.skipped.push({ path: file.path, display: file.display, reason });

  /** Milliseconds spent per step, summed over batches (logged at debug level, for tuning). */
  const timings = { discover: 0, parse: 0, lookup: 0, stage: 0, journal: 0, rename: 0, insert: 0 };
  const timed = async <T>(step: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
    const before = performance.now();
    try {
      return await work();
    } finally {
      timings[step] += performance.now() - before;
    }
  };

  /**
   * Bytes the workers are writing now, not yet seen by statfs: a batch's room is checked with
   * the other worker's batch counted, so two batches cannot both pass on a nearly full disk and
   * meet the kernel's ENOSPC together.
   */
  let bytesBeingWritten = 0;
  async function whileWriting<T>(bytes: number, write: () => Promise<T>): Promise<T> {
    // Counted before the check (it awaits), so a check running meanwhile sees it.
    bytesBeingWritten += bytes;
    try {
      await ensureRoomFor(options.instancesDir, bytesBeingWritten, { useReserve: options.source.kind === 'paths' && options.source.writtenHere === true });
      return await write();
    } finally {
      bytesBeingWritten -= bytes;
    }
  }

  /** Splits parsed instances into those to write and those the library (or this job) has. */
  /**
   * Splits parsed instances into those to write, those the library already has, and copies of
   * one another batch of this job is writing (that batch reports them when they are in).
   */
  async function freshOf<T extends { header: InstanceHeader }>(valid: T[]): Promise<{ fresh: T[]; present: T[]; copies: T[] }> {
    const existing = new Set(await timed('lookup', () => options.store.call('existingInstances', valid.map((file) => file.header.sopInstanceUid))));
    const sorted = { fresh: [] as T[], present: [] as T[], copies: [] as T[] };
    for (const file of valid) {
      result.studyUids.add(file.header.studyInstanceUid);
      const uid = file.header.sopInstanceUid;
      if (existing.has(uid)) sorted.present.push(file);
      else if (claimed.has(uid)) sorted.copies.push(file);
      else {
        claimed.add(uid);
        sorted.fresh.push(file);
      }
    }
    result.alreadyPresent += sorted.present.length + sorted.copies.length;
    return sorted;
  }

  const finalPathOf = (header: InstanceHeader) => instanceFilePath(options.instancesDir, header.sopInstanceUid);

  /** Staged files into the library: journalled, renamed into place, their rows inserted. */
  async function commitStaged(worker: WorkerClient<ImportWorkerApi>, files: Array<{ header: InstanceHeader; tempPath: string; source: string }>): Promise<void> {
    if (files.length === 0) return;
    await timed('journal', () => options.store.call('addPendingFiles', files.map((file) => ({ path: finalPathOf(file.header), sopInstanceUid: file.header.sopInstanceUid }))));
    await timed('rename', () => worker.call('commitBatch', files.map((file) => ({ source: file.source, tempPath: file.tempPath, finalPath: finalPathOf(file.header) }))));
    const downloadedFrom = options.source.kind === 'received' ? options.source.downloadedFrom : undefined;
    const outcome = await timed('insert', () => options.store.call('insertInstances', files.map((file) => ({ header: file.header, path: finalPathOf(file.header) })), downloadedFrom));
    result.imported += outcome.inserted;
    result.alreadyPresent += outcome.duplicates;
  }

  async function importBatch(worker: WorkerClient<ImportWorkerApi>, batch: SourceFile[]): Promise<void> {
    const parsed = await timed('parse', () => worker.call('parseBatch', batch));
    const valid = parsed.filter((file): file is Extract<ParsedFile, { ok: true }> => file.ok);
    for (const file of parsed) if (!file.ok) skip(file.source, file.reason);
    const { fresh, present } = await freshOf(valid);
    const committed: Array<{ header: InstanceHeader; tempPath: string; source: string }> = [];
    if (fresh.length > 0) {
      const needed = fresh.reduce((sum, file) => sum + file.source.size, 0);
      const { staged, failed } = await whileWriting(needed, () =>
        timed('stage', () =>
          worker.call(
            'stageBatch',
            options.stagingDir,
            fresh.map((file) => ({ source: file.source.path, finalPath: finalPathOf(file.header), size: file.source.size })),
          ),
        ),
      );
      const failedSources = new Map(failed.map((file) => [file.source, file.reason]));
      const stagedBySource = new Map(staged.map((file) => [file.source, file.tempPath]));
      for (const file of fresh) {
        const reason = failedSources.get(file.source.path);
        const tempPath = stagedBySource.get(file.source.path);
        if (reason !== undefined || tempPath === undefined) {
          skip(file.source, reason ?? 'unreadable');
          // Another copy of the same instance later in this import may still make it.
          claimed.delete(file.header.sopInstanceUid);
        } else committed.push({ header: file.header, tempPath, source: file.source.path });
      }
      await commitStaged(worker, committed);
    }
    options.onInstances?.({ added: committed.map((file) => keyOf(file.header)), present: present.map((file) => keyOf(file.header)) });
    counters.filesDone += batch.length;
    counters.bytesDone += batch.reduce((sum, file) => sum + file.size, 0);
    options.onProgress(progress('importing'));
  }

  /** A batch of received files: parsed and staged in one step (their bytes are in memory). */
  async function importReceivedBatch(worker: WorkerClient<ImportWorkerApi>, batch: ReceivedFile[]): Promise<void> {
    // Counted first: the bytes move to the worker.
    const bytes = batch.reduce((sum, file) => sum + file.bytes.byteLength, 0);
    const staged = await whileWriting(bytes, () => timed('stage', () => worker.callTransferring('stageReceived', transferList(batch), options.stagingDir, batch)));
    const valid: Array<{ header: InstanceHeader; tempPath: string; source: string }> = [];
    for (const file of staged) {
      if (file.ok) valid.push({ header: file.header, tempPath: file.tempPath, source: file.display });
      else skip({ path: file.display, display: file.display, size: file.size }, file.reason);
    }
    const { fresh, present, copies } = await freshOf(valid);
    if (present.length + copies.length > 0) await worker.call('discardStaged', [...present, ...copies].map((file) => file.tempPath));
    await commitStaged(worker, fresh);
    options.onInstances?.({ added: fresh.map((file) => keyOf(file.header)), present: present.map((file) => keyOf(file.header)) });
    counters.filesTotal += batch.length;
    counters.bytesTotal += bytes;
    counters.filesDone += batch.length;
    counters.bytesDone += bytes;
    options.onProgress(progress('importing'));
  }

  /** Each worker takes the next batch when it is free; a failure stops both (what was committed stays). */
  async function drain(next: (worker: WorkerClient<ImportWorkerApi>) => Promise<(() => Promise<void>) | null>): Promise<void> {
    await Promise.all(
      options.workers.map(async (worker) => {
        while (result.phase === 'finished') {
          if (options.isCancelled()) {
            result.phase = 'cancelled';
            return;
          }
          const work = await next(worker);
          if (!work) return;
          try {
            await work();
          } catch (error) {
            result.phase = 'failed';
            result.error = describeImportFailure(error);
            result.errorCode = errorCode(error);
            log.error('import.batch-failed', describeError(error));
          }
        }
      }),
    );
  }

  /** Files skipped while looking for files: not among counters.filesTotal. */
  let discoverySkipped = 0;
  try {
    const [firstWorker] = options.workers;
    if (!firstWorker) throw new Error('no import worker');
    const { source } = options;
    if (options.isCancelled()) result.phase = 'cancelled';
    else if (source.kind === 'paths') {
      options.onProgress(progress('discovering'));
      const discovery = await timed('discover', () => firstWorker.call('discover', source.roots));
      result.skipped.push(...discovery.skipped);
      discoverySkipped = discovery.skipped.length;
      counters.filesTotal = discovery.files.length;
      counters.bytesTotal = discovery.files.reduce((sum, file) => sum + file.size, 0);
      const room = await diskRoomOf(options.instancesDir);
      roomBytes = room ? Math.max(0, room.freeBytes - room.reserveBytes) : null;
      options.onProgress(progress('importing'));
      // Reading, parsing and writing of one batch overlap with the next one's in the other worker.
      const queue = intoBatches(discovery.files);
      await drain((worker) => {
        const batch = queue.shift();
        return Promise.resolve(batch ? () => importBatch(worker, batch) : null);
      });
    } else {
      options.onProgress(progress('importing'));
      await drain(async (worker) => {
        const batch = await source.feed.next();
        return batch ? () => importReceivedBatch(worker, batch) : null;
      });
    }
  } catch (error) {
    result.phase = 'failed';
    result.error = describeImportFailure(error);
    result.errorCode = errorCode(error);
    log.error('import.failed', describeError(error));
  }
  // Each file found ends imported, already present or skipped, unless the import stopped first.
  result.notImported = Math.max(0, counters.filesTotal - result.imported - result.alreadyPresent - (result.skipped.length - discoverySkipped));
  result.seconds = (performance.now() - started) / 1000;
  log.debug('import.timings', Object.fromEntries(Object.entries(timings).map(([step, ms]) => [`${step}Ms`, Math.round(ms)])));
  result.skipped.sort((a, b) => a.display.localeCompare(b.display));
  options.onProgress(progress(result.phase));
  return result;
}

/** The name under which a skipped file is shown: relative to the folder chosen, with `/`. */
export function displayName(file: SkippedFile): string {
  return file.display.split(path.sep).join('/');
}
