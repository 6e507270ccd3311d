/**
 * A SIGKILL at any moment — while the library is being created and migrated, or in the middle
 * of a stream of commits — leaves a database that opens, passes integrity_check and
 * foreign_key_check, and still holds every transaction that had reported committed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openLibraryDatabase, schemaVersionOf } from '../../electron/services/store/database';
import { projectRoot } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

const writer = path.join(projectRoot, 'tests/integration/fixtures/libraryWriter.ts');

/** Runs the writer and SIGKILLs it once `shouldKill` says so; returns the indices it committed. */
function runWriterUntilKilled(file: string, firstIndex: number, shouldKill: (line: string, committed: number) => boolean): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild, which a
    // SIGKILL of the CLI would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file, String(firstIndex)], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: number[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^committed (\d+)$/.exec(line);
        if (match) committed.push(Number(match[1]));
        if (child.signalCode === null && shouldKill(line, committed.length)) child.kill('SIGKILL');
      }
    });
    // 'close', not 'exit': lines the writer wrote before it died may still be in the pipe.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

function checkConsistent(file: string): void {
  const db = new Database(file);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  db.close();
}

function tickIndices(file: string): Set<number> {
  const db = openLibraryDatabase(file);
  const rows = db.prepare<[], { idx: number }>("SELECT json_extract(detail, '$.index') AS idx FROM audit_log WHERE action = 'test.tick'").all();
  const instances = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM instances').get()?.n;
  expect(instances).toBe(rows.length); // each commit wrote both or neither
  expect(schemaVersionOf(db)).toBe(LATEST_SCHEMA_VERSION);
  db.close();
  return new Set(rows.map((row) => row.idx));
}

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('crash');
});
afterEach(() => temp.remove());

describe('a SIGKILL at any moment', () => {
  it('while a new library is being created and migrated', async () => {
    for (const [round, delayMs] of [0, 1, 2, 4, 8].entries()) {
      const file = path.join(temp.dir, `fresh-${round}.sqlite`);
      await runWriterUntilKilled(file, 0, (line) => {
        if (line === 'opening') {
          const started = Date.now();
          while (Date.now() - started < delayMs) {
            // Busy-wait: a timer's resolution is too coarse for killing inside a migration.
          }
          return true;
        }
        return false;
      });
      // The file may not exist yet, or hold some migrations: either way it must open cleanly.
      checkConsistent(file);
      expect(tickIndices(file).size).toBe(0);
    }
  });

  it('in the middle of a stream of commits, round after round on the same library', async () => {
    const file = path.join(temp.dir, 'library.sqlite');
    const reported = new Set<number>();
    let next = 0;
    let storedBefore = 0;
    for (const killAfter of [1, 7, 23, 3, 40, 12]) {
      const committed = await runWriterUntilKilled(file, next, (_line, count) => count >= killAfter);
      for (const index of committed) reported.add(index);
      checkConsistent(file);
      const stored = tickIndices(file);
      for (const index of reported) expect(stored.has(index)).toBe(true);
      // Per round, at most the one transaction in flight when the kill landed may have
      // committed without its line being written.
      expect(stored.size - storedBefore - committed.length).toBeLessThanOrEqual(1);
      storedBefore = stored.size;
      next = Math.max(next, ...stored) + 1;
    }
    expect(reported.size).toBeGreaterThanOrEqual(86);
  });
});
