/**
 * The import worker, driven directly: a file that disappears (an ejected disc) or changes (an
 * export still being written) between being parsed and being copied is reported with its reason,
 * and the rest of the batch goes on.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportWorkerApi } from '../../electron/services/import/importWorker';
import { WorkerClient } from '../../electron/services/workers/workerRpc';
import { workerScriptUrl } from '../../electron/services/workers/workerScripts';
import { corpusPath } from '../helpers/corpus';
import { makeTempDir } from '../helpers/tempDir';

describe('the import worker', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let worker: WorkerClient<ImportWorkerApi>;
  beforeAll(async () => {
    temp = makeTempDir('import-worker');
    worker = await WorkerClient.start<ImportWorkerApi>(workerScriptUrl('importWorker'), null);
  });
  afterAll(async () => {
    await worker.terminate();
    temp.remove();
  });

  it('copies what is still there, byte for byte, and reports what vanished or changed', async () => {
    const names = ['1-1.dcm', '1-2.dcm', '1-3.dcm'];
    const sources = names.map((name) => {
      const target = path.join(temp.dir, name);
      copyFileSync(corpusPath(`mr-series/cptac-sar-ax-scout/${name}`), target);
      return target;
    });
    const discovered = await worker.call('discover', [temp.dir]);
    expect(discovered.files.map((file) => file.display)).toEqual(names);
    const parsed = await worker.call('parseBatch', discovered.files);
    expect(parsed.every((file) => file.ok)).toBe(true);

    rmSync(sources[0]!); // the disc went away
    appendFileSync(sources[1]!, Buffer.alloc(100)); // the export was still being written
    const staging = path.join(temp.dir, 'incoming');
    const outcome = await worker.call(
      'stageBatch',
      staging,
      parsed.map((file, index) => ({ source: file.source.path, finalPath: path.join(temp.dir, 'final', `${index}.dcm`), size: file.source.size })),
    );
    expect(outcome.failed.map((file) => [path.basename(file.source), file.reason]).sort()).toEqual([
      ['1-1.dcm', 'unreadable (the file disappeared — was the disc ejected?)'],
      ['1-2.dcm', 'changed while it was being imported (still being written?)'],
    ]);
    expect(outcome.staged).toHaveLength(1);
    await worker.call('commitBatch', outcome.staged);
    const [kept] = outcome.staged;
    expect(readFileSync(kept!.finalPath).equals(readFileSync(sources[2]!))).toBe(true);
    expect(existsSync(kept!.tempPath)).toBe(false);
  });
});
