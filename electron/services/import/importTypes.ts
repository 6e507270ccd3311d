import type { InstanceHeader } from '../dicom/instanceHeader';

/** A file to import: where it is, how to name it to the person, how big it is. */
export interface SourceFile {
  path: string;
  /** Relative to the folder the person chose (or the file's name), for messages and lists. */
  display: string;
  size: number;
}

export interface SkippedFile {
  /** The file's full path (for the CLI and logs on this machine). */
  path: string;
  /** Relative to the chosen folder — what the renderer shows. */
  display: string;
  reason: string;
}

export type ParsedFile = { source: SourceFile; ok: true; header: InstanceHeader } | { source: SourceFile; ok: false; reason: string };

export interface StagedFile {
  source: string;
  tempPath: string;
  finalPath: string;
}

export interface StageOutcome {
  staged: StagedFile[];
  /** Files that could not be copied (or changed since they were parsed), with the reason. */
  failed: Array<{ source: string; reason: string }>;
}

/** An instance received whole in memory (downloaded from a server), to be written into the library. */
export interface ReceivedFile {
  /** How to name it to the person (where it came from): no path on this machine. */
  display: string;
  bytes: Uint8Array;
}

/** A received file parsed and written, fsynced, to the staging folder — or why it was refused. */
export type StagedReceivedFile = { display: string; size: number; ok: true; header: InstanceHeader; tempPath: string } | { display: string; size: number; ok: false; reason: string };

/** Which instance, of which series and study: what an import reports as now in the library. */
export interface InstanceKey {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
}
