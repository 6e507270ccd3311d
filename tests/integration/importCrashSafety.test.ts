/**
 * The importing process is SIGKILLed at several points of an import of the CT series and the
 * patient CD. After each kill the next start finds a consistent library with no orphan files,
 * and re-running the import completes exactly the set a clean import gives.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliImport, runCli } from '../helpers/cli';
import { ctAndCdFolders, ctAndCdUids } from '../helpers/corpus';
import { checkLibrary } from '../helpers/libraryCheck';
import { builtFile } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

const sources = ctAndCdFolders();
const expectedUids = ctAndCdUids();

/** Starts an import and SIGKILLs it `delayMs` after it reports having started. */
function importAndKill(dataDir: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtFile('node/cli.mjs'), 'import', ...sources, '--data-dir', dataDir, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('"import.started"') && !child.killed) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', () => resolve());
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
    let progressed = 0;
    for (const delayMs of [0, 15, 40, 80, 150, 250]) {
      await importAndKill(temp.dir, delayMs);
      // The next start (here the CLI's search) finishes what the kill interrupted.
      expect((await runCli(['search', '--data-dir', temp.dir, '--json'])).code).toBe(0);
      const uids = checkLibrary(temp.dir);
      for (const uid of uids) expect(expectedUids.has(uid)).toBe(true);
      progressed = Math.max(progressed, uids.size);
    }
    // The kills landed in the middle of the work, not only before or after it.
    expect(progressed).toBeGreaterThan(0);

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
