/**
 * The report requests: drafts, sign-off, addenda, the SR of a signed part, templates and the
 * signer's settings. Rules about what may change live in the store (store/reportStore.ts and
 * its triggers); this module adds the audit trail, the SR writing and the user's messages.
 * Runs in: the main process (Node).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import builtInTemplatesJson from '../../../resources/report-templates/templates.json';
import { type ListedReportTemplate, ReportTemplate, type StudyReport } from '../../../shared/api';
import type { RequestHandlers } from '../../api/apiRouter';
import { describeError, log } from '../../logging/log';
import type { ImportService } from '../import/importService';
import type { NewAuditEntry } from '../store/auditLog';
import type { StoreClient } from '../store/storeClient';
import { UserFacingError } from '../userFacingError';
import type { WorkerClient } from '../workers/workerRpc';
import type { ReportWorkerApi } from './reportWorker';
import { BASIC_TEXT_SR, type EvidenceInstance } from './reportSr';
import type { SrDocumentReader } from './srDocuments';

/** The templates shipped in resources/, checked once at start-up like any other input. */
const BUILT_IN_TEMPLATES: readonly ReportTemplate[] = ReportTemplate.array().parse(builtInTemplatesJson);

export interface ReportServiceOptions {
  store: StoreClient;
  importer: ImportService;
  srDocuments: SrDocumentReader;
  reportWorker: () => Promise<WorkerClient<ReportWorkerApi>>;
  uploadsDir: string;
  /** A signed report's SR is in the library: sync sends it to the servers. */
  onReportStored?: (sr: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string }) => Promise<void>;
  audit: (entry: Omit<NewAuditEntry, 'actor'>) => Promise<unknown>;
}

type ReportRequest =
  | 'reports.get'
  | 'reports.saveDraft'
  | 'reports.sign'
  | 'reports.addAddendum'
  | 'reports.exportSr'
  | 'reports.versions'
  | 'reports.templates'
  | 'reports.saveTemplate'
  | 'reports.resetTemplate'
  | 'settings.get'
  | 'settings.set';

const SIGNED_MESSAGE = 'This report is signed and final; changes go into an addendum.';

export function reportHandlers(options: ReportServiceOptions): Pick<RequestHandlers, ReportRequest> {
  const { store, audit } = options;

  async function listTemplates(): Promise<ListedReportTemplate[]> {
    const own = await store.call('userReportTemplates');
    const byId = new Map(own.map((template) => [template.id, template]));
    const builtIn = BUILT_IN_TEMPLATES.map((template) => ({ ...(byId.get(template.id) ?? template), builtIn: true, edited: byId.has(template.id) }));
    const builtInIds = new Set(BUILT_IN_TEMPLATES.map((template) => template.id));
    return [...builtIn, ...own.filter((template) => !builtInIds.has(template.id)).map((template) => ({ ...template, builtIn: false, edited: false }))];
  }

  /**
   * Writes a signed part as a Basic Text SR into the study, through the importer like any
   * received instance, so sync carries it. Returns the new report, or throws.
   */
  async function writeSr(studyInstanceUid: string, partId: string): Promise<StudyReport> {
    const [images, report, settings] = await Promise.all([store.call('studyImages', studyInstanceUid), store.call('getReport', studyInstanceUid), store.call('getSettings')]);
    if (!images) throw new UserFacingError('not-found', 'The study is not in the library, so its report cannot be stored with it (download it again first).');
    const part = report.parts.find((candidate) => candidate.id === partId);
    if (!part?.signedAt) throw new UserFacingError('conflict', 'Only a signed report is written as a DICOM SR.');
    if (part.srSopInstanceUid) return report;
    const instances = Object.entries(images.instancesBySeries).flatMap(([seriesInstanceUid, list]) => list.map((instance) => ({ seriesInstanceUid, sopClassUid: instance.sopClassUid, sopInstanceUid: instance.sopInstanceUid, frames: instance.frames })));
    const evidence: EvidenceInstance[] = instances.filter((instance) => instance.frames > 0);
    const previous = report.parts.find((candidate) => candidate.sequence === part.sequence - 1)?.srSopInstanceUid;
    const predecessor = instances.find((instance) => instance.sopInstanceUid === previous) ?? null;
    const seriesNumber = Math.max(0, ...images.series.map((series) => series.seriesNumber ?? 0)) + 1;
    const built = await (await options.reportWorker()).call('buildReportSr', {
      study: images.study,
      part,
      evidence,
      predecessor: predecessor ? { ...predecessor, sopClassUid: predecessor.sopClassUid || BASIC_TEXT_SR } : null,
      observerName: part.signedBy ?? settings.radiologistName,
      institutionName: settings.institutionName,
      seriesNumber,
    });
    const file = path.join(options.uploadsDir, `report-${randomUUID()}.dcm`);
    await mkdir(options.uploadsDir, { recursive: true });
    await writeFile(file, built.bytes, { mode: 0o600 });
    try {
      // The radiologist's report: it may use the disk's reserve, which is kept for it.
      const { summary } = await options.importer.importOwn([file], { writtenHere: true });
      if (summary.imported !== 1) throw new Error(`the report SR did not import (${summary.skipped[0]?.reason ?? summary.error ?? 'unknown reason'})`);
    } finally {
      await rm(file, { force: true });
    }
    await store.call('setReportPartSr', partId, built.sopInstanceUid);
    await options.srDocuments.recordOurs(studyInstanceUid, built.sopInstanceUid);
    await options.onReportStored?.({ studyInstanceUid, seriesInstanceUid: built.seriesInstanceUid, sopInstanceUid: built.sopInstanceUid });
    await audit({ action: 'report.sr-export', subject: studyInstanceUid, detail: { partId, sequence: part.sequence, sopInstanceUid: built.sopInstanceUid } });
    return store.call('getReport', studyInstanceUid);
  }

  return {
    'reports.get': async ({ studyInstanceUid }) => {
      // Reports that came with the study from elsewhere are read before it is shown.
      await options.srDocuments.readNew(studyInstanceUid);
      return store.call('getReport', studyInstanceUid);
    },
    'reports.saveDraft': async (input) => {
      const outcome = await store.call('saveReportDraft', input);
      switch (outcome.outcome) {
        case 'signed':
          throw new UserFacingError('conflict', SIGNED_MESSAGE);
        case 'not-found':
          throw new UserFacingError('not-found', 'That report is not in the library.');
        case 'conflict':
          return { outcome: 'conflict', current: outcome.current };
        case 'saved':
          // Ids and revisions only: the text is the patient's record, not the log's.
          if (outcome.created) await audit({ action: 'report.create', subject: input.studyInstanceUid, detail: { partId: input.partId } });
          if (outcome.newVersion) await audit({ action: 'report.edit', subject: input.studyInstanceUid, detail: { partId: input.partId, sequence: outcome.part.sequence, revision: outcome.part.revision, forced: input.force } });
          return { outcome: 'saved', part: outcome.part, status: outcome.status };
      }
    },
    'reports.sign': async ({ studyInstanceUid, partId, revision }) => {
      const { radiologistName } = await store.call('getSettings');
      if (!radiologistName) throw new UserFacingError('conflict', 'Enter your name in Settings first: it signs the report.');
      const signed = await store.call('signReportPart', studyInstanceUid, partId, revision, radiologistName);
      if (!signed.ok) {
        const messages = {
          'not-found': 'That report is not in the library.',
          signed: 'This part is already signed.',
          stale: 'The report changed since you last saw it (another window?); check the text and sign again.',
          empty: 'There is nothing to sign: write the findings or the impression first.',
        };
        throw new UserFacingError(signed.reason === 'not-found' ? 'not-found' : 'conflict', messages[signed.reason]);
      }
      await audit({ action: signed.part.sequence === 0 ? 'report.sign' : 'report.addendum-sign', subject: studyInstanceUid, detail: { partId, sequence: signed.part.sequence, revision } });
      // Signed is signed: an SR that cannot be written now is written later (reports.exportSr).
      try {
        return { report: await writeSr(studyInstanceUid, partId), srError: null };
      } catch (error) {
        log.error('report.sr-failed', { partId, ...describeError(error) });
        const message = error instanceof UserFacingError ? error.message : 'The DICOM SR could not be written; try again from the report panel.';
        return { report: await store.call('getReport', studyInstanceUid), srError: message };
      }
    },
    'reports.addAddendum': async ({ studyInstanceUid }) => {
      const partId = randomUUID();
      const outcome = await store.call('addReportAddendum', studyInstanceUid, partId);
      if (!outcome.ok) {
        throw new UserFacingError('conflict', outcome.reason === 'not-signed' ? 'Sign the report first; until then it can simply be edited.' : 'An addendum is already open: sign it before starting another.');
      }
      await audit({ action: 'report.addendum', subject: studyInstanceUid, detail: { partId, sequence: outcome.sequence } });
      return outcome.report;
    },
    'reports.exportSr': ({ studyInstanceUid, partId }) => writeSr(studyInstanceUid, partId),
    'reports.versions': ({ partId }) => store.call('reportVersions', partId),
    'reports.templates': () => listTemplates(),
    'reports.saveTemplate': async (template) => {
      await store.call('saveReportTemplate', template);
      await audit({ action: 'report.template-save', detail: { id: template.id } });
      return listTemplates();
    },
    'reports.resetTemplate': async ({ id }) => {
      if (await store.call('deleteReportTemplate', id)) await audit({ action: 'report.template-reset', detail: { id } });
      return listTemplates();
    },
    'settings.get': () => store.call('getSettings'),
    'settings.set': async (changes) => {
      const settings = await store.call('setSettings', changes);
      await audit({ action: 'settings.change', detail: { keys: Object.keys(changes).join(',') } });
      return settings;
    },
  };
}
