/**
 * A real Orthanc (Debian's `orthanc` + `orthanc-dicomweb`) for tests and benchmarks: its own
 * temporary storage, a free loopback port, DICOMweb at /dicom-web/, stopped by PID.
 *
 * Orthanc 1.10 has no bind-address setting: `RemoteAccessAllowed: false` makes it refuse every
 * client but this machine, and its DICOM (DIMSE) port is off unless a test asks for it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freeLoopbackPort } from './freePort';
import { makeTempDir } from './tempDir';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancOptions {
  /** user → password; when given, HTTP Basic authentication is required. */
  users?: Record<string, string>;
  /** Open the DIMSE port too (for storescu). */
  dicom?: boolean;
}

export interface OrthancServer {
  readonly baseUrl: string;
  readonly dicomWebUrl: string;
  readonly httpPort: number;
  /** The DIMSE port, when `dicom` was asked for. */
  readonly dicomPort: number | null;
  readonly aet: string;
  readonly pid: number;
  /** Headers to send (Basic auth of the first user, if any). */
  readonly authHeaders: Record<string, string>;
  log(): string;
  /** SIGKILL: a crash, storage kept. */
  kill(): Promise<void>;
  /** Start again on the same port and storage (after kill or stop). */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s) and remove the storage. */
  stop(): Promise<void>;
}

async function waitUntilAnswering(url: string, headers: Record<string, string>, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with code ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/system`, { headers });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Orthanc did not answer within ${timeoutMs} ms:\n${log()}`);
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startOrthanc(options: OrthancOptions = {}): Promise<OrthancServer> {
  for (const needed of [ORTHANC_BINARY, DICOMWEB_PLUGIN]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: install Debian's orthanc and orthanc-dicomweb (.ci/run does)`);
  }
  const temp = makeTempDir('orthanc');
  const httpPort = await freeLoopbackPort();
  const dicomPort = options.dicom ? await freeLoopbackPort() : null;
  const aet = 'LUMENTEST';
  const storage = path.join(temp.dir, 'storage');
  mkdirSync(storage);
  const users = options.users ?? {};
  const config = {
    Name: 'lumen-test',
    StorageDirectory: storage,
    IndexDirectory: storage,
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: Object.keys(users).length > 0,
    RegisteredUsers: users,
    DicomServerEnabled: dicomPort !== null,
    DicomPort: dicomPort ?? 4242,
    DicomAet: aet,
    SaveJobs: false,
    CheckRevisions: true,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Host: '127.0.0.1', Ssl: false },
  };
  const configFile = path.join(temp.dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const [firstUser] = Object.entries(users);
  const authHeaders: Record<string, string> = firstUser ? { Authorization: `Basic ${Buffer.from(`${firstUser[0]}:${firstUser[1]}`).toString('base64')}` } : {};
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  let output = '';
  let child: ChildProcess;

  const launch = async () => {
    child = spawn(ORTHANC_BINARY, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitUntilAnswering(baseUrl, authHeaders, child, () => output);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  };
  try {
    await launch();
  } catch (error) {
    temp.remove();
    throw error;
  }

  return {
    baseUrl,
    dicomWebUrl: `${baseUrl}/dicom-web`,
    httpPort,
    dicomPort,
    aet,
    get pid() {
      return child.pid ?? -1;
    },
    authHeaders,
    log: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exitOf(child);
    },
    restart: launch,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exitOf(child);
        clearTimeout(timer);
      }
      temp.remove();
    },
  };
}
