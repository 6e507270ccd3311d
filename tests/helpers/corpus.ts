/** The team's DICOM corpus and what its manifest says about each file. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir } from './paths';

export interface ManifestFile {
  file: string;
  size: number;
  sha256: string;
  part10: boolean;
  sop_class: string | null;
  modality: string | null;
  study_uid: string | null;
  series_uid: string | null;
  sop_uid: string | null;
  dcmdump_rc: number;
}

export function readManifest(): ManifestFile[] {
  return (JSON.parse(readFileSync(path.join(corpusDir, 'MANIFEST.json'), 'utf8')) as { files: ManifestFile[] }).files;
}

/**
 * Files the library must take: DCMTK reads them (dcmdump exit 0), they carry the three UIDs the
 * library is organised by, and they are instances (not the DICOMDIR index of a disc).
 */
export function isImportable(file: ManifestFile): boolean {
  return file.dcmdump_rc === 0 && Boolean(file.study_uid && file.series_uid && file.sop_uid) && !/directory/i.test(file.sop_class ?? '') && !/(^|\/)DICOMDIR$/.test(file.file);
}

/** The patient name MANIFEST.md gives for the patient CD (`PatientName is `…``). */
export function manifestPatientNameOfCd(): string {
  const markdown = readFileSync(path.join(corpusDir, 'MANIFEST.md'), 'utf8');
  const match = /PatientName is `([^`]+)`/.exec(markdown);
  if (!match?.[1]) throw new Error('MANIFEST.md no longer states the CD patient name');
  return match[1];
}

export const corpusPath = (relative: string) => path.join(corpusDir, relative);

/** The 201-file real set: the 134-slice CT series and the patient CD (read through its DICOMDIR). */
export const ctAndCdFolders = (): string[] => [corpusPath('ct-series/pancreas-ct-cbct-seg'), corpusPath('dicomdir/wakasa-mr-lspine-cd')];

/** The SOP Instance UIDs an import of ctAndCdFolders() must end with. */
export function ctAndCdUids(): Set<string> {
  return new Set(
    readManifest()
      .filter((file) => isImportable(file) && (file.file.startsWith('ct-series/') || file.file.startsWith('dicomdir/')))
      .flatMap((file) => (file.sop_uid ? [file.sop_uid] : [])),
  );
}
