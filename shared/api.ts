/**
 * The one contract between the renderer and the main side.
 *
 * Every request the renderer can make and every event it can receive is declared here with a
 * runtime schema. Main validates every input against these schemas before any service sees it
 * (electron/api/apiRouter.ts), whichever transport carried it: Electron IPC or the browser
 * host's HTTP API. The renderer only ever sees the types derived from them.
 */
import { z } from 'zod';
import { ACCEPTABLE_UID } from './dicom/uid';

const count = z.number().int().nonnegative();
const isoTimestamp = z.iso.datetime({ offset: true });

/** A request that takes no parameters still takes an (empty) object, so it can grow later. */
const NoInput = z.object({}).strict();

/** How the services were started: the Electron shell, the browser host, or the command line. */
export const AppMode = z.enum(['electron', 'host', 'cli']);
export type AppMode = z.infer<typeof AppMode>;

export const AppInfo = z.object({
  /** What this window can do beyond the common contract. */
  capabilities: z.object({
    /** Native "Import folder…/files…" dialogs (Electron); the browser host takes a typed path instead. */
    nativeFileDialogs: z.boolean(),
    /** Dropped files are sent to main over HTTP (browser host); Electron passes their paths instead. */
    uploads: z.boolean(),
  }),
  name: z.string(),
  version: z.string(),
  mode: AppMode,
  /**
   * Where the library lives, for the person to see (status bar, About). It is the user's own
   * setting, not a file reference: DICOM files are always addressed by UID, never by path.
   */
  dataDirectory: z.string(),
  schemaVersion: count,
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LibraryStats = z.object({
  patients: count,
  studies: count,
  series: count,
  instances: count,
  bytes: count,
  /**
   * Room on the library's disk (null when it cannot be asked). `low`: imports and downloads will
   * soon stop to keep the disk's reserve free (see README, "A full disk").
   */
  disk: z.object({ freeBytes: count, low: z.boolean() }).nullable(),
});
export type LibraryStats = z.infer<typeof LibraryStats>;

/** Audit actions are dotted lower-case words: `app.start`, `study.view`, `report.sign`. */
export const AuditAction = z.string().regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/, 'an action looks like "study.view"').max(64);

export const AuditQuery = z
  .object({
    action: AuditAction.optional(),
    /** A UID or other identifier the entry is about (never a name). */
    subject: z.string().min(1).max(128).optional(),
    since: isoTimestamp.optional(),
    until: isoTimestamp.optional(),
    /** Page backwards: only entries with an id below this one. */
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  at: isoTimestamp,
  actor: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  entries: z.array(AuditEntry),
  /** Pass as `beforeId` to get the next (older) page; null when this was the last. */
  nextBeforeId: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

/** A UID as found in real files (see shared/dicom/uid.ts); never used as a path as is. */
export const DicomUid = z.string().regex(ACCEPTABLE_UID, 'not a UID');

/** A calendar date as the study list shows and takes it. */
const isoDate = z.iso.date();

export const StudySortKey = z.enum(['date', 'name', 'patientId', 'accession', 'description', 'modality', 'instances', 'size', 'added']);
export type StudySortKey = z.infer<typeof StudySortKey>;

export const StudyQuery = z
  .object({
    /** Prefix of any part of the patient's name; case and accents are ignored. */
    patientName: z.string().trim().min(1).max(128).optional(),
    /** Prefix of the Patient ID (case ignored). */
    patientId: z.string().trim().min(1).max(64).optional(),
    /** Prefix of the Accession Number (case ignored). */
    accession: z.string().trim().min(1).max(64).optional(),
    dateFrom: isoDate.optional(),
    dateTo: isoDate.optional(),
    modality: z.string().trim().regex(/^[A-Z0-9]{1,16}$/, 'a modality looks like "CT"').optional(),
    /** Words (or word beginnings) of the study description. */
    description: z.string().trim().min(1).max(128).optional(),
    /** The worklist: studies without a report, with a draft, or signed ('final' includes amended). */
    reportStatus: z.enum(['unreported', 'draft', 'final']).optional(),
    sort: StudySortKey.default('date'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    offset: z.number().int().nonnegative().max(10_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type StudyQuery = z.input<typeof StudyQuery>;

export const StudySummary = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  patientBirthDate: z.string(),
  patientSex: z.string(),
  /** YYYY-MM-DD, or '' when the study has no date. */
  studyDate: z.string(),
  studyTime: z.string(),
  accessionNumber: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  seriesCount: count,
  instanceCount: count,
  bytes: count,
  /** Images flagged as key in this study. */
  keyImages: count,
  reportStatus: z.enum(['unreported', 'draft', 'final', 'amended']),
  /**
   * Images the server said the study has that are not here: its download was cut off or
   * cancelled (0 when complete, or when it did not come from a server).
   */
  missingInstances: count,
});
export type StudySummary = z.infer<typeof StudySummary>;

export const StudyPage = z.object({ total: count, offset: count, studies: z.array(StudySummary) });
export type StudyPage = z.infer<typeof StudyPage>;

export const SeriesSummary = z.object({
  seriesInstanceUid: z.string(),
  seriesNumber: z.number().int().nullable(),
  modality: z.string(),
  description: z.string(),
  bodyPart: z.string(),
  instanceCount: count,
});
export type SeriesSummary = z.infer<typeof SeriesSummary>;

/** Where a library study stands with one server it was queued to go to. */
export const StudyUpload = z.object({
  serverId: z.string(),
  serverName: z.string(),
  /** Instances: on the server (sent), still to go (waiting or being sent), refused. */
  sent: count,
  waiting: count,
  refused: count,
});
export type StudyUpload = z.infer<typeof StudyUpload>;

export const StudyDetail = z.object({
  study: StudySummary,
  series: z.array(SeriesSummary),
  /** Its uploads, by server: a technician sees whether the archive has it before deleting it here. */
  uploads: z.array(StudyUpload),
});
export type StudyDetail = z.infer<typeof StudyDetail>;

/** One image file of a series as the viewer loads it: pixels by URL, never by path. */
export const ViewerInstance = z.object({
  sopInstanceUid: z.string(),
  instanceNumber: z.number().int().nullable(),
  /** Number of frames (1 for single-frame images, 0 for objects without pixel data). */
  frames: count,
  /**
   * Where the file's bytes come from: `dicom://instance/<uid>` in Electron, `/dicom/instance/<uid>`
   * (same origin, cookie-authenticated) in the browser host.
   */
  url: z.string(),
});
export type ViewerInstance = z.infer<typeof ViewerInstance>;

export const ViewerSeries = SeriesSummary.extend({
  /** In reading order: Instance Number, then Slice Location. */
  instances: z.array(ViewerInstance),
});
export type ViewerSeries = z.infer<typeof ViewerSeries>;

export const ViewerStudy = z.object({
  study: StudySummary,
  series: z.array(ViewerSeries),
  /** Where to POST for many instances' files in one answer (shared/instanceBundle.ts): `dicom://bundle/` or `/dicom/bundle`. */
  bundleUrl: z.string(),
});
export type ViewerStudy = z.infer<typeof ViewerStudy>;

/** The drawing tools; the viewer maps them onto cornerstone-tools. */
export const AnnotationTool = z.enum(['length', 'angle', 'cobbAngle', 'ellipseRoi', 'rectangleRoi', 'arrow', 'probe']);
export type AnnotationTool = z.infer<typeof AnnotationTool>;

/** How a measurement's distances were calibrated (never a fake millimetre). */
export const Calibration = z.enum(['pixel-spacing', 'imager-pixel-spacing', 'uncalibrated']);
export type Calibration = z.infer<typeof Calibration>;

const ImagePoint = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();

export const AnnotationInput = z
  .object({
    /** Made by the renderer (a UUID), so that a repeated save is an update, not a copy. */
    id: z.string().uuid(),
    studyInstanceUid: DicomUid,
    seriesInstanceUid: DicomUid,
    sopInstanceUid: DicomUid,
    /** 0-based frame of a multi-frame instance; 0 otherwise. */
    frame: z.number().int().nonnegative().max(100_000),
    tool: AnnotationTool,
    /** Named points (start, end, middle…) in image pixel coordinates. */
    handles: z.record(z.string().regex(/^[a-zA-Z0-9]{1,16}$/), ImagePoint).refine((h) => Object.keys(h).length >= 1 && Object.keys(h).length <= 8, 'an annotation has 1 to 8 points'),
    /** Text the reader typed (arrow labels); may be empty. */
    label: z.string().max(1024),
    /** Values as shown, e.g. { length: { value: 42.1, unit: 'mm' } }. */
    measurement: z
      .record(z.string().regex(/^[a-zA-Z]{1,24}$/), z.object({ value: z.number().finite(), unit: z.string().max(16) }).strict())
      .refine((m) => Object.keys(m).length <= 12, 'at most 12 values'),
    calibration: Calibration,
  })
  .strict();
export type AnnotationInput = z.input<typeof AnnotationInput>;

export const StoredAnnotation = AnnotationInput.extend({ createdAt: isoTimestamp, updatedAt: isoTimestamp });
export type StoredAnnotation = z.infer<typeof StoredAnnotation>;

export const KeyImage = z.object({ sopInstanceUid: z.string(), frame: count });
export type KeyImage = z.infer<typeof KeyImage>;

export const SrMeasurementValue = z.object({ name: z.string(), value: z.number(), unit: z.string() });
export type SrMeasurementValue = z.infer<typeof SrMeasurementValue>;

/** One measurement group (TID 1501) of a DICOM SR, as the report gives it. */
export const SrMeasurementGroup = z.object({
  trackingId: z.string(),
  trackingUid: z.string(),
  finding: z.string(),
  findingSite: z.string(),
  values: z.array(SrMeasurementValue),
  /** The image its coordinates point at (0-based frame), when it names one. */
  image: z.object({ sopInstanceUid: z.string(), frame: count }).nullable(),
});
export type SrMeasurementGroup = z.infer<typeof SrMeasurementGroup>;

export const SrTextSection = z.object({ title: z.string(), text: z.string() });
export type SrTextSection = z.infer<typeof SrTextSection>;

/**
 * A DICOM SR of the study, read once when the study is first opened after it arrived.
 * Measurements drawn by a cornerstone-based viewer (ours included) are restored as annotations
 * (`restored`); everything else is listed in `groups` with its values.
 */
export const SrDocument = z.object({
  sopInstanceUid: z.string(),
  title: z.string(),
  observer: z.string(),
  contentDate: z.string(),
  /** 'ours': written by this workstation from annotations it already has. */
  origin: z.enum(['ours', 'imported']),
  restored: count,
  groups: z.array(SrMeasurementGroup),
  /** Its text by section (a report's Findings, Impressions…). */
  sections: z.array(SrTextSection),
  /** Completion COMPLETE and Verification VERIFIED: a signed report. */
  verified: z.boolean(),
  /** Why the document could not be read, or null. */
  error: z.string().nullable(),
});
export type SrDocument = z.infer<typeof SrDocument>;

export const StudyAnnotations = z.object({ annotations: z.array(StoredAnnotation), keyImages: z.array(KeyImage), srDocuments: z.array(SrDocument) });
export type StudyAnnotations = z.infer<typeof StudyAnnotations>;

/** How urgent the findings are, as the radiologist grades them. */
export const ReportSeverity = z.enum(['normal', 'minor', 'significant', 'critical']);
export type ReportSeverity = z.infer<typeof ReportSeverity>;

const reportText = z.string().max(200_000);

/** What the radiologist writes: the same fields in the report and in each addendum. */
export const ReportContent = z
  .object({
    findings: reportText,
    impression: reportText,
    recommendations: reportText,
    severity: ReportSeverity.or(z.literal('')),
    /** The template it was started from ('' when none). */
    templateId: z.string().max(64),
  })
  .strict();
export type ReportContent = z.infer<typeof ReportContent>;

export const ReportPart = ReportContent.extend({
  id: z.string().uuid(),
  /** 0 is the report; 1, 2… its addenda in order. */
  sequence: count,
  /** Saves so far; a save names the revision it started from. */
  revision: count,
  signedAt: isoTimestamp.nullable(),
  signedBy: z.string().nullable(),
  /** The DICOM SR written from the signed text, once it is in the library. */
  srSopInstanceUid: z.string().nullable(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type ReportPart = z.infer<typeof ReportPart>;

export const ReportStatus = z.enum(['unreported', 'draft', 'final', 'amended']);
export type ReportStatus = z.infer<typeof ReportStatus>;

export const StudyReport = z.object({
  studyInstanceUid: z.string(),
  status: ReportStatus,
  parts: z.array(ReportPart),
  /**
   * Reports of this study that this workstation did not write (received with the study from a
   * server, or imported): shown beside ours, never merged into it or overwriting it.
   */
  elsewhere: z.array(SrDocument),
});
export type StudyReport = z.infer<typeof StudyReport>;

export const ReportVersion = ReportContent.omit({ templateId: true }).extend({
  revision: count,
  /** Which editing window saved it (a random id per window). */
  editor: z.string(),
  startedAt: isoTimestamp,
  savedAt: isoTimestamp,
});
export type ReportVersion = z.infer<typeof ReportVersion>;

export const ReportTemplate = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a template id looks like "ct-chest"'),
    name: z.string().trim().min(1).max(128),
    /** '' for any modality / body part. */
    modality: z.string().max(16),
    bodyPart: z.string().max(64),
    findings: reportText,
    impression: reportText,
    recommendations: reportText,
  })
  .strict();
export type ReportTemplate = z.infer<typeof ReportTemplate>;

export const ListedReportTemplate = ReportTemplate.extend({
  /** Shipped in resources/; `edited` when the user has changed it here. */
  builtIn: z.boolean(),
  edited: z.boolean(),
});
export type ListedReportTemplate = z.infer<typeof ListedReportTemplate>;

export const Settings = z.object({
  /** Signs reports: the verifying observer of their SRs. */
  radiologistName: z.string().trim().max(128),
  institutionName: z.string().trim().max(128),
});
export type Settings = z.infer<typeof Settings>;

/** How a DICOMweb server wants to be authenticated. */
export const ServerAuth = z.enum(['none', 'basic', 'bearer']);
export type ServerAuth = z.infer<typeof ServerAuth>;

const httpUrl = z
  .string()
  .trim()
  .url()
  .max(2048)
  .refine((value) => /^https?:\/\//i.test(value), 'the address starts with http:// or https://');

export const ServerInput = z
  .object({
    /** Absent for a new server. */
    id: z.string().uuid().optional(),
    name: z.string().trim().min(1).max(128),
    /** The DICOMweb root, e.g. https://pacs.example/dicom-web. */
    baseUrl: httpUrl,
    auth: ServerAuth,
    username: z.string().max(256).default(''),
    /** Password or token; absent keeps the stored one, '' removes it. */
    secret: z.string().max(8192).optional(),
    isDefault: z.boolean().default(false),
    /** Send every imported study up by itself (for technicians). */
    autoUpload: z.boolean().default(false),
    /**
     * Download the server's studies of the last N days (by Study Date) by themselves as they
     * appear, for reading offline (for reading rooms); 0 is off.
     */
    autoDownloadDays: z.number().int().min(0).max(3650).default(0),
    /** With each study downloaded by itself, that patient's N most recent earlier studies (priors). */
    autoDownloadPriors: z.number().int().min(0).max(10).default(0),
  })
  .strict();
export type ServerInput = z.input<typeof ServerInput>;

/** A SHA-256 certificate fingerprint as Node and browsers show it: 32 hex pairs joined by colons. */
export const CertificateFingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint (AB:CD:…)');

/** A server's TLS certificate as a person checks it before trusting it. */
export const CertificateInfo = z.object({
  sha256: CertificateFingerprint,
  subject: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const ServerSummary = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  auth: ServerAuth,
  username: z.string(),
  hasSecret: z.boolean(),
  isDefault: z.boolean(),
  autoUpload: z.boolean(),
  autoDownloadDays: count,
  autoDownloadPriors: count,
  lastSuccessAt: isoTimestamp.nullable(),
  /**
   * A certificate the person chose to trust for this server (self-signed, or from an authority
   * this workstation does not know), or null: only certificates trusted the usual way.
   */
  trustedCertificate: CertificateInfo.nullable(),
});
export type ServerSummary = z.infer<typeof ServerSummary>;

export const ConnectionCheck = z.object({
  ok: z.boolean(),
  /** Which step failed, or 'ok'. */
  stage: z.enum(['ok', 'dns', 'refused', 'tls', 'timeout', 'network', 'auth', 'not-dicomweb', 'http', 'no-secret']),
  message: z.string(),
  /**
   * When the TLS certificate was refused: the certificate the server presented, and whether it
   * can be trusted for this server (not when it has expired or is not valid yet).
   */
  certificate: CertificateInfo.extend({ trustable: z.boolean() }).optional(),
});
export type ConnectionCheck = z.infer<typeof ConnectionCheck>;

export const TransferState = z.enum(['pending', 'running', 'done', 'parked']);
export type TransferState = z.infer<typeof TransferState>;

export const Transfer = z.object({
  id: count,
  serverId: z.string(),
  direction: z.enum(['upload', 'download']),
  /** 'study': a whole study downloaded in one answer (`sopInstanceUid` then holds the Study Instance UID). */
  scope: z.enum(['instance', 'study']),
  /** For a whole-study download: how many instances the server said the study has. */
  expected: count.nullable(),
  sopInstanceUid: z.string(),
  studyInstanceUid: z.string(),
  state: TransferState,
  attempts: count,
  nextAttemptAt: isoTimestamp,
  lastError: z.string().nullable(),
  updatedAt: isoTimestamp,
});
export type Transfer = z.infer<typeof Transfer>;

/** Which transfers make one line of the transfers list: one study, one server, one direction. */
export const TransferGroupKey = z
  .object({
    serverId: z.string().uuid(),
    direction: z.enum(['upload', 'download']),
    studyInstanceUid: DicomUid,
  })
  .strict();
export type TransferGroupKey = z.infer<typeof TransferGroupKey>;

/**
 * A study's transfers to or from one server, as one line: what the study is, how far it got,
 * what waits or was refused and why. What a technician checks ("did the CT go up?") instead
 * of a row per instance.
 */
export const TransferGroup = TransferGroupKey.extend({
  serverName: z.string(),
  /**
   * What the study is: from the library when it is here, else what the server said when its
   * download was asked for; null when neither knows (a study deleted here since).
   */
  study: z
    .object({
      patientName: z.string(),
      patientId: z.string(),
      studyDate: z.string(),
      studyDescription: z.string(),
      modalities: z.array(z.string()),
    })
    .nullable(),
  /** The study is in the library (some of it, at least): it can be opened from the line. */
  inLibrary: z.boolean(),
  /** The line's state: something running; else waiting (new, or retrying after a failure); else refused; else done. */
  state: z.enum(['running', 'waiting', 'refused', 'done']),
  /** Instances: uploads sent, or downloads here (in the library now). */
  completed: count,
  /** Instances in all: uploads queued; for a download, how many the server said (else the rows known). */
  total: count,
  /** Instance transfers still waiting, running, or refused (a whole-study download counts as one). */
  waiting: count,
  running: count,
  refused: count,
  /** When the next try is due, for a line waiting after a failure. */
  nextAttemptAt: isoTimestamp.nullable(),
  /** Why transfers of this line failed, most frequent first (refusals, and failures being retried). */
  problems: z.array(z.object({ reason: z.string(), count: count.min(1), refused: z.boolean() })),
  firstAt: isoTimestamp,
  lastAt: isoTimestamp,
});
export type TransferGroup = z.infer<typeof TransferGroup>;

export const SyncStatus = z.object({
  /** The default server's: 'unknown' until it has been reached or missed since start. */
  connection: z.enum(['online', 'offline', 'unknown']),
  /** The other servers that did not answer the last time they were tried, by name. */
  unreachableServers: z.array(z.string()),
  pending: count,
  running: count,
  parked: count,
  lastSuccessAt: isoTimestamp.nullable(),
  lastError: z.string().nullable(),
  /** Whole studies streaming in now: instances landed so far, of how many the server said. */
  downloading: z.object({ studies: count, instances: count, expected: count }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** A study on a server, as its QIDO-RS search describes it. */
export const RemoteStudy = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  accessionNumber: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  instanceCount: count.nullable(),
  /** How many of its instances the local library holds (0: none). */
  instancesHere: count,
  /** All of it is in the local library: as many instances as the server has (or any, when the server does not say). */
  cached: z.boolean(),
});
export type RemoteStudy = z.infer<typeof RemoteStudy>;

export const SkippedFile = z.object({
  /** Relative to the folder that was imported; never a full path. */
  file: z.string(),
  reason: z.string(),
});
export type SkippedFile = z.infer<typeof SkippedFile>;

/** 'waiting': a person's import queued behind the workstation's own (a study downloading). */
export const ImportPhase = z.enum(['waiting', 'discovering', 'importing', 'finished', 'cancelled', 'failed']);
export type ImportPhase = z.infer<typeof ImportPhase>;

export const ImportProgress = z.object({
  jobId: z.string(),
  phase: ImportPhase,
  filesTotal: count,
  filesDone: count,
  bytesTotal: count,
  bytesDone: count,
  imported: count,
  alreadyPresent: count,
  skipped: count,
  elapsedSeconds: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  /** null until the rate is known. */
  etaSeconds: z.number().nonnegative().nullable(),
  /**
   * Bytes an import may write on the library's disk (free, less the reserve kept for the
   * database and drafts), as it was when the files had been found; null before, or not known.
   * Less than bytesTotal: the import may stop when the disk is full (files already in the
   * library take no room, so it is a warning, not a refusal).
   */
  roomBytes: count.nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/** How many of an import's studies its summary lists (a folder of thousands is counted, not listed). */
export const IMPORT_SUMMARY_STUDIES = 100;

export const ImportSummary = z.object({
  jobId: z.string(),
  phase: ImportPhase,
  imported: count,
  alreadyPresent: count,
  skipped: z.array(SkippedFile),
  /**
   * Files found but not looked at or not written because the import stopped (cancelled, or an
   * error such as a full disk). Importing the same folder again takes them; what is in stays.
   */
  notImported: count,
  /** Studies the imported and already-present files belong to. */
  studies: count,
  /**
   * Those studies as the list shows them (the first IMPORT_SUMMARY_STUDIES, newest first), so
   * the technician sees whose CD it was and opens it from the summary.
   */
  studyList: z.array(StudySummary),
  seconds: z.number().nonnegative(),
  /** What went wrong when phase is 'failed'. */
  error: z.string().nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

interface RequestSpec {
  input: z.ZodType;
  output: z.ZodType;
}

/** What an export to a disc folder did. */
export const ExportSummary = z.object({
  studies: count,
  /** Instances written and listed in the DICOMDIR. */
  exported: count,
  /** Bytes written, DICOMDIR included. */
  bytes: count,
  /** Instances not exported, each with why. */
  leftOut: z.array(z.object({ sopInstanceUid: z.string(), reason: z.string() })),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

export const requests = {
  'app.info': { input: NoInput, output: AppInfo },
  'library.stats': { input: NoInput, output: LibraryStats },
  'audit.query': { input: AuditQuery, output: AuditPage },
  'library.searchStudies': { input: StudyQuery, output: StudyPage },
  'library.studyDetail': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: StudyDetail },
  /**
   * The same patient's other studies here (same Patient ID and issuer), newest first, to compare
   * with: none when the study has no Patient ID. Not found when the study is not in the library.
   */
  'library.priorStudies': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: z.object({ studies: z.array(StudySummary) }) },
  /**
   * Deletes a study and its files here. Its transfers not done yet are cancelled first: uploads
   * (their files are going; the window warns before, from StudyDetail.uploads) and downloads (a
   * study streaming in stops, and nothing of it comes back after the delete).
   */
  'library.deleteStudy': {
    input: z.object({ studyInstanceUid: DicomUid }).strict(),
    output: z.object({ deletedInstances: count, freedBytes: count, cancelledUploads: count, cancelledDownloads: count }),
  },
  /**
   * Copies studies into a folder as a DICOM disc (DICOM/ST…/SE…/IM… and a DICOMDIR), for a CD or
   * a USB stick; the folder must not hold a disc already. Typed path: the browser host and the CLI.
   */
  'library.exportStudies': {
    input: z.object({ studyInstanceUids: z.array(DicomUid).min(1).max(100), folder: z.string().min(1).max(4096) }).strict(),
    output: ExportSummary,
  },
  /** The same into a folder chosen in the native dialog (Electron only); null if cancelled. */
  'library.exportStudiesChoose': {
    input: z.object({ studyInstanceUids: z.array(DicomUid).min(1).max(100) }).strict(),
    output: ExportSummary.nullable(),
  },
  /** Everything the viewer needs to open a study; writes a `study.view` audit row. */
  'viewer.openStudy': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: ViewerStudy },
  /**
   * A study's annotations and key images, oldest first, and its DICOM SRs' measurements. SRs
   * that arrived since the last call are read first (their drawable measurements restored).
   */
  'annotations.list': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: StudyAnnotations },
  /** Creates or updates one annotation (by its id); writes an audit row either way. */
  'annotations.save': { input: AnnotationInput, output: StoredAnnotation },
  'annotations.delete': { input: z.object({ id: z.string().uuid() }).strict(), output: z.object({ deleted: z.boolean() }) },
  /**
   * Writes the study's measurements as a DICOM SR (TID 1500) into the library, as a new series
   * of the study. `leftOut` counts annotations the report cannot carry (probes).
   */
  'annotations.exportSr': {
    input: z.object({ studyInstanceUid: DicomUid }).strict(),
    output: z.object({ sopInstanceUid: z.string(), measurements: count, leftOut: count }),
  },
  /** Flags an image (instance + frame) as key, or takes the flag off. */
  'keyImages.set': {
    input: z.object({ studyInstanceUid: DicomUid, sopInstanceUid: DicomUid, frame: z.number().int().nonnegative().max(100_000), key: z.boolean() }).strict(),
    output: z.object({ key: z.boolean() }),
  },
  /** A study's report: its parts (report and addenda) and status. */
  'reports.get': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: StudyReport },
  /**
   * Saves a draft. `baseRevision` is the revision the text was edited from (0 for a report
   * not yet saved): when the stored one is newer, nothing is written and the answer is a
   * conflict carrying the stored part. `force` overwrites it (the person chose to).
   */
  'reports.saveDraft': {
    input: z
      .object({
        studyInstanceUid: DicomUid,
        partId: z.string().uuid(),
        baseRevision: count,
        editor: z.string().uuid(),
        content: ReportContent,
        force: z.boolean().default(false),
      })
      .strict(),
    output: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('saved'), part: ReportPart, status: ReportStatus }),
      z.object({ outcome: z.literal('conflict'), current: ReportPart }),
    ]),
  },
  /** Signs a part as it is at `revision` (what the radiologist sees); it is final from then on. */
  'reports.sign': {
    input: z.object({ studyInstanceUid: DicomUid, partId: z.string().uuid(), revision: count }).strict(),
    output: z.object({ report: StudyReport, srError: z.string().nullable() }),
  },
  /** Starts an addendum to a signed report (at most one unsigned at a time). */
  'reports.addAddendum': { input: z.object({ studyInstanceUid: DicomUid }).strict(), output: StudyReport },
  /** Writes the SR of a signed part again when writing it at sign-off failed. */
  'reports.exportSr': { input: z.object({ studyInstanceUid: DicomUid, partId: z.string().uuid() }).strict(), output: StudyReport },
  /** The saved versions of one part, newest first. */
  'reports.versions': { input: z.object({ partId: z.string().uuid() }).strict(), output: z.array(ReportVersion) },
  'reports.templates': { input: NoInput, output: z.array(ListedReportTemplate) },
  'reports.saveTemplate': { input: ReportTemplate, output: z.array(ListedReportTemplate) },
  /** Forgets the user's edits of a built-in template, or deletes the user's own. */
  'reports.resetTemplate': { input: z.object({ id: ReportTemplate.shape.id }).strict(), output: z.array(ListedReportTemplate) },
  'settings.get': { input: NoInput, output: Settings },
  'settings.set': { input: Settings.partial().strict(), output: Settings },
  /** The configured servers, and how their secrets are kept (with a note when not in the OS keychain). */
  'servers.list': { input: NoInput, output: z.object({ servers: z.array(ServerSummary), secretStorage: z.object({ kind: z.enum(['os-keychain', 'user-file']), note: z.string() }) }) },
  'servers.save': { input: ServerInput, output: ServerSummary },
  'servers.delete': { input: z.object({ id: z.string().uuid() }).strict(), output: z.object({ deleted: z.boolean() }) },
  /** Tries the server and says precisely what failed: DNS, refused, TLS, 401, not DICOMweb… */
  'servers.test': { input: z.object({ id: z.string().uuid() }).strict(), output: ConnectionCheck },
  /**
   * Trusts the certificate the server presents now, for this server only, if its fingerprint is
   * the one the person checked (main fetches it again; the window never supplies a certificate).
   * null forgets the trusted certificate.
   */
  'servers.trustCertificate': { input: z.object({ id: z.string().uuid(), sha256: CertificateFingerprint.nullable() }).strict(), output: ServerSummary },
  /** Searches the server's studies (QIDO-RS), marking those already in the library. */
  'sync.searchServer': {
    input: z
      .object({
        serverId: z.string().uuid().optional(),
        patientName: z.string().trim().max(128).optional(),
        patientId: z.string().trim().max(64).optional(),
        accession: z.string().trim().max(64).optional(),
        dateFrom: isoDate.optional(),
        dateTo: isoDate.optional(),
        modality: z.string().trim().regex(/^[A-Z0-9]{0,16}$/).optional(),
        offset: count.max(100_000).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    output: z.object({ studies: z.array(RemoteStudy), more: z.boolean() }),
  },
  /**
   * The patient's other studies on the default server that the library does not hold wholly
   * (same Patient ID; issuer as in the auto-download), newest first: priors to fetch. `server`
   * is null when none is set up. Not found when the study is not in the library.
   */
  'sync.serverPriors': {
    input: z.object({ studyInstanceUid: DicomUid }).strict(),
    output: z.object({ server: z.object({ id: z.string(), name: z.string() }).nullable(), studies: z.array(RemoteStudy) }),
  },
  /**
   * Looks for the server's new studies now (those of its last auto-download days not seen
   * before) and queues them; otherwise done every few minutes by itself.
   */
  'sync.checkAutoDownload': { input: z.object({ serverId: z.string().uuid() }).strict(), output: z.object({ found: count, queued: count }) },
  /** Queues a study's instances for upload (STOW-RS); queuing again adds nothing. */
  'sync.upload': { input: z.object({ studyInstanceUid: DicomUid, serverId: z.string().uuid().optional() }).strict(), output: z.object({ queued: count, alreadyQueued: count }) },
  /** Queues studies for download (WADO-RS) into the library, for reading offline. */
  'sync.download': {
    input: z.object({ studyInstanceUids: z.array(DicomUid).min(1).max(500), serverId: z.string().uuid().optional() }).strict(),
    output: z.object({ queued: count, alreadyQueued: count }),
  },
  /** The outbox and inbox, newest first: all of it, or one study's line of the transfers list. */
  'sync.transfers': {
    input: z.object({ state: TransferState.optional(), group: TransferGroupKey.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ transfers: z.array(Transfer) }),
  },
  /** The queue by study, server and direction: lines with work left first, then the latest. */
  'sync.transferGroups': {
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.object({ groups: z.array(TransferGroup), more: z.boolean() }),
  },
  /** Gives parked transfers (all; or the ones named; or those of the lines named) another try now. */
  'sync.retry': {
    input: z.object({ ids: z.array(count).max(10_000).optional(), groups: z.array(TransferGroupKey).min(1).max(500).optional() }).strict(),
    output: z.object({ retried: count }),
  },
  /**
   * Takes transfers out of the queue, by id or by whole lines of the transfers list: waiting,
   * refused, or running (a study download streaming in is stopped; what arrived whole stays in
   * the library). Done ones stay as the record.
   */
  'sync.cancel': {
    input: z
      .object({ ids: z.array(count).min(1).max(10_000).optional(), groups: z.array(TransferGroupKey).min(1).max(500).optional() })
      .strict()
      .refine((input) => input.ids !== undefined || input.groups !== undefined, 'name the transfers (ids) or the lines (groups) to cancel'),
    output: z.object({ cancelled: count }),
  },
  'sync.status': { input: NoInput, output: SyncStatus },
  /** Imports files and folders by path (typed or dropped in the browser host; the CLI). */
  'import.start': {
    input: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict(),
    output: z.object({ jobId: z.string() }),
  },
  /** Shows the native dialog (Electron only) and imports what was chosen; null if cancelled. */
  'import.choose': {
    input: z.object({ kind: z.enum(['folder', 'files']) }).strict(),
    output: z.object({ jobId: z.string() }).nullable(),
  },
  /** Browser host: a place to send dropped files to (PUT /api/upload/<uploadId>/<relative path>). */
  'import.beginUpload': { input: NoInput, output: z.object({ uploadId: z.string() }) },
  /** Browser host: import what was sent; the uploaded copies are removed afterwards. */
  'import.finishUpload': { input: z.object({ uploadId: z.string().uuid() }).strict(), output: z.object({ jobId: z.string() }) },
  'import.cancel': { input: z.object({ jobId: z.string().max(64) }).strict(), output: z.object({ cancelling: z.boolean() }) },
  /** The running import's progress, or the last one's summary, so a reloaded window catches up. */
  'import.status': { input: NoInput, output: z.object({ running: ImportProgress.nullable(), last: ImportSummary.nullable() }) },
} as const satisfies Record<string, RequestSpec>;

export type RequestName = keyof typeof requests;
/** What the caller passes (defaults not yet applied). */
export type RequestInput<N extends RequestName> = z.input<(typeof requests)[N]['input']>;
/** What the handler receives after validation (defaults applied). */
export type ValidatedInput<N extends RequestName> = z.output<(typeof requests)[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<(typeof requests)[N]['output']>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export const events = {
  /** The library's counts changed (also sent once to every new subscriber). */
  'library.changed': LibraryStats,
  /** An audit row was written. Carries no PHI: the id, the action and the time. */
  'audit.appended': z.object({ id: z.number().int().positive(), action: z.string(), at: isoTimestamp }),
  /** An import's counters, at most a few times a second. */
  'import.progress': ImportProgress,
  /** An import ended (finished, cancelled or failed), with every skipped file and its reason. */
  'import.finished': ImportSummary,
  /** Sync's connection and queue counts changed. */
  'sync.status': SyncStatus,
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
export type WorkstationEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];

export const WorkstationEvent = z.union(
  (Object.keys(events) as EventName[]).map((name) => z.object({ name: z.literal(name), payload: events[name] })),
);

export const ApiErrorCode = z.enum([
  /** The request name is not part of this contract. */
  'unknown-request',
  /** The input did not match the request's schema. */
  'invalid-input',
  /** The transport refused the caller (bad token, foreign origin, unknown frame). */
  'forbidden',
  /** The request was valid but cannot be done in the current state (e.g. a signed report). */
  'conflict',
  'not-found',
  /**
   * The library's disk refused a write (full, over quota, read-only, failing); the message says
   * which. Reads still work; the write can be tried again once the disk is fixed.
   */
  'library-disk',
  /** Anything unexpected; the details are in main's log, not here. */
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiError = z.object({ code: ApiErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ApiResultEnvelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError }),
]);
