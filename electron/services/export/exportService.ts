/**
 * Exporting studies to a folder as a DICOM disc: what a technician does to give a patient their
 * images on a CD or a USB stick, or to hand a study to another hospital. Checks the folder,
 * plans the files' names, and has the export worker copy them and write the DICOMDIR.
 * Runs in: main (Node).
 *
 * The folder must not already hold a disc (a DICOMDIR or a DICOM folder): nothing there is
 * overwritten or mixed into another disc's index.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExportSummary } from '../../../shared/api';
import { diskRoomOf, formatMegabytes } from '../diskSpace';
import { errorCode } from '../errorCode';
import { instanceFilePath } from '../instanceFiles';
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import { trackingUidFromAnnotationId } from '../reports/trackingUid';
import { UserFacingError } from '../userFacingError';
import { WorkerClient } from '../workers/workerRpc';
import { workerScriptUrl } from '../workers/workerScripts';
import type { ExportItem, ExportWorkerApi } from './exportWorker';

export interface ExportDependencies {
  store: StoreClient;
  instancesDir: string;
  /** The library's data directory: never a destination, nor inside one. */
  dataDirectory: string;
  audit(entry: Omit<NewAuditEntry, 'actor'>): Promise<void>;
}

/** PS3.12's general-purpose media: File ID components of up to 8 upper-case letters, digits and _. */
const component = (prefix: string, n: number): string => `${prefix}${String(n).padStart(8 - prefix.length, '0')}`;

/** The files of the studies, named ST…/SE…/IM… under DICOM/ in the studies' reading order, and their size. */
async function planItems(store: StoreClient, instancesDir: string, studyInstanceUids: readonly string[]): Promise<{ items: ExportItem[]; bytes: number }> {
  const items: ExportItem[] = [];
  let bytes = 0;
  for (const [studyIndex, studyInstanceUid] of studyInstanceUids.entries()) {
    const images = await store.call('studyImages', studyInstanceUid);
    if (!images) throw new UserFacingError('not-found', 'That study is not in the library (was it deleted?).');
    bytes += images.study.bytes;
    images.series.forEach((series, seriesIndex) => {
      (images.instancesBySeries[series.seriesInstanceUid] ?? []).forEach((instance, instanceIndex) => {
        items.push({
          sopInstanceUid: instance.sopInstanceUid,
          source: instanceFilePath(instancesDir, instance.sopInstanceUid),
          fileId: ['DICOM', component('ST', studyIndex + 1), component('SE', seriesIndex + 1), component('IM', instanceIndex + 1)],
        });
      });
    });
  }
  return { items, bytes };
}

/** The destination as given, made if missing; refused when it is a file, a disc already, or the library's. */
async function prepareDestination(destination: string, dataDirectory: string): Promise<string> {
  if (!path.isAbsolute(destination)) throw new UserFacingError('invalid-input', 'Give the folder’s full path (starting with / or a drive letter).');
  const folder = path.resolve(destination);
  const library = path.resolve(dataDirectory);
  if (folder === library || folder.startsWith(library + path.sep)) {
    throw new UserFacingError('conflict', 'That folder holds the library itself (or is inside it): choose another one.');
  }
  const found = await stat(folder).catch(() => null);
  if (found && !found.isDirectory()) throw new UserFacingError('conflict', 'That path is a file, not a folder.');
  if (!found) {
    try {
      await mkdir(folder, { recursive: true });
    } catch (error) {
      throw new UserFacingError('conflict', `The folder could not be made (${errorCode(error) ?? 'error'}).`);
    }
  }
  const entries = (await readdir(folder)).map((name) => name.toUpperCase());
  if (entries.includes('DICOMDIR') || entries.includes('DICOM')) {
    throw new UserFacingError('conflict', 'That folder already holds a DICOM disc (a DICOMDIR or a DICOM folder); nothing is overwritten. Choose an empty folder.');
  }
  return folder;
}

export async function exportStudies(deps: ExportDependencies, studyInstanceUids: readonly string[], destination: string): Promise<ExportSummary> {
  const unique = [...new Set(studyInstanceUids)];
  const { items, bytes: needed } = await planItems(deps.store, deps.instancesDir, unique);
  const folder = await prepareDestination(destination, deps.dataDirectory);
  const room = await diskRoomOf(folder);
  if (room && room.freeBytes < needed) {
    throw new UserFacingError('conflict', `Not enough room there: the export needs ${formatMegabytes(needed)}, ${formatMegabytes(room.freeBytes)} is free.`);
  }
  const worker = await WorkerClient.start<ExportWorkerApi>(workerScriptUrl('exportWorker'), null);
  try {
    // The DICOMDIR's own UID: UUID-derived (PS3.5 B.2), made as our SRs' are.
    const outcome = await worker.call('exportInstances', { destination: folder, items, fileSetId: 'LUMEN', dicomdirUid: trackingUidFromAnnotationId(randomUUID()) });
    const summary = { studies: unique.length, ...outcome };
    // No path in the audit row: a folder's name may carry the patient's.
    await deps.audit({ action: 'study.export', subject: unique[0], detail: { studies: unique.length, instances: outcome.exported, bytes: outcome.bytes, leftOut: outcome.leftOut.length, dicomdir: true } });
    return summary;
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    const code = errorCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new UserFacingError('conflict', 'The destination’s disk filled up during the export; the folder has no DICOMDIR, so it is not a disc yet. Free some space and export to an empty folder again.');
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UserFacingError('conflict', 'The destination refused the files (read-only or not allowed); nothing there is a disc yet.');
    throw error;
  } finally {
    await worker.terminate();
  }
}
