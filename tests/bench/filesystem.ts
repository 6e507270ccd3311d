/**
 * What filesystem a benchmark writes to (Linux /proc), because one property of it changes what
 * an import-vs-cp comparison measures: ext4 mounted without a journal refuses to reuse an inode
 * freed in the last 60 seconds (fs/ext4/ialloc.c, `recently_deleted`, checked only when
 * `s_journal == NULL`), and finds that out by scanning every such inode of the block group on
 * every file it creates. Deleting 2,000 files and creating 2,000 more right away then costs
 * seconds of kernel CPU, spent by whichever side of the comparison comes next.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FilesystemInfo {
  /** e.g. "ext4 without a journal on /dev/vda". */
  description: string;
  /** Inodes freed in the last minute are skipped, slowly (ext4 without a journal). */
  skipsRecentlyFreedInodes: boolean;
}

/** The mount that holds `target` (the longest mount point that is a prefix of it). */
function mountOf(target: string): { mountPoint: string; type: string; source: string } | null {
  const resolved = path.resolve(target);
  let best: { mountPoint: string; type: string; source: string } | null = null;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    const [before, after] = line.split(' - ');
    const mountPoint = before?.split(' ')[4];
    const [type, source] = after?.split(' ') ?? [];
    if (!mountPoint || !type || !source) continue;
    const inside = resolved === mountPoint || resolved.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
    if (inside && (!best || mountPoint.length > best.mountPoint.length)) best = { mountPoint, type, source };
  }
  return best;
}

export function filesystemOf(target: string): FilesystemInfo {
  if (process.platform !== 'linux') return { description: process.platform, skipsRecentlyFreedInodes: false };
  const mount = mountOf(target);
  if (!mount) return { description: 'unknown filesystem', skipsRecentlyFreedInodes: false };
  if (mount.type !== 'ext4') return { description: `${mount.type} on ${mount.source}`, skipsRecentlyFreedInodes: false };
  // jbd2 lists each journal it runs as /proc/fs/jbd2/<device>-<journal inode>.
  const device = path.basename(mount.source);
  const journalled = existsSync('/proc/fs/jbd2') && readdirSync('/proc/fs/jbd2').some((name) => name.startsWith(`${device}-`));
  return { description: `ext4 ${journalled ? 'with' : 'without'} a journal on ${mount.source}`, skipsRecentlyFreedInodes: !journalled };
}
