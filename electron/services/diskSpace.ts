/**
 * Room on the library's disk. An import or a download stops before it fills the disk, keeping a
 * reserve free: with the disk full to the last byte SQLite cannot commit, so a report draft
 * could no longer be saved and the study list could not record what was just copied.
 * Runs in: every Node runtime (main thread and workers).
 */
import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { errorCode } from './errorCode';

/** Megabytes as the window counts them (10^6 bytes, as formatBytes in the renderer). */
const MB = 1_000_000;

/** The reserve: 5 % of the disk, at most 256 MB (a few days of drafts and rows on any disk). */
const RESERVE_SHARE = 0.05;
const RESERVE_MAX_BYTES = 256 * MB;

export interface DiskRoom {
  /** Bytes this process may still write (what the disk gives to an ordinary user). */
  freeBytes: number;
  /** Bytes kept free for the database and drafts. */
  reserveBytes: number;
}

/**
 * Null when the filesystem does not tell: some network and FUSE filesystems report no blocks at
 * all, and there the disk's own errors (ENOSPC) are the only word on it; imports are not refused
 * on a guess.
 */
export function roomOf(stats: { blocks: number; bsize: number; bavail: number }): DiskRoom | null {
  const totalBytes = stats.blocks * stats.bsize;
  if (!(totalBytes > 0)) return null;
  return { freeBytes: stats.bavail * stats.bsize, reserveBytes: Math.min(RESERVE_MAX_BYTES, Math.floor(totalBytes * RESERVE_SHARE)) };
}

/** The room on the disk of `folder`; null when it cannot be known (see roomOf). */
export async function diskRoomOf(folder: string): Promise<DiskRoom | null> {
  try {
    return roomOf(await statfs(folder));
  } catch {
    return null;
  }
}

/**
 * The room as the window shows it: low once less than four reserves are free (1 GB on a large
 * disk), so the person hears of it before imports and downloads stop. Null if it cannot be asked.
 */
export function libraryDiskOf(folder: string): { freeBytes: number; low: boolean } | null {
  try {
    const room = roomOf(statfsSync(folder));
    return room && { freeBytes: room.freeBytes, low: room.freeBytes < 4 * room.reserveBytes };
  } catch {
    return null;
  }
}

/** Thrown when writing more would eat into the reserve. Its message is for the person. */
export class LibraryDiskFullError extends Error {
  readonly code = 'LIBRARY_DISK_FULL';
  constructor(room: DiskRoom, neededBytes: number) {
    super(
      `the disk holding the library is full: ${formatMegabytes(room.freeBytes)} free, the next files need ${formatMegabytes(neededBytes)}, ` +
        `and ${formatMegabytes(room.reserveBytes)} is kept free for the database and report drafts`,
    );
  }
}

/**
 * Throws LibraryDiskFullError unless `neededBytes` fit on the disk of `folder` above the reserve
 * (or, with `useReserve`, at all: what the reserve is kept for, a report written here).
 */
export async function ensureRoomFor(folder: string, neededBytes: number, { useReserve = false }: { useReserve?: boolean } = {}): Promise<void> {
  const room = await diskRoomOf(folder);
  if (room && room.freeBytes - neededBytes < (useReserve ? 0 : room.reserveBytes)) throw new LibraryDiskFullError(room, neededBytes);
}

export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / MB;
  return `${megabytes >= 10 ? Math.round(megabytes).toLocaleString('en') : megabytes.toFixed(1)} MB`;
}

/** The library's disk is full (or over quota): a wait for room, not a fault to park. */
export function isLibraryDiskFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'LIBRARY_DISK_FULL' || code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT';
}

/**
 * What is wrong with the library's disk, when that is why a write failed (SQLite's or Node's
 * code: full, over quota, read-only, failing), worded for the person; null for anything else.
 * (EIO is not among them: on an import it is as likely the disc being read.)
 */
export function libraryDiskProblem(error: unknown): string | null {
  const code = errorCode(error);
  if (code === null) return null;
  // Our own check: its message has the figures and no path.
  if (code === 'LIBRARY_DISK_FULL' && error instanceof Error) return error.message;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return 'the disk holding the library is full';
  if (code === 'EDQUOT') return 'the disk quota of the library’s folder is used up';
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) return 'the library’s folder is read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'an input/output error on the library’s disk';
  return null;
}
