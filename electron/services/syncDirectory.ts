/**
 * Makes a folder's entries durable (renames into it, files or folders made in it): fsync of the
 * folder itself, as POSIX asks. Windows cannot open a folder as a file (EISDIR) and NTFS
 * journals its entries itself, so there it is skipped. Beside it, the same for a file's data.
 * Runs in: every Node runtime (main thread and workers).
 */
import { open } from 'node:fs/promises';

export async function syncDirectory(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a file's written data durable (fdatasync): before it is renamed into place or named by an index. */
export async function syncFileData(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
