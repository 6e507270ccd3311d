/**
 * Reading a DICOMDIR (the index of a DICOM disc, PS3.10/PS3.11): the files its IMAGE and other
 * instance records point to. Referenced File IDs are written in upper case with `\` between
 * components (ISO 9660 rules), while the disc may have been copied onto a case-sensitive file
 * system in another case — so each component is matched against the directory case-insensitively.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { Tag } from '../../../shared/dicom/tags';

export interface DicomdirReferences {
  /** Absolute paths of the referenced files that exist. */
  files: string[];
  /** Referenced File IDs (as written) that were not found on disk. */
  missing: string[];
}

function resolveCaseInsensitive(root: string, components: string[], listings: Map<string, string[]>): string | null {
  let current = root;
  for (const component of components) {
    let entries = listings.get(current);
    if (!entries) {
      try {
        entries = readdirSync(current);
      } catch {
        return null;
      }
      listings.set(current, entries);
    }
    const wanted = component.toUpperCase();
    const match = entries.find((entry) => entry === component) ?? entries.find((entry) => entry.toUpperCase() === wanted);
    if (!match) return null;
    current = path.join(current, match);
  }
  return current;
}

export function readDicomdirReferences(dicomdirFile: string, bytes: Buffer): DicomdirReferences {
  const dataSet = dicomParser.parseDicom(bytes);
  const records = dataSet.elements[Tag.DirectoryRecordSequence]?.items ?? [];
  const root = path.dirname(dicomdirFile);
  const listings = new Map<string, string[]>();
  const files: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const fileId = record.dataSet?.string(Tag.ReferencedFileID)?.trim();
    if (!fileId) continue;
    const components = fileId.split('\\').map((component) => component.trim()).filter(Boolean);
    const resolved = resolveCaseInsensitive(root, components, listings);
    if (resolved === null) missing.push(components.join('/'));
    else if (!seen.has(resolved)) {
      seen.add(resolved);
      files.push(resolved);
    }
  }
  return { files, missing };
}
