/**
 * The store's operations, as served by the store worker (the one writer) and called from main
 * through StoreClient. Each is a plain synchronous function over the open database.
 */
import type { AuditEntry, ReportTemplate, Settings, SrDocument, AuditPage, LibraryStats, StudyAnnotations, StudyDetail, StudyPage, StudySummary, TransferGroupKey, ValidatedInput } from '../../../shared/api';
import { instanceFilePath } from '../instanceFiles';
import { deleteAnnotation, listAnnotations, type SaveOutcome, saveAnnotation, setKeyImage } from './annotationStore';
import { appendAudit, type NewAuditEntry, queryAudit } from './auditLog';
import { type LibraryDatabase, schemaVersionOf } from './database';
import { priorStudies, searchStudies, studyDetail, studyPatient, studySummaries } from './librarySearch';
import { libraryDiskOf } from '../diskSpace';
import { readLibraryStats } from './libraryStats';
import * as reportStore from './reportStore';
import * as syncStore from './syncStore';
import { recordSrDocument, type SrReading, unreadSrDocuments } from './srDocumentStore';
import { type StudyImages, studyImages } from './studyImages';
import { listTransferGroups, openTransferIdsOfStudy, studyUploads, transferIdsOf } from './transferGroups';
import { addPendingFiles, clearPendingFiles, type DeletedStudy, deleteStudy, existingInstances, type InsertOutcome, insertInstances, type NewInstance, orphanedPendingFiles } from './libraryWrites';

export function createStoreApi(db: LibraryDatabase, instancesDir: string) {
  return {
    schemaVersion: (): number => schemaVersionOf(db),
    libraryStats: (): LibraryStats => ({ ...readLibraryStats(db), disk: libraryDiskOf(instancesDir) }),
    appendAudit: (entry: NewAuditEntry): AuditEntry => appendAudit(db, entry),
    queryAudit: (query: ValidatedInput<'audit.query'>): AuditPage => queryAudit(db, query),
    existingInstances: (uids: string[]): string[] => existingInstances(db, uids),
    addPendingFiles: (entries: Array<{ path: string; sopInstanceUid: string }>): void => addPendingFiles(db, entries),
    insertInstances: (instances: NewInstance[], downloadedFrom?: string): InsertOutcome => insertInstances(db, instances, new Date(), downloadedFrom),
    orphanedPendingFiles: (): string[] => orphanedPendingFiles(db),
    clearPendingFiles: (paths: string[]): void => clearPendingFiles(db, paths),
    searchStudies: (query: ValidatedInput<'library.searchStudies'>): StudyPage => searchStudies(db, query),
    studySummaries: (studyInstanceUids: string[]): StudySummary[] => studySummaries(db, studyInstanceUids),
    priorStudies: (studyInstanceUid: string): StudySummary[] | null => priorStudies(db, studyInstanceUid),
    studyPatient: (studyInstanceUid: string) => studyPatient(db, studyInstanceUid),
    studyDetail: (studyInstanceUid: string): StudyDetail | null => {
      const detail = studyDetail(db, studyInstanceUid);
      return detail && { ...detail, uploads: studyUploads(db, studyInstanceUid) };
    },
    studyImages: (studyInstanceUid: string): StudyImages | null => studyImages(db, studyInstanceUid),
    listAnnotations: (studyInstanceUid: string): StudyAnnotations => listAnnotations(db, studyInstanceUid),
    saveAnnotation: (input: ValidatedInput<'annotations.save'>): SaveOutcome => saveAnnotation(db, input, new Date().toISOString()),
    deleteAnnotation: (id: string) => deleteAnnotation(db, id),
    unreadSrDocuments: (studyInstanceUid: string): string[] => unreadSrDocuments(db, studyInstanceUid),
    recordSrDocument: (studyInstanceUid: string, sopInstanceUid: string, reading: SrReading, origin: SrDocument['origin']) => recordSrDocument(db, studyInstanceUid, sopInstanceUid, reading, origin, new Date().toISOString()),
    getReport: (studyInstanceUid: string) => reportStore.getReport(db, studyInstanceUid),
    saveReportDraft: (input: ValidatedInput<'reports.saveDraft'>) => reportStore.saveDraft(db, input, new Date().toISOString()),
    signReportPart: (studyInstanceUid: string, partId: string, revision: number, signedBy: string) => reportStore.signPart(db, studyInstanceUid, partId, revision, signedBy, new Date().toISOString()),
    setReportPartSr: (partId: string, sopInstanceUid: string): void => reportStore.setPartSr(db, partId, sopInstanceUid),
    reportPart: (partId: string) => reportStore.reportPart(db, partId),
    addReportAddendum: (studyInstanceUid: string, partId: string) => reportStore.addAddendum(db, studyInstanceUid, partId, new Date().toISOString()),
    reportVersions: (partId: string) => reportStore.listVersions(db, partId),
    userReportTemplates: (): ReportTemplate[] => reportStore.userTemplates(db),
    saveReportTemplate: (template: ReportTemplate): void => reportStore.saveTemplate(db, template, new Date().toISOString()),
    deleteReportTemplate: (id: string): boolean => reportStore.deleteTemplate(db, id),
    getSettings: (): Settings => reportStore.getSettings(db),
    setSettings: (changes: Partial<Settings>): Settings => reportStore.setSettings(db, changes),
    listServers: () => syncStore.listServers(db),
    getServer: (id: string | undefined) => syncStore.getServer(db, id),
    saveServer: (id: string, input: ValidatedInput<'servers.save'>) => syncStore.saveServer(db, id, input, new Date().toISOString()),
    deleteServer: (id: string): boolean => syncStore.deleteServer(db, id),
    markServerReached: (id: string): void => syncStore.markServerReached(db, id, new Date().toISOString()),
    setTrustedCertificate: (id: string, pem: string | null): boolean => syncStore.setTrustedCertificate(db, id, pem),
    /** By id, and every open transfer of the lines named. */
    cancelTransfers: (ids: number[], groups: TransferGroupKey[] = []): syncStore.CancelledTransfer[] =>
      syncStore.cancelTransfers(db, [...ids, ...transferIdsOf(db, groups, ['pending', 'running', 'parked'])]),
    /** A study being deleted here: its uploads cannot go any more, and its downloads are not wanted. */
    cancelStudyTransfers: (studyInstanceUid: string): syncStore.CancelledTransfer[] => syncStore.cancelTransfers(db, openTransferIdsOfStudy(db, studyInstanceUid)),
    retryParkedTransfersOf: (serverId: string): number => syncStore.retryParkedTransfersOf(db, serverId, new Date().toISOString()),
    enqueueTransfers: (serverId: string, direction: 'upload' | 'download', instances: syncStore.QueuedInstance[]) => syncStore.enqueueTransfers(db, serverId, direction, instances, new Date().toISOString()),
    enqueueStudyDownload: (serverId: string, studyInstanceUid: string, expected: number, label: syncStore.RemoteStudyLabel): boolean =>
      syncStore.enqueueStudyDownload(db, serverId, studyInstanceUid, expected, label, new Date().toISOString()),
    recordDownloadedInstances: (serverId: string, instances: syncStore.QueuedInstance[]): void => syncStore.recordDownloadedInstances(db, serverId, instances, new Date().toISOString()),
    studyInstanceCount: (studyInstanceUid: string): number => syncStore.studyInstanceCount(db, studyInstanceUid),
    claimDueTransfers: (batchSizes: Record<'upload' | 'download', number>) => syncStore.claimDueTransfers(db, batchSizes, new Date().toISOString()),
    finishTransfers: (outcomes: syncStore.TransferOutcome[]): void => syncStore.finishTransfers(db, outcomes, new Date().toISOString()),
    resetRunningTransfers: (): number => syncStore.resetRunningTransfers(db, new Date().toISOString()),
    /** Parked (or waiting) transfers by id and of the lines named; neither named: everything parked. */
    retryTransfers: (ids: number[] | undefined, groups?: TransferGroupKey[]): number =>
      syncStore.retryTransfers(db, ids === undefined && groups === undefined ? undefined : [...(ids ?? []), ...transferIdsOf(db, groups ?? [], ['pending', 'parked'])], new Date().toISOString()),
    listTransfers: (input: ValidatedInput<'sync.transfers'>) => syncStore.listTransfers(db, input.state, input.group, input.limit),
    listTransferGroups: (limit: number) => listTransferGroups(db, limit),
    transferCounts: () => syncStore.transferCounts(db),
    pruneDoneTransfers: (before: string, max: number): number => syncStore.pruneDoneTransfers(db, before, max),
    unseenAutoDownloads: (serverId: string, studyInstanceUids: string[]): string[] => syncStore.unseenAutoDownloads(db, serverId, studyInstanceUids),
    markAutoDownloaded: (serverId: string, studyInstanceUid: string): void => syncStore.markAutoDownloaded(db, serverId, studyInstanceUid, new Date().toISOString()),
    cachedInstanceCounts: (uids: string[]): Record<string, number> => syncStore.cachedInstanceCounts(db, uids),
    setKeyImage: (input: ValidatedInput<'keyImages.set'>): boolean => setKeyImage(db, input, new Date().toISOString()),
    deleteStudy: (studyInstanceUid: string): DeletedStudy => deleteStudy(db, studyInstanceUid, (uid) => instanceFilePath(instancesDir, uid)),
    /** Checkpoints the WAL and closes; the worker exits afterwards. */
    close: (): void => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

export type StoreApi = ReturnType<typeof createStoreApi>;
