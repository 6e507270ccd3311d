/**
 * What to import from the paths a person chose: files as they are, folders walked recursively —
 * except that a folder holding a DICOMDIR is read through it (a patient disc: its viewer
 * programs and autorun files are not patient data), reporting the files it names but lacks.
 * Runs in the import worker.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readDicomdirReferences } from '../dicom/dicomdir';
import { describeFileError } from './fileErrors';
import type { SkippedFile, SourceFile } from './importTypes';

export interface Discovery {
  files: SourceFile[];
  skipped: SkippedFile[];
}

export async function discoverSources(roots: readonly string[]): Promise<Discovery> {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();

  const addFile = (file: string, base: string, stats: Stats) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push({ path: file, display: path.relative(base, file) || path.basename(file), size: stats.size });
  };
  const skip = (file: string, base: string, reason: string) => skipped.push({ path: file, display: path.relative(base, file) || path.basename(file), reason });

  async function walk(dir: string, base: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skip(dir, base, `folder ${describeFileError(error)}`);
      return;
    }
    const dicomdir = entries.find((entry) => entry.isFile() && entry.name.toUpperCase() === 'DICOMDIR');
    if (dicomdir) {
      const dicomdirPath = path.join(dir, dicomdir.name);
      try {
        const references = readDicomdirReferences(dicomdirPath, readFileSync(dicomdirPath));
        for (const file of references.files) {
          try {
            addFile(file, base, statSync(file));
          } catch (error) {
            skip(file, base, describeFileError(error));
          }
        }
        for (const missing of references.missing) skip(path.join(dir, missing), base, 'listed in the DICOMDIR but missing from the disc');
        return;
      } catch {
        // An unreadable DICOMDIR must not hide the disc's images: walk the folder instead.
        skip(dicomdirPath, base, 'unreadable DICOMDIR; the folder was searched instead');
      }
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, base);
      else if (entry.isFile() && entry.name.toUpperCase() !== 'DICOMDIR') {
        try {
          addFile(full, base, statSync(full));
        } catch (error) {
          skip(full, base, describeFileError(error));
        }
      }
    }
  }

  for (const root of roots) {
    const absolute = path.resolve(root);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      skip(absolute, path.dirname(absolute), describeFileError(error));
      continue;
    }
    if (stats.isDirectory()) await walk(absolute, absolute);
    else if (path.basename(absolute).toUpperCase() === 'DICOMDIR') await walk(path.dirname(absolute), path.dirname(absolute));
    else addFile(absolute, path.dirname(absolute), stats);
  }
  return { files, skipped };
}
