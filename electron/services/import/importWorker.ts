/**
 * Worker-thread entry for imports: finds the files, reads and parses them, and writes the
 * accepted ones into the library — everything that touches the source media or the disk in bulk,
 * off the main thread. Runs in: Node worker_threads.
 *
 * Each file's head is read and parsed, then the file is copied by the kernel, so 1 GB of images
 * never passes through JavaScript's memory: cloned where the filesystem can share blocks
 * copy-on-write (APFS, Btrfs, XFS: instant, and safe since a change to either copy unshares
 * them), else copied byte for byte (copy_file_range on Linux). `cp` does the same. A disc ejected
 * half-way is reported per file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { mapConcurrently } from '../../../shared/concurrency';
import { needsWholeFile, readInstanceHeader } from '../dicom/readHeader';
import { libraryDiskProblem } from '../diskSpace';
import { syncDirectory, syncFileData } from '../syncDirectory';
import { reportWorkerStartFailure, serveWorkerApi } from '../workers/workerRpc';
import { discoverSources } from './discoverSources';
import { describeFileError } from './fileErrors';
import type { ParsedFile, ReceivedFile, SourceFile, StagedFile, StagedReceivedFile, StageOutcome } from './importTypes';

/**
 * How much of each file is read to parse its header. Headers of images are a few KB; a file
 * whose header goes on longer (big sequences, no pixel data, deflated) is read whole.
 */
const HEAD_BYTES = 64 * 1024;

const VANISHED = 'unreadable (the file disappeared — was the disc ejected?)';

/** Files read at once: enough to keep a disk or a disc drive busy, few enough to bound memory. */
const READS_AT_ONCE = 8;

async function readAndParse(source: SourceFile): Promise<ParsedFile> {
  let handle: FileHandle;
  try {
    handle = await open(source.path, 'r');
  } catch (error) {
    return { source, ok: false, reason: describeFileError(error, VANISHED) };
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const file = {
      size,
      async readAt(position: number, length: number) {
        const bytes = Buffer.alloc(length);
        const { bytesRead } = await handle.read(bytes, 0, length, position);
        return bytes.subarray(0, bytesRead);
      },
    };
    let parsed = await readInstanceHeader(head, file);
    if (needsWholeFile(parsed)) parsed = await readInstanceHeader(await handle.readFile());
    if (needsWholeFile(parsed) || !parsed.ok) return { source, ok: false, reason: parsed.reason };
    return { source: { ...source, size }, ok: true, header: parsed.header };
  } catch (error) {
    return { source, ok: false, reason: error instanceof Error && 'code' in error ? describeFileError(error, VANISHED) : `unreadable DICOM (${String(error)})` };
  } finally {
    await handle.close();
  }
}

function parseBatch(files: SourceFile[]): Promise<ParsedFile[]> {
  return mapConcurrently(files, READS_AT_ONCE, readAndParse);
}

/**
 * Copies the accepted files into the staging folder (the kernel copies; nothing passes through
 * JavaScript) and makes them durable: all copied first, then all fsynced together, so the disk
 * can group the flushes. A file that cannot be read, or changed size since it was parsed, is
 * reported and left out; the others go on. The library's disk failing (full, read-only) is not
 * the file's fault: the batch's staged files are removed and the error stops the import.
 */
async function stageBatch(stagingDir: string, items: Array<{ source: string; finalPath: string; size: number }>): Promise<StageOutcome> {
  await mkdir(stagingDir, { recursive: true });
  const staged: StagedFile[] = [];
  const failed: Array<{ source: string; reason: string }> = [];
  const disk: { error: Error | null } = { error: null };
  await Promise.all(
    items.map(async (item) => {
      const tempPath = path.join(stagingDir, `${randomBytes(12).toString('hex')}.part`);
      try {
        await copyFile(item.source, tempPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
        const handle = await open(tempPath, 'r+');
        try {
          if ((await handle.stat()).size !== item.size) throw Object.assign(new Error('changed'), { code: 'CHANGED' });
          await handle.datasync();
        } finally {
          await handle.close();
        }
        staged.push({ source: item.source, tempPath, finalPath: item.finalPath });
      } catch (error) {
        await rm(tempPath, { force: true });
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (libraryDiskProblem(error) !== null) disk.error ??= error as NodeJS.ErrnoException;
        else failed.push({ source: item.source, reason: code === 'CHANGED' ? 'changed while it was being imported (still being written?)' : describeFileError(error, VANISHED) });
      }
    }),
  );
  if (disk.error) {
    await discardStaged(staged.map((file) => file.tempPath));
    throw disk.error;
  }
  return { staged, failed };
}

/**
 * Received files (a download): each is parsed from memory and, if it is a complete instance,
 * written to the staging folder and fsynced, all of the batch at once.
 */
async function stageReceived(stagingDir: string, files: ReceivedFile[]): Promise<StagedReceivedFile[]> {
  await mkdir(stagingDir, { recursive: true });
  return Promise.all(
    files.map(async (file): Promise<StagedReceivedFile> => {
      // Across the thread boundary a Buffer arrives as a plain Uint8Array: viewed, not copied.
      const bytes = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
      const size = bytes.byteLength;
      const parsed = await readInstanceHeader(bytes);
      if (needsWholeFile(parsed) || !parsed.ok) return { display: file.display, size, ok: false, reason: parsed.reason };
      const tempPath = path.join(stagingDir, `${randomBytes(12).toString('hex')}.part`);
      try {
        await writeFile(tempPath, bytes, { flag: 'wx', mode: 0o600 });
        await syncFileData(tempPath);
        return { display: file.display, size, ok: true, header: parsed.header, tempPath };
      } catch (error) {
        await rm(tempPath, { force: true });
        // The library's disk, not the file: full, read-only, failing. Stops the import.
        throw error;
      }
    }),
  );
}

/** Removes staged files that turned out not to be needed (already in the library). */
async function discardStaged(tempPaths: string[]): Promise<void> {
  await Promise.all(tempPaths.map((tempPath) => rm(tempPath, { force: true })));
}

/**
 * Library folders this worker has made (or found) already: not asked of the disk again. (A
 * study deleted later takes its files, never the 256 shard folders.)
 */
const madeFolders = new Set<string>();

/** Renames staged files into place, then fsyncs each folder once so the renames are durable. */
async function commitBatch(staged: StagedFile[]): Promise<void> {
  const folders = new Set(staged.map((file) => path.dirname(file.finalPath)));
  await Promise.all([...folders].filter((folder) => !madeFolders.has(folder)).map(async (folder) => {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    madeFolders.add(folder);
  }));
  await Promise.all(
    staged.map(async (file) => {
      try {
        await rename(file.tempPath, file.finalPath);
      } catch (error) {
        // The folder went away behind this worker's back: made again, and tried once more.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(path.dirname(file.finalPath), { recursive: true, mode: 0o700 });
        await rename(file.tempPath, file.finalPath);
      }
    }),
  );
  await Promise.all([...folders].map((folder) => syncDirectory(folder)));
}

const importWorkerApi = {
  discover: (roots: string[]) => discoverSources(roots),
  parseBatch,
  stageBatch,
  stageReceived,
  discardStaged,
  commitBatch,
};
export type ImportWorkerApi = typeof importWorkerApi;

if (!parentPort) throw new Error('importWorker must run as a worker thread');
try {
  serveWorkerApi(parentPort, importWorkerApi);
} catch (error) {
  reportWorkerStartFailure(parentPort, error);
}
