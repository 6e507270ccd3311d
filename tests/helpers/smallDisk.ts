/**
 * Runs commands with a small disk of their own: a tmpfs of the given size mounted in a private
 * mount namespace (`unshare`), so a full disk is real (statfs, ENOSPC, SQLITE_FULL) without
 * touching the machine's disks or mounts. The namespace, and the tmpfs, end with the script.
 * Needs `unshare` (util-linux) and user namespaces (root, or unprivileged user namespaces).
 */
import { spawn } from 'node:child_process';
import type { HostLauncher } from './hostProcess';

const UNSHARE = ['--user', '--map-root-user', '--mount'];

function mountCommand(sizeMb: number): string {
  return `mount -t tmpfs -o size=${sizeMb}m,mode=0700 lumen-small-disk "$DISK"`;
}

/**
 * Runs a process (the host) with a small disk mounted on `mountPoint`, seen by it alone. The
 * process replaces the shell (exec), so its pid and signals are the host's own.
 */
export function onSmallDisk(mountPoint: string, sizeMb: number): HostLauncher {
  return (command, args) => ({
    command: 'unshare',
    args: [...UNSHARE, '/bin/sh', '-c', `set -e; DISK='${mountPoint}'; ${mountCommand(sizeMb)}; exec "$@"`, 'small-disk', command, ...args],
  });
}

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * @param mountPoint an existing empty folder; the tmpfs is mounted on it inside the namespace
 * @param script shell commands, run after the mount; `$DISK` is the mount point. `resize_disk
 *   MB` grows (or shrinks) the tmpfs in place.
 */
export function withSmallDisk(mountPoint: string, sizeMb: number, script: string, env: Record<string, string> = {}): Promise<ScriptRun> {
  const whole = [
    'set -e',
    mountCommand(sizeMb),
    'resize_disk() { mount -o remount,size="$1"m "$DISK"; }',
    script,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', [...UNSHARE, '/bin/sh', '-c', whole], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, DISK: mountPoint },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
