/**
 * The importing process is SIGKILLed at several points of an import of the CT series and the
 * patient CD. After each kill the next start finds a consistent library with no orphan files,
 * and re-running the import completes exactly the set a clean import gives.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliImport, runCli } from '../helpers/cli';
import { ctAndCdFolders, ctAndCdUids } from '../helpers/corpus';
import { checkLibrary } from '../helpers/libraryCheck';
import { builtFile } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

const sources = ctAndCdFolders();
const expectedUids = ctAndCdUids();

/** When to kill: a time after the import reports having started, or once the library holds more instances than it did. */
type KillPoint = { afterMs: number } | { afterInstances: number };

/** How many instances the library's database holds (0 while it does not exist yet). */
function instanceCount(dataDir: string): number {
  try {
    const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], number>('SELECT COUNT(*) FROM instances').pluck().get() ?? 0;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/**
 * Starts an import and SIGKILLs it at `point`. Kills by time reach the early moments (before or
 * while the first batch is written); kills by count land in the middle on a fast machine or a
 * loaded one alike, where a fixed time may fall before the first commit or after the last.
 */
function importAndKill(dataDir: string, point: KillPoint): Promise<void> {
  const startCount = instanceCount(dataDir);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtFile('node/cli.mjs'), 'import', ...sources, '--data-dir', dataDir, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let watching: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!stderr.includes('"import.started"') || child.killed || watching) return;
      if ('afterMs' in point) watching = setTimeout(() => child.kill('SIGKILL'), point.afterMs);
      else
        watching = setInterval(() => {
          if (instanceCount(dataDir) >= startCount + point.afterInstances) child.kill('SIGKILL');
        }, 5);
    });
    child.on('exit', () => {
      clearTimeout(watching);
      clearInterval(watching);
      resolve();
    });
  });
}

describe('SIGKILL of the importing process', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    temp = makeTempDir('import-crash');
  });
  afterAll(() => temp.remove());

  it('leaves a consistent library at every point, and a re-run completes the exact set', async () => {
    expect(expectedUids.size).toBe(201);
    const inTheMiddle: number[] = [];
    const points: KillPoint[] = [{ afterMs: 0 }, { afterMs: 15 }, { afterMs: 40 }, { afterInstances: 1 }, { afterMs: 80 }, { afterInstances: 40 }, { afterMs: 150 }];
    for (const point of points) {
      await importAndKill(temp.dir, point);
      // The next start (here the CLI's search) finishes what the kill interrupted.
      expect((await runCli(['search', '--data-dir', temp.dir, '--json'])).code).toBe(0);
      const uids = checkLibrary(temp.dir);
      for (const uid of uids) expect(expectedUids.has(uid)).toBe(true);
      if (uids.size > 0 && uids.size < expectedUids.size) inTheMiddle.push(uids.size);
    }
    // Kills landed in the middle of the work (some of the set in, some not), not only before or after it.
    expect(inTheMiddle.length).toBeGreaterThan(0);

    const rerun = await cliImport(temp.dir, sources);
    // The CT folder's licence and citation texts are the only files left out.
    expect(rerun.skipped.map((entry) => [path.basename(entry.file), entry.reason.startsWith('not DICOM')])).toEqual([
      ['CITATION.txt', true],
      ['LICENSE.txt', true],
    ]);
    expect(rerun.imported + rerun.alreadyPresent).toBe(201);
    expect(checkLibrary(temp.dir)).toEqual(expectedUids);
  });
});
