/**
 * A technician cancels an import half-way through the browser host's API: what was committed
 * stays, the library is consistent, and importing again completes the set. A path that does not
 * exist is reported, not fatal.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../shared/api';
import { corpusPath } from '../helpers/corpus';
import { callHost, openEvents } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { writeSyntheticSeries } from '../helpers/syntheticCorpus';
import { makeTempDir } from '../helpers/tempDir';

describe('cancelling an import', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  /** 600 distinct instances (the CT series with new UIDs): enough batches to cancel in the middle. */
  let source: string;
  const FILES = 600;
  const call = async (name: string, input: unknown) => (await callHost(host, name, input)) as { ok: boolean; value: { jobId: string } };

  beforeAll(async () => {
    temp = makeTempDir('import-cancel');
    source = path.join(temp.dir, 'export');
    writeSyntheticSeries(corpusPath('ct-series/pancreas-ct-cbct-seg'), source, FILES, 134);
    host = await startHostProcess(path.join(temp.dir, 'library'));
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('keeps what was committed, stays consistent, and a second import completes the set', async () => {
    const events = await openEvents(host);
    const started = await call('import.start', { paths: [source] });
    expect(started.ok).toBe(true);
    await events.next((event) => event.name === 'import.progress' && event.payload.phase === 'importing' && event.payload.filesDone > 0);
    expect((await call('import.cancel', { jobId: started.value.jobId })).value).toEqual({ cancelling: true });
    const finished = (await events.next((event) => event.name === 'import.finished')).payload as ImportSummary;
    expect(finished.phase).toBe('cancelled');
    expect(finished.imported).toBeGreaterThan(0);
    expect(finished.imported).toBeLessThan(FILES);

    const db = new Database(path.join(temp.dir, 'library', 'library.sqlite'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM instances').pluck().get()).toBe(finished.imported);
    expect(db.prepare('SELECT COUNT(*) FROM pending_files').pluck().get()).toBe(0);
    expect(db.prepare("SELECT json_extract(detail, '$.outcome') FROM audit_log WHERE action = 'library.import'").pluck().get()).toBe('cancelled');
    db.close();

    await call('import.start', { paths: [source] });
    const again = (await events.next((event) => event.name === 'import.finished')).payload as ImportSummary;
    expect(again.phase).toBe('finished');
    expect(again.imported + again.alreadyPresent).toBe(FILES);
    expect(again.alreadyPresent).toBe(finished.imported);
    await events.close();
  });

  it('reports a path that does not exist, and refuses a second import while one runs', async () => {
    const events = await openEvents(host);
    const missing = path.join(temp.dir, 'no-such-disc');
    await call('import.start', { paths: [missing] });
    const summary = (await events.next((event) => event.name === 'import.finished')).payload as ImportSummary;
    expect(summary.phase).toBe('finished');
    expect(summary.skipped).toEqual([{ file: 'no-such-disc', reason: 'not found' }]);

    const first = await call('import.start', { paths: [corpusPath('mr-series/cptac-sar-ax-scout')] });
    const second = (await call('import.start', { paths: [corpusPath('mr-series/cptac-sar-ax-scout')] })) as unknown as { ok: boolean; error: { code: string; message: string } };
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await events.next((event) => event.name === 'import.finished');
    await events.close();
  });
});
