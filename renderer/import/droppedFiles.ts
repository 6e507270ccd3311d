/**
 * The files of a drop, folders included: walks dropped directories (a whole patient CD can be
 * dropped) and keeps each file's path inside the drop, so the CD's DICOMDIR still finds them.
 */
import type { DroppedFile } from '../api/transports';

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function collect(entry: FileSystemEntry, into: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ file, relativePath: entry.fullPath.replace(/^\/+/, '') });
    return;
  }
  if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in chunks (100 at a time in Chromium) until it returns none.
    for (let chunk = await readEntries(reader); chunk.length > 0; chunk = await readEntries(reader)) {
      for (const child of chunk) await collect(child, into);
    }
  }
}

export async function droppedFiles(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return Array.from(transfer.files).map((file) => ({ file, relativePath: file.name }));
  const files: DroppedFile[] = [];
  for (const entry of entries) await collect(entry, files);
  return files;
}
