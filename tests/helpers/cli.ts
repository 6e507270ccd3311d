/** Runs the built CLI (`node dist/node/cli.mjs`) as `npm run cli` does. */
import { spawn } from 'node:child_process';
import { builtFile } from './paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtFile('node/cli.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ImportJson {
  imported: number;
  alreadyPresent: number;
  skipped: Array<{ file: string; reason: string }>;
  studies: number;
  seconds: number;
  error?: string;
}

export async function cliImport(dataDir: string, paths: string[]): Promise<ImportJson> {
  const run = await runCli(['import', ...paths, '--data-dir', dataDir, '--json']);
  if (run.code !== 0) throw new Error(`cli import exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ImportJson;
}
