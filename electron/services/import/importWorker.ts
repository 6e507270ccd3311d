/**
 * Worker-thread entry for imports: finds the files, reads and parses them, and writes the
 * accepted ones into the library — everything that touches the source media or the disk in bulk,
 * off the main thread. Runs in: Node worker_threads.
 *
 * Each file is read once, into memory (a patient disc is slow and may be ejected: copy first),
 * parsed from that buffer, and later written from the same buffer, so what lands in the library
 * is byte for byte what was on the disc.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { readInstanceHeader } from '../dicom/readHeader';
import { reportWorkerStartFailure, serveWorkerApi } from '../workers/workerRpc';
import { discoverSources } from './discoverSources';
import type { ParsedFile, SourceFile, StagedFile } from './importTypes';

/** Buffers of parsed files, held between parse and stage. */
const held = new Map<string, Buffer>();

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'unreadable (the file disappeared — was the disc ejected?)';
  if (code === 'EACCES' || code === 'EPERM') return 'unreadable (permission denied)';
  if (code === 'EIO') return 'unreadable (input/output error — a damaged disc?)';
  if (code === 'EISDIR') return 'not a file';
  return `unreadable (${code ?? String(error)})`;
}

/** Files read at once: enough to keep a disk or a disc drive busy, few enough to bound memory. */
const READS_AT_ONCE = 8;

async function readAndParse(source: SourceFile): Promise<ParsedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch (error) {
    return { source, ok: false, reason: describeReadError(error) };
  }
  let parsed: ReturnType<typeof readInstanceHeader>;
  try {
    parsed = readInstanceHeader(bytes);
  } catch (error) {
    parsed = { ok: false, reason: `unreadable DICOM (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!parsed.ok) return { source, ok: false, reason: parsed.reason };
  held.set(source.path, bytes);
  return { source: { ...source, size: bytes.length }, ok: true, header: parsed.header };
}

async function parseBatch(files: SourceFile[]): Promise<ParsedFile[]> {
  const results: ParsedFile[] = new Array<ParsedFile>(files.length);
  let next = 0;
  const reader = async () => {
    for (let index = next++; index < files.length; index = next++) {
      const source = files[index];
      if (source) results[index] = await readAndParse(source);
    }
  };
  await Promise.all(Array.from({ length: READS_AT_ONCE }, reader));
  return results;
}

/**
 * Writes the held files into the staging folder and makes them durable: all written first, then
 * all fsynced together, so the disk can group the flushes. Releases every held buffer.
 */
async function stageBatch(stagingDir: string, items: Array<{ source: string; finalPath: string }>): Promise<StagedFile[]> {
  await mkdir(stagingDir, { recursive: true });
  const handles: Array<{ staged: StagedFile; handle: Awaited<ReturnType<typeof open>> }> = [];
  try {
    for (const item of items) {
      if (!held.has(item.source)) throw new Error('a file to stage was not parsed in this batch');
      const tempPath = path.join(stagingDir, `${randomBytes(12).toString('hex')}.part`);
      handles.push({ staged: { source: item.source, tempPath, finalPath: item.finalPath }, handle: await open(tempPath, 'wx', 0o600) });
    }
    await Promise.all(handles.map(({ staged, handle }) => handle.writeFile(held.get(staged.source) ?? Buffer.alloc(0))));
    await Promise.all(handles.map(({ handle }) => handle.datasync()));
    return handles.map(({ staged }) => staged);
  } finally {
    await Promise.all(handles.map(({ handle }) => handle.close()));
    held.clear();
  }
}

/** Renames staged files into place, then fsyncs each folder once so the renames are durable. */
async function commitBatch(staged: StagedFile[]): Promise<void> {
  const folders = new Set(staged.map((file) => path.dirname(file.finalPath)));
  for (const folder of folders) await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const file of staged) await rename(file.tempPath, file.finalPath);
  await Promise.all(
    [...folders].map(async (folder) => {
      const handle = await open(folder, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
  );
}

async function removeFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map((file) => rm(file, { force: true })));
}

const importWorkerApi = {
  discover: (roots: string[]) => discoverSources(roots),
  parseBatch,
  stageBatch,
  commitBatch,
  removeFiles,
  emptyFolder: (folder: string) => rm(folder, { recursive: true, force: true }),
  release: () => held.clear(),
};
export type ImportWorkerApi = typeof importWorkerApi;

if (!parentPort) throw new Error('importWorker must run as a worker thread');
try {
  serveWorkerApi(parentPort, importWorkerApi);
} catch (error) {
  reportWorkerStartFailure(parentPort, error);
}
