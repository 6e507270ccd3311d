/**
 * The server and sync requests: server settings (secrets in the secret store), the connection
 * test, searching a server, queuing uploads and downloads, the queue itself.
 * Runs in: the main process (Node).
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionCheck, RemoteStudy } from '../../../shared/api';
import { dicomDateToIso } from '../../../shared/dicom/dates';
import type { RequestHandlers } from '../../api/apiRouter';
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import type { QueuedInstance, StoredServer } from '../store/syncStore';
import { UserFacingError } from '../userFacingError';
import { DicomWebError, jsonString } from './dicomwebClient';
import { certificateProblem, presentedCertificate, trustedCertificateInfo } from './serverCertificates';
import type { SecretStore } from './secretStore';
import type { AutoDownloader } from './autoDownload';
import { patientStudiesOnServer, studyUidOf } from './serverPatients';
import { type QidoStudy, queueStudyDownload, STUDY_FIELDS } from './studyDownloads';
import { serverClient, type SyncEngine } from './syncEngine';

type SyncRequest = 'servers.list' | 'servers.save' | 'servers.delete' | 'servers.test' | 'servers.trustCertificate' | 'sync.searchServer' | 'sync.serverPriors' | 'sync.checkAutoDownload' | 'sync.upload' | 'sync.download' | 'sync.transfers' | 'sync.transferGroups' | 'sync.retry' | 'sync.cancel' | 'sync.status';

export interface SyncServiceOptions {
  store: StoreClient;
  secrets: SecretStore;
  engine: SyncEngine;
  /** Told when the settings change (a server set to download by itself is looked at now). */
  autoDownloads: Pick<AutoDownloader, 'kick' | 'check'>;
  audit: (entry: Omit<NewAuditEntry, 'actor'>) => Promise<unknown>;
}

const SECRET_NOTES = {
  'os-keychain': 'Passwords and tokens are encrypted with the operating system’s keychain.',
  'user-file': 'Passwords and tokens are kept in a file only your user account can read (secrets.json in the data folder) — not in the operating system’s keychain, which this window cannot reach.',
};

/** A QIDO date range from ISO dates: 20240101-20241231, open on either side. */
function dateRange(from: string | undefined, to: string | undefined): string | undefined {
  if (!from && !to) return undefined;
  return `${(from ?? '').replaceAll('-', '')}-${(to ?? '').replaceAll('-', '')}`;
}

/** Queues every instance of a library study for upload to a server. */
export async function queueStudyUpload(store: StoreClient, serverId: string, studyInstanceUid: string): Promise<{ queued: number; alreadyQueued: number } | null> {
  const images = await store.call('studyImages', studyInstanceUid);
  if (!images) return null;
  const instances = Object.entries(images.instancesBySeries).flatMap(([seriesInstanceUid, list]) => list.map((instance) => ({ sopInstanceUid: instance.sopInstanceUid, studyInstanceUid, seriesInstanceUid })));
  return store.call('enqueueTransfers', serverId, 'upload', instances);
}

/**
 * After a person's import: studies go up by themselves to every server set to do that (the
 * technician's setting), through the same queue.
 */
export async function queueAutoUploads(options: Pick<SyncServiceOptions, 'store' | 'engine' | 'audit'>, studyInstanceUids: readonly string[]): Promise<void> {
  const servers = (await options.store.call('listServers')).filter((server) => server.autoUpload);
  for (const server of servers) {
    for (const studyInstanceUid of studyInstanceUids) {
      const result = await queueStudyUpload(options.store, server.id, studyInstanceUid);
      if (result) await options.audit({ action: 'sync.upload-queued', subject: studyInstanceUid, detail: { serverId: server.id, automatic: true, ...result } });
    }
  }
  if (servers.length > 0) options.engine.kick();
}

/** A signed report goes up by itself to the default server (reports are what the archive must have). */
export async function queueReportUpload(options: Pick<SyncServiceOptions, 'store' | 'engine' | 'audit'>, sr: QueuedInstance): Promise<void> {
  const server = await options.store.call('getServer', undefined);
  if (!server) return;
  const result = await options.store.call('enqueueTransfers', server.id, 'upload', [sr]);
  await options.audit({ action: 'report.transmit-queued', subject: sr.studyInstanceUid, detail: { serverId: server.id, sopInstanceUid: sr.sopInstanceUid, queued: result.queued } });
  options.engine.kick();
}

export function syncHandlers(options: SyncServiceOptions): Pick<RequestHandlers, SyncRequest> {
  const { store, secrets, engine, audit, autoDownloads } = options;

  async function serverOrFail(id: string | undefined): Promise<StoredServer> {
    const server = await store.call('getServer', id);
    if (!server) throw new UserFacingError('not-found', id ? 'That server is not in the settings.' : 'No server is set up yet: add one in the sync settings.');
    return server;
  }

  /** QIDO-RS studies as the window lists them, each with how much of it the library holds. */
  async function remoteStudies(found: QidoStudy[]): Promise<RemoteStudy[]> {
    // A study only partly here (a download cut off or cancelled) is not marked as here.
    const here = await store.call('cachedInstanceCounts', found.map(studyUidOf));
    return found.map((item) => {
      const count = Number(jsonString(item, '00201208'));
      const instanceCount = Number.isInteger(count) && count >= 0 ? count : null;
      const instancesHere = here[studyUidOf(item)] ?? 0;
      return {
        studyInstanceUid: studyUidOf(item),
        patientName: jsonString(item, '00100010'),
        patientId: jsonString(item, '00100020'),
        studyDate: dicomDateToIso(jsonString(item, '00080020')),
        accessionNumber: jsonString(item, '00080050'),
        studyDescription: jsonString(item, '00081030'),
        modalities: (item['00080061']?.Value ?? []).filter((value): value is string => typeof value === 'string'),
        instanceCount,
        instancesHere,
        cached: instancesHere > 0 && (instanceCount === null || instancesHere >= instanceCount),
      };
    });
  }

  const summary = ({ trustedCertificatePem, ...server }: StoredServer) => ({ ...server, hasSecret: secrets.get(server.id) !== null, trustedCertificate: trustedCertificateInfo(trustedCertificatePem) });

  /** A refused certificate: what the server presents, why it is refused, whether it can be trusted. */
  async function certificateCheck(server: StoredServer, fallback: string): Promise<ConnectionCheck> {
    const url = new URL(server.baseUrl);
    let presented: Awaited<ReturnType<typeof presentedCertificate>>;
    try {
      presented = await presentedCertificate(url, 15_000, server.trustedCertificatePem);
    } catch {
      return { ok: false, stage: 'tls', message: fallback };
    }
    if (presented.problemCode === null) return { ok: false, stage: 'tls', message: fallback };
    const trusted = trustedCertificateInfo(server.trustedCertificatePem);
    const changed = trusted && trusted.sha256 !== presented.info.sha256 ? ` It is not the certificate trusted for this server (SHA-256 ${trusted.sha256}): the server's certificate changed, or something else answers in its place.` : '';
    const advice = presented.trustable ? ' Compare its fingerprint with the one your IT department gives you before trusting it.' : ' Trusting it would not help: the server’s certificate has to be renewed.';
    return {
      ok: false,
      stage: 'tls',
      message: `The certificate of ${url.host} is not trusted: ${certificateProblem(presented.problemCode, presented.info)}.${changed}${advice}`,
      certificate: { ...presented.info, trustable: presented.trustable },
    };
  }

  return {
    'servers.list': async () => ({ servers: (await store.call('listServers')).map(summary), secretStorage: { kind: secrets.kind, note: SECRET_NOTES[secrets.kind] } }),
    'servers.save': async (input) => {
      const id = input.id ?? randomUUID();
      const before = input.id ? await store.call('getServer', input.id) : null;
      if (input.id && !before) throw new UserFacingError('not-found', 'That server is not in the settings.');
      if (input.secret !== undefined) {
        if (input.secret === '') await secrets.delete(id);
        else await secrets.set(id, input.secret);
      }
      const saved = await store.call('saveServer', id, input);
      // Another address: whether the old one answered says nothing about the new one.
      if (before && before.baseUrl !== saved.baseUrl) engine.noteReachable(id, null);
      // The address and who changed it; never the secret.
      await audit({ action: input.id ? 'server.update' : 'server.add', detail: { serverId: id, auth: input.auth, secretChanged: input.secret !== undefined, autoDownloadDays: input.autoDownloadDays } });
      engine.kick();
      if (saved.autoDownloadDays > 0) autoDownloads.kick();
      return summary(saved);
    },
    'servers.delete': async ({ id }) => {
      const deleted = await store.call('deleteServer', id);
      if (deleted) {
        await secrets.delete(id);
        engine.noteReachable(id, null);
        await audit({ action: 'server.remove', detail: { serverId: id } });
      }
      return { deleted };
    },
    'servers.test': async ({ id }) => {
      const server = await serverOrFail(id);
      if (server.auth !== 'none' && secrets.get(server.id) === null) return { ok: false, stage: 'no-secret', message: `No ${server.auth === 'basic' ? 'password' : 'token'} is stored for this server.` };
      const client = serverClient(server, secrets, 15_000);
      try {
        await client.search('studies', { limit: 1 });
        await store.call('markServerReached', server.id);
        engine.noteReachable(server.id, true);
        return { ok: true, stage: 'ok', message: `${new URL(server.baseUrl).host} answers QIDO-RS: it is a DICOMweb service and accepts these credentials.` };
      } catch (error) {
        if (error instanceof DicomWebError) engine.noteReachable(server.id, !error.unreachable);
        if (error instanceof DicomWebError && error.kind === 'tls' && new URL(server.baseUrl).protocol === 'https:') return certificateCheck(server, error.message);
        if (error instanceof DicomWebError) {
          const hint = error.kind === 'http' && error.status === 404 ? ` Is ${server.baseUrl} the DICOMweb root (often …/dicom-web)?` : '';
          return { ok: false, stage: error.kind === 'http' && error.status === 404 ? 'not-dicomweb' : error.kind, message: error.message + hint };
        }
        throw error;
      }
    },
    'servers.trustCertificate': async ({ id, sha256 }) => {
      const server = await serverOrFail(id);
      if (sha256 === null) {
        await store.call('setTrustedCertificate', server.id, null);
        await audit({ action: 'server.forget-certificate', detail: { serverId: server.id } });
        return summary({ ...server, trustedCertificatePem: null });
      }
      const url = new URL(server.baseUrl);
      if (url.protocol !== 'https:') throw new UserFacingError('conflict', `${url.host} is reached over plain http: there is no certificate to trust.`);
      // Fetched again here: what is trusted is what the server presents, never what a window sends.
      const presented = await presentedCertificate(url, 15_000).catch((error: unknown) => {
        throw new UserFacingError('conflict', `The certificate of ${url.host} could not be read (${error instanceof Error ? error.message : String(error)}).`);
      });
      if (presented.info.sha256 !== sha256) throw new UserFacingError('conflict', `${url.host} now presents another certificate (SHA-256 ${presented.info.sha256}) than the one you checked. Test the connection again and compare.`);
      if (presented.problemCode === null) throw new UserFacingError('conflict', `The certificate of ${url.host} is already trusted by this workstation: there is nothing to add.`);
      if (!presented.trustable) throw new UserFacingError('conflict', `The certificate of ${url.host} cannot be trusted: ${certificateProblem(presented.problemCode, presented.info)}.`);
      await store.call('setTrustedCertificate', server.id, presented.pem);
      await audit({ action: 'server.trust-certificate', detail: { serverId: server.id, sha256, problem: presented.problemCode } });
      // What was refused for the certificate may go now.
      if ((await store.call('retryParkedTransfersOf', server.id)) > 0) engine.kick();
      return summary({ ...server, trustedCertificatePem: presented.pem });
    },
    'sync.searchServer': async (query) => {
      const server = await serverOrFail(query.serverId);
      const client = serverClient(server, secrets, 30_000);
      const answer = await client
        .search('studies', {
          PatientName: query.patientName ? `${query.patientName}*` : undefined,
          PatientID: query.patientId ? `${query.patientId}*` : undefined,
          AccessionNumber: query.accession ? `${query.accession}*` : undefined,
          StudyDate: dateRange(query.dateFrom, query.dateTo),
          ModalitiesInStudy: query.modality || undefined,
          includefield: STUDY_FIELDS,
          offset: query.offset,
          limit: query.limit + 1,
        })
        .catch((error: unknown) => {
          throw error instanceof DicomWebError ? new UserFacingError('conflict', error.message) : error;
        });
      const page = answer.slice(0, query.limit);
      const studies = await remoteStudies(page);
      return { studies, more: answer.length > query.limit };
    },
    'sync.serverPriors': async ({ studyInstanceUid }) => {
      const patient = await store.call('studyPatient', studyInstanceUid);
      if (!patient) throw new UserFacingError('not-found', 'That study is not in the library.');
      const server = await store.call('getServer', undefined);
      // No server set up: nothing to look at, and nothing wrong.
      if (!server) return { server: null, studies: [] };
      const client = serverClient(server, secrets, 15_000);
      const found = await patientStudiesOnServer(client, patient, studyInstanceUid).catch((error: unknown) => {
        throw error instanceof DicomWebError ? new UserFacingError('conflict', `${server.name}: ${error.message}`) : error;
      });
      // Those wholly here are the library's priors already.
      const studies = (await remoteStudies(found)).filter((study) => !study.cached);
      return { server: { id: server.id, name: server.name }, studies };
    },
    'sync.checkAutoDownload': async ({ serverId }) => {
      const server = await serverOrFail(serverId);
      if (server.autoDownloadDays === 0) throw new UserFacingError('conflict', `${server.name} is not set to download new studies by itself.`);
      return autoDownloads.check(server).catch((error: unknown) => {
        throw error instanceof DicomWebError ? new UserFacingError('conflict', error.message) : error;
      });
    },
    'sync.upload': async ({ studyInstanceUid, serverId }) => {
      const server = await serverOrFail(serverId);
      const result = await queueStudyUpload(store, server.id, studyInstanceUid);
      if (!result) throw new UserFacingError('not-found', 'That study is not in the library.');
      await audit({ action: 'sync.upload-queued', subject: studyInstanceUid, detail: { serverId: server.id, ...result } });
      engine.kick();
      return result;
    },
    'sync.download': async ({ studyInstanceUids, serverId }) => {
      const server = await serverOrFail(serverId);
      const client = serverClient(server, secrets, 60_000);
      let queued = 0;
      let alreadyQueued = 0;
      const failed = (error: unknown) => {
        throw error instanceof DicomWebError ? new UserFacingError('conflict', error.message) : error;
      };
      for (const studyInstanceUid of studyInstanceUids) {
        // One study-level QIDO-RS (cheap): the study is there, how many instances it has, what it is.
        const [study] = await client.search('studies', { StudyInstanceUID: studyInstanceUid, includefield: STUDY_FIELDS }).catch(failed);
        if (!study) throw new UserFacingError('not-found', 'The server does not hold that study (any more).');
        const result = await queueStudyDownload({ store, audit }, server, client, study).catch(failed);
        queued += result.queued;
        alreadyQueued += result.alreadyQueued;
      }
      engine.kick();
      return { queued, alreadyQueued };
    },
    'sync.transfers': async (input) => ({ transfers: await store.call('listTransfers', input) }),
    'sync.transferGroups': async ({ limit }) => store.call('listTransferGroups', limit),
    'sync.retry': async ({ ids, groups }) => {
      const retried = await store.call('retryTransfers', ids, groups);
      if (retried > 0) await audit({ action: 'sync.retry', detail: { transfers: retried } });
      engine.kick();
      return { retried };
    },
    'sync.cancel': async ({ ids, groups }) => {
      const cancelled = await store.call('cancelTransfers', ids ?? [], groups);
      const running = cancelled.filter((transfer) => transfer.state === 'running').map((transfer) => transfer.id);
      if (cancelled.length > 0) await audit({ action: 'sync.cancel', detail: { transfers: cancelled.length, running: running.length } });
      // Not waited for: the rows are gone now, a stopped download winds down on its own.
      void engine.cancelRunning(running);
      return { cancelled: cancelled.length };
    },
    'sync.status': () => engine.status(),
  };
}
