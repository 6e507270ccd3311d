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
import { instanceFilePath } from '../instanceFiles';
import type { StoreClient } from '../store/storeClient';
import type { WorkerClient } from '../workers/workerRpc';
import { describeImportFailure } from './fileErrors';
import type { ImportWorkerApi } from './importWorker';
import type { ParsedFile, SkippedFile, SourceFile } from './importTypes';

export interface ImportResult {
  phase: Extract<ImportPhase, 'finished' | 'cancelled' | 'failed'>;
  imported: number;
  alreadyPresent: number;
  skipped: SkippedFile[];
  studyUids: Set<string>;
  seconds: number;
  error: string | null;
}

export interface ImportJobOptions {
  jobId: string;
  roots: string[];
  store: StoreClient;
  workers: Array<WorkerClient<ImportWorkerApi>>;
  instancesDir: string;
  stagingDir: string;
  onProgress: (progress: ImportProgress) => void;
  isCancelled: () => boolean;
  /** performance.now() when the import was asked for: its time counts from there. */
  requestedAt: number;
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

export async function runImportJob(options: ImportJobOptions): Promise<ImportResult> {
  const started = options.requestedAt;
  const result: ImportResult = { phase: 'finished', imported: 0, alreadyPresent: 0, skipped: [], studyUids: new Set(), seconds: 0, error: null };
  const counters = { filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0 };
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

  async function importBatch(worker: WorkerClient<ImportWorkerApi>, batch: SourceFile[]): Promise<void> {
    const parsed = await timed('parse', () => worker.call('parseBatch', batch));
    const valid = parsed.filter((file): file is Extract<ParsedFile, { ok: true }> => file.ok);
    for (const file of parsed) if (!file.ok) skip(file.source, file.reason);

    const existing = new Set(await timed('lookup', () => options.store.call('existingInstances', valid.map((file) => file.header.sopInstanceUid))));
    const fresh: typeof valid = [];
    for (const file of valid) {
      result.studyUids.add(file.header.studyInstanceUid);
      const uid = file.header.sopInstanceUid;
      if (existing.has(uid) || claimed.has(uid)) result.alreadyPresent += 1;
      else {
        claimed.add(uid);
        fresh.push(file);
      }
    }

    if (fresh.length > 0) {
      const finalPathOf = (file: (typeof fresh)[number]) => instanceFilePath(options.instancesDir, file.header.sopInstanceUid);
      const { staged, failed } = await timed('stage', () =>
        worker.call(
          'stageBatch',
          options.stagingDir,
          fresh.map((file) => ({ source: file.source.path, finalPath: finalPathOf(file), size: file.source.size })),
        ),
      );
      const failedSources = new Map(failed.map((file) => [file.source, file.reason]));
      for (const file of fresh.filter((candidate) => failedSources.has(candidate.source.path))) {
        skip(file.source, failedSources.get(file.source.path) ?? 'unreadable');
        // Another copy of the same instance later in this import may still make it.
        claimed.delete(file.header.sopInstanceUid);
      }
      fresh.splice(0, fresh.length, ...fresh.filter((file) => !failedSources.has(file.source.path)));
      await timed('journal', () =>
        options.store.call(
          'addPendingFiles',
          fresh.map((file) => ({ path: finalPathOf(file), sopInstanceUid: file.header.sopInstanceUid })),
        ),
      );
      await timed('rename', () => worker.call('commitBatch', staged));
      const outcome = await timed('insert', () =>
        options.store.call(
          'insertInstances',
          fresh.map((file) => ({ header: file.header, path: finalPathOf(file) })),
        ),
      );
      result.imported += outcome.inserted;
      result.alreadyPresent += outcome.duplicates;
    }
    counters.filesDone += batch.length;
    counters.bytesDone += batch.reduce((sum, file) => sum + file.size, 0);
    options.onProgress(progress('importing'));
  }

  try {
    options.onProgress(progress('discovering'));
    const [firstWorker] = options.workers;
    if (!firstWorker) throw new Error('no import worker');
    const discovery = await timed('discover', () => firstWorker.call('discover', options.roots));
    result.skipped.push(...discovery.skipped);
    counters.filesTotal = discovery.files.length;
    counters.bytesTotal = discovery.files.reduce((sum, file) => sum + file.size, 0);
    options.onProgress(progress('importing'));

    // Each worker takes the next batch when it is free, so reading, parsing and writing of one
    // batch overlap with the next. A failure stops both: what was committed stays committed.
    const queue = intoBatches(discovery.files);
    await Promise.all(
      options.workers.map(async (worker) => {
        for (let batch = queue.shift(); batch && result.phase === 'finished'; batch = queue.shift()) {
          if (options.isCancelled()) {
            result.phase = 'cancelled';
            return;
          }
          try {
            await importBatch(worker, batch);
          } catch (error) {
            result.phase = 'failed';
            result.error = describeImportFailure(error);
            log.error('import.batch-failed', describeError(error));
          }
        }
      }),
    );
  } catch (error) {
    result.phase = 'failed';
    result.error = describeImportFailure(error);
    log.error('import.failed', describeError(error));
  }
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
