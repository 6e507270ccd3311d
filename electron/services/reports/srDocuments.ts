/**
 * Reading a study's DICOM SRs for their measurements, once each (see store/srDocumentStore.ts
 * and migrations/0005-sr-documents.ts). Files are read here; parsing happens in the report
 * worker; the result is recorded, and annotations restored, in one store transaction.
 * Runs in: the main process (Node).
 */
import { describeError, log } from '../../logging/log';
import { readInstanceAsPart10 } from '../instanceContent';
import { instanceFilePath } from '../instanceFiles';
import type { NewAuditEntry } from '../store/auditLog';
import type { SrReading } from '../store/srDocumentStore';
import type { StoreClient } from '../store/storeClient';
import type { WorkerClient } from '../workers/workerRpc';
import type { ReportWorkerApi } from './reportWorker';

export interface SrDocumentReaderOptions {
  store: StoreClient;
  instancesDir: string;
  reportWorker: () => Promise<WorkerClient<ReportWorkerApi>>;
  audit: (entry: Omit<NewAuditEntry, 'actor'>) => Promise<unknown>;
}

export class SrDocumentReader {
  constructor(private readonly options: SrDocumentReaderOptions) {}

  /** Reads the study's SRs that arrived since it was last listed; restores what can be drawn. */
  async readNew(studyInstanceUid: string): Promise<void> {
    const { store, audit } = this.options;
    for (const sopInstanceUid of await store.call('unreadSrDocuments', studyInstanceUid)) {
      const reading = await this.read(sopInstanceUid);
      const outcome = await store.call('recordSrDocument', studyInstanceUid, sopInstanceUid, reading, 'imported');
      if (!outcome) continue;
      // UIDs and counts only: finding text may name the patient.
      const detail: Record<string, string | number | boolean> = reading.ok ? { sopInstanceUid, restored: outcome.restored, listed: reading.report.groups.length } : { sopInstanceUid, unreadable: true };
      await audit({ action: 'annotation.import-sr', subject: studyInstanceUid, detail });
    }
  }

  /** Records a report this workstation wrote: read, but nothing to restore (the annotations are here). */
  async recordOurs(studyInstanceUid: string, sopInstanceUid: string): Promise<void> {
    await this.options.store.call('recordSrDocument', studyInstanceUid, sopInstanceUid, await this.read(sopInstanceUid), 'ours');
  }

  private async read(sopInstanceUid: string): Promise<SrReading> {
    try {
      const bytes = await readInstanceAsPart10(instanceFilePath(this.options.instancesDir, sopInstanceUid));
      if (!bytes) return { ok: false, error: 'The file of this report is missing from the library.' };
      const report = await (await this.options.reportWorker()).call('readMeasurementReport', bytes);
      return { ok: true, report };
    } catch (error) {
      log.warn('sr.unreadable', { sopInstanceUid, ...describeError(error) });
      return { ok: false, error: `This report could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
