/**
 * Queuing a server's study for download, from its QIDO-RS study answer: asked for by a person
 * (sync.download) or by the automatic download (autoDownload.ts).
 * Runs in: the main process (Node).
 */
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import type { StoredServer } from '../store/syncStore';
import { type DicomWebClient, jsonString } from './dicomwebClient';

/** A study as a QIDO-RS search answers it (DICOM JSON). */
export type QidoStudy = Record<string, { Value?: unknown[] } | undefined>;

/**
 * What a study search asks for beyond QIDO-RS's default return attributes (PS3.18 table
 * 6.7.1-2a), which leave out Study Description: Number of Study Related Instances, Study
 * Description. (Orthanc answers without a description unless it is asked for.) Sent as the key
 * repeated: see DicomWebClient.url.
 */
export const STUDY_FIELDS = ['00201208', '00081030'];

export interface StudyDownloadOptions {
  store: StoreClient;
  audit: (entry: Omit<NewAuditEntry, 'actor'>) => Promise<unknown>;
}

/**
 * Queues one study (one row for the whole study: streamed in when new here, completed instance
 * by instance otherwise), recording how many instances the server holds and what it says the
 * study is. Does not start the engine: the caller kicks it once for all it queued.
 * @returns the instances queued now, and those already queued or here
 */
export async function queueStudyDownload(options: StudyDownloadOptions, server: StoredServer, client: DicomWebClient, study: QidoStudy, automatic = false): Promise<{ queued: number; alreadyQueued: number }> {
  const studyInstanceUid = jsonString(study, '0020000D');
  let onServer = Number(jsonString(study, '00201208'));
  // Number of Study Related Instances is optional in QIDO-RS: counted the long way when missing.
  if (!Number.isInteger(onServer) || onServer < 0) onServer = (await client.search(`studies/${studyInstanceUid}/instances`, {})).length;
  const here = await options.store.call('studyInstanceCount', studyInstanceUid);
  const label = {
    patientName: jsonString(study, '00100010'),
    patientId: jsonString(study, '00100020'),
    studyDate: jsonString(study, '00080020'),
    studyDescription: jsonString(study, '00081030'),
    modalities: (study['00080061']?.Value ?? []).filter((value): value is string => typeof value === 'string'),
  };
  const started = await options.store.call('enqueueStudyDownload', server.id, studyInstanceUid, onServer, label);
  const missing = started ? Math.max(0, onServer - here) : 0;
  await options.audit({ action: 'sync.download-queued', subject: studyInstanceUid, detail: { serverId: server.id, onServer, here, alreadyRunning: !started, automatic } });
  return { queued: missing, alreadyQueued: onServer - missing };
}
