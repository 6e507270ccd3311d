/**
 * Works the transfer queue (store/syncStore.ts): at most five transfers at once, each a batch
 * of instances of one study to or from one server. Uploads are STOW-RS of the stored
 * files; downloads are WADO-RS of each instance as stored, written into the library through
 * the importer (same checks, same crash safety, deduplicated). A download asked for is a
 * whole-study row: a study new here comes in one WADO-RS answer, streamed into the importer as
 * it arrives (downloadStudy); what that answer did not bring is then listed and fetched instance
 * by instance through the queue. Failures that may pass are
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
import { ensureRoomFor, isLibraryDiskFull } from '../diskSpace';
import { describeImportFailure } from '../import/fileErrors';
import type { ImportService } from '../import/importService';
import { readInstanceAsPart10 } from '../instanceContent';
import { instanceFilePath } from '../instanceFiles';
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import type { ClaimedTransfer, StoredServer, TransferOutcome } from '../store/syncStore';
import { DicomWebClient, DicomWebError, jsonString, type ServerAuth } from './dicomwebClient';
import type { SecretStore } from './secretStore';

export const MAX_CONCURRENT_TRANSFERS = 5;
/**
 * Instances per transfer. A STOW-RS body of ten CT slices is about 5 MB; a download batch ends
 * in one import job (with its fsyncs and transaction), so downloads are batched more widely.
 */
const BATCH_SIZES = { upload: 10, download: 30 } as const;
const BACKOFF_BASE_MS = 2_000;
const PROGRESS_INTERVAL_MS = 250;
/**
 * Done transfers are kept this long as the queue's record, then removed: a reading workstation
 * makes millions of them a year, and the audit log keeps what went and came for good. (Queuing
 * an instance again after that sends it again; the server keeps one copy per SOP Instance UID.)
 */
export const DONE_TRANSFERS_KEPT_DAYS = 90;
/** Removed in steps of this many rows, so the store (the one writer) is never held for long. */
const PRUNE_STEP_ROWS = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const BACKOFF_CAP_MS = 10 * 60_000;
/** Room a download needs to start: one batch of received files (ReceivedBatches' BATCH_BYTES). */
const DOWNLOAD_ROOM_BYTES = 16 * 1_000_000;

/** The import of downloaded files failed: said as the import says it, keeping its code (a full disk waits). */
function importFailure(reason: string | null, code: string | null): Error {
  return Object.assign(new Error(`the downloaded files could not be kept: ${reason ?? 'the import failed'}`), code === null ? {} : { code });
}

/** The wait before attempt `attempts + 1`: 2 s, 4 s, 8 s… capped at 10 min, ±50 % jitter. */
export function backoffMs(attempts: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts, 20));
  const jittered = exponential * (0.5 + random());
  return Math.max(Math.min(jittered, BACKOFF_CAP_MS), retryAfterMs ?? 0);
}

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

/** The DICOMweb client for a stored server: its address, its credentials, the certificate trusted for it. */
export function serverClient(server: StoredServer, secrets: SecretStore, timeoutMs?: number): DicomWebClient {
  return new DicomWebClient({ baseUrl: server.baseUrl, auth: serverAuth(server, secrets), trustedCertificatePem: server.trustedCertificatePem }, timeoutMs);
}

export class SyncEngine {
  private running = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pumping = false;
  private closed = false;
  /**
   * Whether each server answered the last time it was tried (absent: not tried since start). The
   * status bar's online/offline is the default server's; others found down are named beside it,
   * so a retired clinic server retrying in the background does not make the archive look down.
   */
  private readonly reachable = new Map<string, boolean>();
  private lastSuccessAt: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** The work each running transfer is part of, by queue row (cancelRunning waits for it). */
  private readonly works = new Map<number, Promise<void>>();
  /** Whole-study downloads streaming in, by queue row: instances landed, of how many expected. */
  private readonly downloading = new Map<number, { instances: number; expected: number }>();
  private lastProgressAt = 0;
  /** Stops study downloads streaming in when the engine closes. */
  private readonly closing = new AbortController();
  /** Study downloads streaming in, by queue row: aborted when the person cancels them. */
  private readonly streams = new Map<number, AbortController>();
  /** Running rows the person cancelled (their rows are gone): their failures are not recorded. */
  private readonly cancelled = new Set<number>();

  private pruning: Promise<void> = Promise.resolve();
  private pruneTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: SyncEngineOptions) {}

  async start(): Promise<void> {
    const reset = await this.options.store.call('resetRunningTransfers');
    if (reset > 0) log.warn('sync.resumed', { transfers: reset });
    this.lastSuccessAt = (await this.options.store.call('listServers')).map((server) => server.lastSuccessAt).filter((at): at is string => at !== null).sort().at(-1) ?? null;
    this.kick();
    // In the background, now and once a day: starting does not wait for it.
    this.pruning = this.pruneDoneTransfers();
    this.pruneTimer = setInterval(() => {
      this.pruning = this.pruning.then(() => this.pruneDoneTransfers());
    }, DAY_MS);
    this.pruneTimer.unref();
  }

  /** Removes done transfers older than DONE_TRANSFERS_KEPT_DAYS, a step at a time. */
  private async pruneDoneTransfers(): Promise<void> {
    const before = new Date(Date.now() - DONE_TRANSFERS_KEPT_DAYS * DAY_MS).toISOString();
    let removed = 0;
    try {
      for (;;) {
        if (this.closed) break;
        const step = await this.options.store.call('pruneDoneTransfers', before, PRUNE_STEP_ROWS);
        removed += step;
        if (step < PRUNE_STEP_ROWS) break;
      }
    } catch (error) {
      log.error('sync.prune-failed', describeError(error));
    }
    if (removed > 0) log.info('sync.pruned', { transfers: removed, keptDays: DONE_TRANSFERS_KEPT_DAYS });
  }

  /** Look at the queue now (something was queued, or the person pressed Retry). */
  kick(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump(), 0);
  }

  /**
   * Whether a server answered, found outside the queue (a connection test); null forgets it (its
   * address changed, or it was removed).
   */
  noteReachable(serverId: string, reachable: boolean | null): void {
    if (reachable === null) this.reachable.delete(serverId);
    else this.reachable.set(serverId, reachable);
    void this.publish();
  }

  async status(): Promise<SyncStatus> {
    const counts = await this.options.store.call('transferCounts');
    const servers = await this.options.store.call('listServers');
    const main = servers.find((server) => server.isDefault);
    const mainReachable = main ? this.reachable.get(main.id) : undefined;
    const connection = mainReachable === undefined ? 'unknown' : mainReachable ? 'online' : 'offline';
    const unreachableServers = servers.filter((server) => server !== main && this.reachable.get(server.id) === false).map((server) => server.name);
    const streams = [...this.downloading.values()];
    const downloading = streams.length === 0 ? null : { studies: streams.length, instances: streams.reduce((sum, stream) => sum + stream.instances, 0), expected: streams.reduce((sum, stream) => sum + stream.expected, 0) };
    return { connection, unreachableServers, pending: counts.pending, running: counts.running, parked: counts.parked, lastSuccessAt: this.lastSuccessAt, lastError: counts.lastError, downloading };
  }

  /**
   * Stops the running transfers among `ids`, which the person took out of the queue (their rows
   * are gone). A study download streaming in stops at once, keeping what arrived whole; an
   * instance batch already on the wire finishes, and its result has no row to land in.
   */
  cancelRunning(ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      this.cancelled.add(id);
      this.streams.get(id)?.abort();
    }
    this.kick();
    // Settled once their work has wound down (what a stopped download had received is committed).
    const works = ids.map((id) => this.works.get(id)).filter((work): work is Promise<void> => work !== undefined);
    return Promise.allSettled(works).then(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.closing.abort();
    await Promise.allSettled([...this.inFlight, this.pruning]);
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
          for (const transfer of batch) this.works.delete(transfer.id);
          this.kick();
        });
        this.inFlight.add(work);
        for (const transfer of batch) this.works.set(transfer.id, work);
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
    const client = serverClient(server, this.options.secrets);
    let outcomes: TransferOutcome[];
    try {
      if (first.direction === 'upload') outcomes = await this.upload(client, server, batch);
      else {
        // No room for even a batch: the server is not asked; the download waits for room.
        await ensureRoomFor(this.options.instancesDir, DOWNLOAD_ROOM_BYTES);
        outcomes = first.scope === 'study' ? await this.downloadStudy(client, server, first) : await this.download(client, server, batch);
      }
      this.reachable.set(server.id, true);
      this.lastSuccessAt = new Date().toISOString();
      await this.options.store.call('markServerReached', server.id);
    } catch (error) {
      // Stopped by the app closing: the rows stay running, and the next start queues them again.
      if (this.closing.signal.aborted) return;
      // Rows the person cancelled meanwhile are gone (a study download stopped by that): only the others' failure is recorded.
      // A server that answered, even with a refusal, is reachable; one that did not, is not.
      if (error instanceof DicomWebError) this.reachable.set(server.id, !error.unreachable);
      const live = batch.filter((transfer) => !this.cancelled.has(transfer.id));
      outcomes = live.length > 0 ? this.failed(live, error) : [];
    } finally {
      for (const transfer of batch) this.cancelled.delete(transfer.id);
    }
    await this.options.store.call('finishTransfers', outcomes);
    await this.publish();
  }

  /** What a failure means for the transfers it hit: retried after a backoff, or parked with its reason. */
  private failureOutcome(error: unknown, attempts: number): { result: 'retry'; error: string; nextAttemptAt: string } | { result: 'parked'; error: string } {
    // The library's disk is full: nothing is wrong with the transfer. It waits, and goes once
    // there is room again (a reading room's downloads resume by themselves when space is freed).
    if (isLibraryDiskFull(error)) return { result: 'retry', error: `${describeImportFailure(error)} (tried again once there is room)`, nextAttemptAt: new Date(Date.now() + backoffMs(attempts, null)).toISOString() };
    if (error instanceof DicomWebError) {
      if (error.permanent) return { result: 'parked', error: error.message };
      return { result: 'retry', error: error.message, nextAttemptAt: new Date(Date.now() + backoffMs(attempts, error.retryAfterMs)).toISOString() };
    }
    // Not the network: a file gone from the library, an import that failed, a read-only disk.
    // Said (as the import says it: no filesystem path reaches the window), and parked.
    return { result: 'parked', error: describeImportFailure(error) };
  }

  private failed(batch: ClaimedTransfer[], error: unknown): TransferOutcome[] {
    if (error instanceof DicomWebError) log.warn('sync.transfer-failed', { kind: error.kind, status: error.status ?? 0, instances: batch.length, permanent: error.permanent });
    else log.error('sync.transfer-error', describeError(error));
    return batch.map((transfer) => ({ id: transfer.id, ...this.failureOutcome(error, transfer.attempts) }));
  }

  /**
   * A whole study: when none of it is here yet, one WADO-RS answer streamed into the library,
   * each instance recorded (a done row) as its batch is in. When some of it is here (a download
   * cut off, or interrupted by a crash), its instances are listed by QIDO-RS and what is missing
   * is queued instance by instance. Throws (for retry or parking) when the server fails.
   */
  private async downloadStudy(client: DicomWebClient, server: StoredServer, transfer: ClaimedTransfer): Promise<TransferOutcome[]> {
    const { store } = this.options;
    const studyInstanceUid = transfer.studyInstanceUid;
    if ((await store.call('studyInstanceCount', studyInstanceUid)) > 0) {
      // Resumed (a crash, a cut link, a full disk): what its stream brought is recorded already
      // (each instance's row is written with it, see insertInstances); the rest is queued.
      await this.queueMissingInstances(client, server, studyInstanceUid);
      return [{ id: transfer.id, result: 'done' }];
    }
    const progress = { instances: 0, expected: transfer.expected ?? 0 };
    this.downloading.set(transfer.id, progress);
    const cancel = new AbortController();
    this.streams.set(transfer.id, cancel);
    // Cancelled between being claimed and getting here: not started at all.
    if (this.cancelled.has(transfer.id)) cancel.abort();
    try {
      await this.streamStudy(client, server, studyInstanceUid, progress, AbortSignal.any([this.closing.signal, cancel.signal]));
    } finally {
      this.downloading.delete(transfer.id);
      this.streams.delete(transfer.id);
    }
    return [{ id: transfer.id, result: 'done' }];
  }

  /** The study's one WADO-RS answer into the library; what arrived whole is kept whatever happens to the rest. */
  private async streamStudy(client: DicomWebClient, server: StoredServer, studyInstanceUid: string, progress: { instances: number }, signal: AbortSignal): Promise<void> {
    const { store, importer } = this.options;
    let recording = Promise.resolve();
    const receiving = await importer.receiveWhenFree(({ added, present }) => {
      progress.instances += added.length + present.length;
      // In order, one after another. The instances the stream added have their rows already
      // (written with them); those the library held before get theirs here, so the line is whole.
      recording = recording.then(async () => {
        if (present.length > 0) await store.call('recordDownloadedInstances', server.id, present);
        // Progress for the status bar, a few times a second at most.
        if (Date.now() - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
          this.lastProgressAt = Date.now();
          await this.publish();
        }
      });
    }, server.id);
    const host = new URL(server.baseUrl).host;
    let received = 0;
    let failure: Error | null = null;
    try {
      await client.retrieveStudy(studyInstanceUid, (bytes) => receiving.add({ display: `${host}: instance ${++received} of the study download`, bytes }), signal);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    const { summary, result } = await receiving.finish();
    await recording;
    await this.options.audit({
      action: 'sync.download',
      subject: studyInstanceUid,
      detail: {
        serverId: server.id,
        wholeStudy: true,
        received,
        imported: summary.imported,
        alreadyPresent: summary.alreadyPresent,
        refused: summary.skipped.length,
        outcome: failure === null ? 'complete' : signal.aborted && !this.closing.signal.aborted ? 'cancelled' : 'interrupted',
      },
    });
    // The library failing (a full disk) is the reason, not the stream it then cut off.
    if (summary.phase === 'failed') throw importFailure(summary.error, result.errorCode);
    if (failure !== null) throw failure;
    if (summary.phase !== 'finished') throw new Error(`the downloaded files did not import (${summary.error ?? summary.phase})`);
    // A server may leave out what it cannot send: a refused or missing instance is then queued on its own (and parked with the reason if it fails again).
    if (summary.skipped.length > 0 || received === 0) await this.queueMissingInstances(client, server, studyInstanceUid);
  }

  /** Lists a study's instances on the server and queues those the library does not have. */
  private async queueMissingInstances(client: DicomWebClient, server: StoredServer, studyInstanceUid: string): Promise<number> {
    const items = await client.search(`studies/${studyInstanceUid}/instances`, { includefield: '0020000E' });
    const listed = items.map((item) => ({ sopInstanceUid: jsonString(item, '00080018'), studyInstanceUid, seriesInstanceUid: jsonString(item, '0020000E') })).filter((instance) => instance.sopInstanceUid && instance.seriesInstanceUid);
    const present = new Set(await this.options.store.call('existingInstances', listed.map((instance) => instance.sopInstanceUid)));
    const missing = listed.filter((instance) => !present.has(instance.sopInstanceUid));
    if (missing.length > 0) await this.options.store.call('enqueueTransfers', server.id, 'download', missing);
    return missing.length;
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
      const { summary, result } = await this.options.importer.importOwn([folder]);
      if (summary.phase === 'failed') throw importFailure(summary.error, result.errorCode);
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
