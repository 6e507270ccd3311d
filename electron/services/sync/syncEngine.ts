/**
 * Works the transfer queue (store/syncStore.ts): at most five transfers at once, each a batch
 * of instances of one study to or from one server. Uploads are STOW-RS of the stored
 * files; downloads are WADO-RS of each instance as stored, written into the library through
 * the importer (same checks, same crash safety, deduplicated). A study downloaded afresh comes
 * in one WADO-RS answer instead, streamed into the importer as it arrives (prefetchStudy); what
 * that answer did not bring is then fetched instance by instance through the queue. Failures that may pass are
 * retried with exponential backoff and jitter, capped, never sooner than the server's
 * Retry-After; refusals that will not pass (credentials, 4xx with a reason) are parked with
 * the reason until the person retries.
 * Runs in: the main process (Node).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SyncStatus } from '../../../shared/api';
import { describeError, log } from '../../logging/log';
import type { EventHub } from '../eventHub';
import type { CompletedImport, ImportService } from '../import/importService';
import { readInstanceAsPart10 } from '../instanceContent';
import { instanceFilePath } from '../instanceFiles';
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import type { ClaimedTransfer, StoredServer, TransferOutcome } from '../store/syncStore';
import { DicomWebClient, DicomWebError, type ServerAuth } from './dicomwebClient';
import type { SecretStore } from './secretStore';

export const MAX_CONCURRENT_TRANSFERS = 5;
/**
 * Instances per transfer. A STOW-RS body of ten CT slices is about 5 MB; a download batch ends
 * in one import job (with its fsyncs and transaction), so downloads are batched more widely.
 */
const BATCH_SIZES = { upload: 10, download: 30 } as const;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;

/** The wait before attempt `attempts + 1`: 2 s, 4 s, 8 s… capped at 10 min, ±50 % jitter. */
export function backoffMs(attempts: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts, 20));
  const jittered = exponential * (0.5 + random());
  return Math.max(Math.min(jittered, BACKOFF_CAP_MS), retryAfterMs ?? 0);
}

/** The network kinds of failure: the link (or the server) is down, not the request wrong. */
const OFFLINE_KINDS = new Set(['dns', 'refused', 'timeout', 'network']);

export interface SyncEngineOptions {
  store: StoreClient;
  secrets: SecretStore;
  importer: ImportService;
  events: EventHub;
  instancesDir: string;
  /** Where downloaded files wait for the importer. */
  workDir: string;
  audit: (entry: Omit<NewAuditEntry, 'actor'>) => Promise<unknown>;
}

export function serverAuth(server: StoredServer, secrets: SecretStore): ServerAuth {
  const secret = secrets.get(server.id) ?? '';
  if (server.auth === 'basic') return { kind: 'basic', username: server.username, password: secret };
  if (server.auth === 'bearer') return { kind: 'bearer', token: secret };
  return { kind: 'none' };
}

/** A study download streaming in, whose queue rows the caller adds once it has the instance list. */
export interface StudyPrefetch {
  /** The study's instances are queued, as running rows this download owns. */
  rowsQueued(): void;
  /** The instance list could not be had: the download stops (what arrived stays). */
  cancel(): void;
}

export class SyncEngine {
  private running = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pumping = false;
  private closed = false;
  private connection: SyncStatus['connection'] = 'unknown';
  private lastSuccessAt: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Study downloads streaming in, by server and study, with the means to stop them. */
  private readonly prefetches = new Map<string, AbortController>();

  constructor(private readonly options: SyncEngineOptions) {}

  async start(): Promise<void> {
    const reset = await this.options.store.call('resetRunningTransfers');
    if (reset > 0) log.warn('sync.resumed', { transfers: reset });
    this.lastSuccessAt = (await this.options.store.call('listServers')).map((server) => server.lastSuccessAt).filter((at): at is string => at !== null).sort().at(-1) ?? null;
    this.kick();
  }

  /** Look at the queue now (something was queued, or the person pressed Retry). */
  kick(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump(), 0);
  }

  async status(): Promise<SyncStatus> {
    const counts = await this.options.store.call('transferCounts');
    return { connection: this.connection, pending: counts.pending, running: counts.running, parked: counts.parked, lastSuccessAt: this.lastSuccessAt, lastError: counts.lastError };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.prefetches.values()) controller.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async publish(): Promise<void> {
    this.options.events.emit('sync.status', await this.status());
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.running < MAX_CONCURRENT_TRANSFERS && !this.closed) {
        const batch = await this.options.store.call('claimDueTransfers', BATCH_SIZES);
        if (batch.length === 0) break;
        this.running += 1;
        const work = this.work(batch).finally(() => {
          this.running -= 1;
          this.inFlight.delete(work);
          this.kick();
        });
        this.inFlight.add(work);
      }
      await this.publish();
      // Wake for the next transfer whose backoff ends.
      const { nextDueAt } = await this.options.store.call('transferCounts');
      if (nextDueAt && !this.closed && this.running < MAX_CONCURRENT_TRANSFERS) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.pump(), Math.max(50, Date.parse(nextDueAt) - Date.now()));
      }
    } catch (error) {
      log.error('sync.pump-failed', describeError(error));
    } finally {
      this.pumping = false;
    }
  }

  private async work(batch: ClaimedTransfer[]): Promise<void> {
    const first = batch[0];
    if (!first) return;
    const server = await this.options.store.call('getServer', first.serverId);
    if (!server) {
      await this.options.store.call('finishTransfers', batch.map((transfer) => ({ id: transfer.id, result: 'parked', error: 'The server was removed from the settings.' })));
      return;
    }
    const client = new DicomWebClient({ baseUrl: server.baseUrl, auth: serverAuth(server, this.options.secrets) });
    let outcomes: TransferOutcome[];
    try {
      outcomes = first.direction === 'upload' ? await this.upload(client, server, batch) : await this.download(client, server, batch);
      this.connection = 'online';
      this.lastSuccessAt = new Date().toISOString();
      await this.options.store.call('markServerReached', server.id);
    } catch (error) {
      outcomes = this.failed(batch, error);
    }
    await this.options.store.call('finishTransfers', outcomes);
    await this.publish();
  }

  /** What a failure means for the transfers it hit: retried after a backoff, or parked with its reason. */
  private failureOutcome(error: unknown, attempts: number): { result: 'retry'; error: string; nextAttemptAt: string } | { result: 'parked'; error: string } {
    if (error instanceof DicomWebError) {
      if (OFFLINE_KINDS.has(error.kind)) this.connection = 'offline';
      if (error.permanent) return { result: 'parked', error: error.message };
      return { result: 'retry', error: error.message, nextAttemptAt: new Date(Date.now() + backoffMs(attempts, error.retryAfterMs)).toISOString() };
    }
    // Not the network: a file gone from the library, an import that failed. Said, and parked.
    return { result: 'parked', error: error instanceof Error ? error.message : String(error) };
  }

  private failed(batch: ClaimedTransfer[], error: unknown): TransferOutcome[] {
    if (error instanceof DicomWebError) log.warn('sync.transfer-failed', { kind: error.kind, status: error.status ?? 0, instances: batch.length, permanent: error.permanent });
    else log.error('sync.transfer-error', describeError(error));
    return batch.map((transfer) => ({ id: transfer.id, ...this.failureOutcome(error, transfer.attempts) }));
  }

  /**
   * Starts downloading a whole study in one WADO-RS answer, written into the library as it
   * arrives — when the study is new here, nothing of it is queued already, and the importer is
   * free. Otherwise null: the caller queues the instances and they come one batch at a time
   * (which is also how a download interrupted here resumes: instance by instance).
   */
  async prefetchStudy(server: StoredServer, studyInstanceUid: string): Promise<StudyPrefetch | null> {
    const { store, importer } = this.options;
    const key = `${server.id} ${studyInstanceUid}`;
    if (this.closed || this.prefetches.has(key) || this.running >= MAX_CONCURRENT_TRANSFERS) return null;
    if (await store.call('hasOpenDownloads', server.id, studyInstanceUid)) return null;
    if ((await store.call('cachedStudies', [studyInstanceUid])).length > 0) return null;

    // Instances in the library before their rows are queued wait here; after, they are marked done as they come.
    const rows: { state: 'waiting' | 'queued' | 'cancelled' } = { state: 'waiting' };
    const early: string[] = [];
    let marking = Promise.resolve();
    const markDone = (uids: string[]) => {
      marking = marking.then(async () => {
        if (uids.length === 0) return;
        await store.call('finishStreamedDownloads', server.id, uids);
        await this.publish();
      });
    };
    const receiving = importer.receive((uids) => {
      if (rows.state === 'queued') markDone(uids);
      else early.push(...uids);
    });
    if (!receiving) return null;

    let settleRows: () => void = () => undefined;
    const rowsSettled = new Promise<void>((resolve) => (settleRows = resolve));
    const controller = new AbortController();
    this.prefetches.set(key, controller);
    this.running += 1;

    const work = (async () => {
      const client = new DicomWebClient({ baseUrl: server.baseUrl, auth: serverAuth(server, this.options.secrets) });
      const host = new URL(server.baseUrl).host;
      let failure: unknown = null;
      let received = 0;
      try {
        await client.retrieveStudy(studyInstanceUid, (bytes) => receiving.add({ display: `${host}: instance ${++received} of the study download`, bytes }), controller.signal);
      } catch (error) {
        failure = error;
      }
      let imported: CompletedImport | null = null;
      try {
        imported = await receiving.finish();
      } catch (error) {
        failure ??= error;
      }
      await rowsSettled;
      markDone(early.splice(0));
      await marking.catch((error: unknown) => log.error('sync.prefetch-marking-failed', describeError(error)));
      await this.afterPrefetch(server, studyInstanceUid, received, failure, imported, rows.state === 'cancelled');
    })()
      .catch((error: unknown) => log.error('sync.prefetch-failed', describeError(error)))
      .finally(() => {
        this.prefetches.delete(key);
        this.running -= 1;
        this.inFlight.delete(work);
        this.kick();
      });
    this.inFlight.add(work);
    return {
      rowsQueued: () => {
        rows.state = 'queued';
        settleRows();
      },
      cancel: () => {
        // Once its rows are queued the download owns them and finishes (what it leaves is retried).
        if (rows.state !== 'waiting') return;
        rows.state = 'cancelled';
        controller.abort();
        settleRows();
      },
    };
  }

  /** A study download ended: said in the status, the audit and the log; what it left is queued. */
  private async afterPrefetch(server: StoredServer, studyInstanceUid: string, received: number, failure: unknown, imported: CompletedImport | null, cancelled: boolean): Promise<void> {
    const { store } = this.options;
    const summary = imported?.summary;
    if (summary && summary.phase !== 'finished') failure ??= new Error(`the downloaded files did not import (${summary.error ?? summary.phase})`);
    if (failure === null) {
      this.connection = 'online';
      this.lastSuccessAt = new Date().toISOString();
      await store.call('markServerReached', server.id);
      await store.call('releaseStreamedDownloads', server.id, studyInstanceUid, null);
    } else if (!cancelled) {
      if (failure instanceof DicomWebError) log.warn('sync.prefetch-interrupted', { kind: failure.kind, status: failure.status ?? 0, received });
      else log.error('sync.prefetch-interrupted', describeError(failure));
      // The rest comes instance by instance, after the backoff (a refusal is retried once that way, and parked if it persists).
      const outcome = this.failureOutcome(failure, 0);
      const nextAttemptAt = outcome.result === 'retry' ? outcome.nextAttemptAt : new Date().toISOString();
      await store.call('releaseStreamedDownloads', server.id, studyInstanceUid, { error: outcome.error, nextAttemptAt });
    }
    await this.options.audit({
      action: 'sync.download',
      subject: studyInstanceUid,
      detail: { serverId: server.id, wholeStudy: true, received, imported: summary?.imported ?? 0, alreadyPresent: summary?.alreadyPresent ?? 0, refused: summary?.skipped.length ?? 0, outcome: failure === null ? 'complete' : cancelled ? 'cancelled' : 'interrupted' },
    });
    await this.publish();
  }

  private async upload(client: DicomWebClient, server: StoredServer, batch: ClaimedTransfer[]): Promise<TransferOutcome[]> {
    const files: Buffer[] = [];
    const outcomes: TransferOutcome[] = [];
    const sent: ClaimedTransfer[] = [];
    for (const transfer of batch) {
      const bytes = await readInstanceAsPart10(instanceFilePath(this.options.instancesDir, transfer.sopInstanceUid));
      if (!bytes) outcomes.push({ id: transfer.id, result: 'parked', error: 'The file is no longer in the library (was the study deleted?).' });
      else {
        files.push(bytes);
        sent.push(transfer);
      }
    }
    if (sent.length === 0) return outcomes;
    const result = await client.store(files, batch[0]?.studyInstanceUid);
    for (const transfer of sent) {
      const failure = result.failed.get(transfer.sopInstanceUid);
      if (result.stored.has(transfer.sopInstanceUid)) outcomes.push({ id: transfer.id, result: 'done' });
      else if (failure !== undefined) outcomes.push({ id: transfer.id, result: 'parked', error: failure });
      // Neither stored nor refused: the answer did not say; sent again later (idempotent by UID).
      else outcomes.push({ id: transfer.id, result: 'retry', error: 'The server did not confirm this instance.', nextAttemptAt: new Date(Date.now() + backoffMs(transfer.attempts, null)).toISOString() });
    }
    const stored = outcomes.filter((outcome) => outcome.result === 'done').length;
    await this.options.audit({ action: 'sync.upload', subject: batch[0]?.studyInstanceUid, detail: { serverId: server.id, instances: sent.length, stored, refused: result.failed.size } });
    return outcomes;
  }

  private async download(client: DicomWebClient, server: StoredServer, claimed: ClaimedTransfer[]): Promise<TransferOutcome[]> {
    // Instances already here (a study download that was cut off by a crash got them) are done.
    const present = new Set(await this.options.store.call('existingInstances', claimed.map((transfer) => transfer.sopInstanceUid)));
    const batch = claimed.filter((transfer) => !present.has(transfer.sopInstanceUid));
    const already: TransferOutcome[] = claimed.filter((transfer) => present.has(transfer.sopInstanceUid)).map((transfer) => ({ id: transfer.id, result: 'done' }));
    if (batch.length === 0) return already;
    const folder = path.join(this.options.workDir, `download-${randomUUID()}`);
    await mkdir(folder, { recursive: true });
    try {
      const files = new Map<string, ClaimedTransfer>();
      for (const transfer of batch) {
        const bytes = await client.retrieveInstance(transfer.studyInstanceUid, transfer.seriesInstanceUid, transfer.sopInstanceUid);
        const name = `${transfer.id}.dcm`;
        await writeFile(path.join(folder, name), bytes, { mode: 0o600 });
        files.set(name, transfer);
      }
      const { summary } = await this.options.importer.importOwn([folder]);
      if (summary.phase !== 'finished') throw new Error(`the downloaded files did not import (${summary.error ?? summary.phase})`);
      const refused = new Map(summary.skipped.map((skip) => [path.basename(skip.file), skip.reason]));
      const outcomes: TransferOutcome[] = batch.map((transfer) => {
        const reason = refused.get(`${transfer.id}.dcm`);
        return reason === undefined ? { id: transfer.id, result: 'done' } : { id: transfer.id, result: 'parked', error: `The server sent a file the library refused: ${reason}` };
      });
      await this.options.audit({ action: 'sync.download', subject: batch[0]?.studyInstanceUid, detail: { serverId: server.id, instances: batch.length, imported: summary.imported, alreadyPresent: summary.alreadyPresent, refused: refused.size } });
      return [...already, ...outcomes];
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}
