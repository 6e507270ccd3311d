/** Timing whole processes for benchmarks, and watching their peak memory. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface TimedRun {
  seconds: number;
  /** Highest resident set size seen (VmHWM), in MB. */
  peakRssMb: number;
  stdout: string;
}

function peakRssOf(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Runs a command to completion; fails on a non-zero exit. */
export function timeProcess(command: string, args: string[], options: { cwd?: string } = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const watch = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, peakRssOf(child.pid) || 0);
    }, 20);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearInterval(watch);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${command} ${args.slice(0, 3).join(' ')}… exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ seconds, peakRssMb: peak, stdout });
    });
  });
}

/** `sh -c`, for pipelines such as `cp -r … && sync`. */
export const timeShell = (script: string) => timeProcess('/bin/sh', ['-c', script]);

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Waits until a process has used under 5 ms of CPU in 100 ms: a freshly started app has
 * finished starting (its workers loaded), as it has when a person first clicks in it.
 */
export async function untilIdle(pid: number): Promise<void> {
  for (let last = cpuMsOf(pid); ; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = cpuMsOf(pid);
    if (now - last < 5) return;
    last = now;
  }
}
