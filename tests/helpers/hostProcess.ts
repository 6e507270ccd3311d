/**
 * Starts the built browser host (`node dist/node/host.mjs`) as a real child process, the way
 * `npm run host` does, and waits for its `HOST READY <url>` line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { builtFile } from './paths';

export interface HostProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Everything the host wrote on stderr so far (its log). */
  stderr(): string;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/** How the host's command line is run: as is, or inside something (see smallDisk.ts). */
export type HostLauncher = (command: string, args: string[]) => { command: string; args: string[] };

export function startHostProcess(dataDir: string, extraArgs: string[] = [], timeoutMs = 30_000, launcher?: HostLauncher): Promise<HostProcess> {
  const plain = { command: process.execPath, args: [builtFile('node/host.mjs'), '--data-dir', dataDir, ...extraArgs] };
  const launch = launcher ? launcher(plain.command, plain.args) : plain;
  const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not print HOST READY within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (code ${code}) before it was ready; stderr:\n${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^HOST READY (\S+)$/m.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const url = new URL(match[1]);
      resolve({
        child,
        url: match[1],
        origin: url.origin,
        port: Number(url.port),
        token: url.searchParams.get('token') ?? '',
        stderr: () => stderr,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
