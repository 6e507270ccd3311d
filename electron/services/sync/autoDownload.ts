/**
 * Downloading a server's new studies by themselves, for reading rooms that must have them
 * before the radiologist opens them: every few minutes (and when the settings change), each
 * server set to do so is asked by QIDO-RS for its studies of the last N days; those not seen
 * before are queued for download through the same queue as a person's Download.
 *
 * Each study is taken once per server (migrations/0013): one deleted here, or whose download was
 * cancelled, is not fetched again by itself. A server that does not answer is tried again at the
 * next round; nothing is lost, the studies are still new then. With each new study, the
 * patient's most recent earlier studies on the server (priors) can come too, each once as well.
 * Runs in: the main process (Node).
 */
import { log, describeError } from '../../logging/log';
import type { SecretStore } from './secretStore';
import type { StoredServer } from '../store/syncStore';
import { type DicomWebClient, jsonString } from './dicomwebClient';
import { ISSUER_OF_PATIENT_ID, PATIENT_STUDY_FIELDS, patientStudiesOnServer, studyUidOf } from './serverPatients';
import { type QidoStudy, queueStudyDownload, type StudyDownloadOptions } from './studyDownloads';
import { serverClient, type SyncEngine } from './syncEngine';

/** How often the servers are asked for new studies. */
const AUTO_DOWNLOAD_INTERVAL_MS = 5 * 60 * 1000;
/** Studies asked for per QIDO-RS page, and pages per server and round (the rest come next round). */
const STUDIES_PER_PAGE = 200;
const PAGES_PER_ROUND = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const CLOSE_WAIT_MS = 2_000;

export interface AutoDownloadOptions extends StudyDownloadOptions {
  secrets: SecretStore;
  engine: SyncEngine;
}

/** The first day of the last `days` days, today included, as a DICOM date range open at the end. */
function sinceRange(days: number, now = new Date()): string {
  const first = new Date(now.getTime() - (days - 1) * DAY_MS);
  const local = (date: Date) => `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, '0')}${String(date.getDate()).padStart(2, '0')}`;
  return `${local(first)}-`;
}

export class AutoDownloader {
  private timer: ReturnType<typeof setInterval> | null = null;
  private round: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: AutoDownloadOptions) {}

  start(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), AUTO_DOWNLOAD_INTERVAL_MS);
    this.timer.unref();
  }

  /** A round over every server set to download by itself, after the one running (if any). */
  kick(): void {
    if (this.closed) return;
    // A round that fails (the store closing) must not stop the ones after it.
    this.round = this.round.then(() => this.checkAll()).catch((error: unknown) => log.error('sync.auto-download-round-failed', describeError(error)));
  }

  /** Stops: a round under way ends at its next study, and is waited for at most CLOSE_WAIT_MS (a hung server). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.race([this.round, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
  }

  private async checkAll(): Promise<void> {
    const servers = (await this.options.store.call('listServers')).filter((server) => server.autoDownloadDays > 0);
    for (const server of servers) {
      if (this.closed) return;
      try {
        await this.checkServer(server);
      } catch (error) {
        // The link or the server is down, or refuses: the same studies are still new next round.
        log.warn('sync.auto-download-failed', describeError(error));
      }
    }
  }

  /**
   * One server now (after the round running, if any: two looks at once would both find the
   * same studies new): its studies of the last N days not taken before are queued.
   */
  check(server: StoredServer): Promise<{ found: number; queued: number }> {
    const result = this.round.then(() => this.checkServer(server));
    this.round = result.catch(() => undefined);
    return result;
  }

  private async checkServer(server: StoredServer): Promise<{ found: number; queued: number }> {
    if (server.autoDownloadDays === 0) return { found: 0, queued: 0 };
    const { store } = this.options;
    const client = serverClient(server, this.options.secrets, 60_000);
    // Page by page: a busy server's window holds more studies than one answer, and the first
    // pages, taken already, must not hide the later ones round after round.
    const studies: QidoStudy[] = [];
    for (let page = 0; page < PAGES_PER_ROUND; page += 1) {
      const found = await client.search('studies', { StudyDate: sinceRange(server.autoDownloadDays), includefield: PATIENT_STUDY_FIELDS, offset: page * STUDIES_PER_PAGE, limit: STUDIES_PER_PAGE });
      studies.push(...found);
      if (found.length < STUDIES_PER_PAGE) break;
    }
    const unseen = new Set(await store.call('unseenAutoDownloads', server.id, studies.map(studyUidOf).filter((uid) => uid !== '')));
    // `taken`: a prior may also be in the window, later in the list; taken once.
    const counts = { queued: 0, instances: 0, taken: new Set<string>() };
    for (const study of studies) {
      if (this.closed) break;
      if (!unseen.has(studyUidOf(study)) || counts.taken.has(studyUidOf(study))) continue;
      await this.take(server, client, study, counts);
      if (server.autoDownloadPriors > 0) {
        for (const prior of await this.priorsOf(client, study, server.autoDownloadPriors)) {
          if (counts.taken.has(studyUidOf(prior))) continue;
          if ((await store.call('unseenAutoDownloads', server.id, [studyUidOf(prior)])).length > 0) await this.take(server, client, prior, counts);
        }
      }
    }
    const { queued, instances } = counts;
    if (queued > 0) {
      log.info('sync.auto-download-queued', { studies: queued, instances });
      this.options.engine.kick();
    }
    return { found: studies.length, queued };
  }

  /** Queues a study not here whole, and notes it taken (once queued: a round cut short takes the rest next time). */
  private async take(server: StoredServer, client: DicomWebClient, study: QidoStudy, counts: { queued: number; instances: number; taken: Set<string> }): Promise<void> {
    const { store } = this.options;
    const studyInstanceUid = studyUidOf(study);
    counts.taken.add(studyInstanceUid);
    const onServer = Number(jsonString(study, '00201208'));
    const here = await store.call('studyInstanceCount', studyInstanceUid);
    // Here whole already (imported, or asked for by hand): only noted.
    if (!(Number.isInteger(onServer) && here >= onServer)) {
      counts.instances += (await queueStudyDownload(this.options, server, client, study, true)).queued;
      counts.queued += 1;
    }
    await store.call('markAutoDownloaded', server.id, studyInstanceUid);
  }

  /**
   * The patient's `count` most recent studies on the server from before this one (by Study
   * Date): the priors a radiologist compares with (who counts as the same patient: serverPatients.ts).
   */
  private async priorsOf(client: DicomWebClient, study: QidoStudy, count: number): Promise<QidoStudy[]> {
    const date = jsonString(study, '00080020');
    const patient = { patientId: jsonString(study, '00100020'), issuer: jsonString(study, ISSUER_OF_PATIENT_ID) };
    const others = await patientStudiesOnServer(client, patient, studyUidOf(study));
    return others.filter((other) => jsonString(other, '00080020') <= date).slice(0, count);
  }
}

