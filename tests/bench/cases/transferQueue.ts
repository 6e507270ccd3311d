/**
 * The transfer queue after months of use: 1,000,000 transfers (3,000 studies of 300 instances
 * each way over 90 days, the last few still waiting or refused) through the store worker as the
 * app calls it. Two reads happen while transfers run: the status the window is sent (several a
 * second while a study streams in) and the transfers tab's lines (reloaded with it, at most
 * every 400 ms). Both must stay small beside the store's writes, whatever the table's size:
 * reported as p95s, with the same reads on 1/10 of the rows beside them (flat: ratio near 1).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLibraryDatabase } from '../../../electron/services/store/database';
import { startStore } from '../../../electron/services/store/storeClient';
import { makeTempDir } from '../../helpers/tempDir';
import { type BenchResult, percentile, round } from '../benchResult';

const STUDIES = 3_400;
const INSTANCES_PER_STUDY = 300;
const OPEN_STUDIES = 20;
const REPEATS = 100;
const SPAN_MS = 90 * 24 * 3_600_000;

/** A library whose queue holds `studies` × 300 transfers, the newest `OPEN_STUDIES` not done. */
function buildQueue(file: string, studies: number): void {
  const db = openLibraryDatabase(file);
  const start = Date.now() - SPAN_MS;
  db.prepare("INSERT INTO servers (id, name, base_url, auth, is_default, created_at) VALUES ('00000000-0000-4000-8000-000000000001', 'Archive', 'http://127.0.0.1:1/dicom-web', 'none', 1, ?)").run(new Date(start).toISOString());
  const insert = db.prepare(
    `INSERT INTO transfers (server_id, direction, sop_instance_uid, study_uid, series_uid, state, attempts, next_attempt_at, last_error, created_at, updated_at)
     VALUES ('00000000-0000-4000-8000-000000000001', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let first = 0; first < studies; first += 200) {
    db.transaction(() => {
      for (let study = first; study < Math.min(studies, first + 200); study += 1) {
        const at = new Date(start + (study / studies) * SPAN_MS).toISOString();
        const open = study >= studies - OPEN_STUDIES;
        for (let instance = 0; instance < INSTANCES_PER_STUDY; instance += 1) {
          const state = !open ? 'done' : instance % 3 === 0 ? 'parked' : 'pending';
          insert.run(study % 2 ? 'upload' : 'download', `2.25.9${study}.${instance}`, `2.25.8${study}`, `2.25.7${study}`, state, 1, at, state === 'done' ? null : 'the server did not answer', at, at);
        }
      }
    })();
  }
  db.pragma('optimize');
  db.close();
}

async function measure(file: string): Promise<{ status: number[]; lines: number[] }> {
  const store = await startStore({ databaseFile: file, instancesDir: path.join(path.dirname(file), 'instances') });
  try {
    const status: number[] = [];
    const lines: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      let before = performance.now();
      const counts = await store.call('transferCounts');
      status.push(performance.now() - before);
      if (counts.pending === 0 || counts.parked === 0) throw new Error('the queue was built without open transfers');
      before = performance.now();
      const listed = await store.call('listTransferGroups', 50);
      lines.push(performance.now() - before);
      if (listed.groups.length !== 50 || !listed.more) throw new Error(`the queue lists ${listed.groups.length} lines, not a first page of 50`);
    }
    return { status, lines };
  } finally {
    await store.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-queue');
  try {
    const large = path.join(temp.dir, 'large', 'library.sqlite');
    const small = path.join(temp.dir, 'small', 'library.sqlite');
    for (const file of [large, small]) mkdirSync(path.dirname(file), { recursive: true });
    const built = performance.now();
    buildQueue(large, STUDIES);
    const buildSeconds = (performance.now() - built) / 1000;
    buildQueue(small, STUDIES / 10);
    const onSmall = await measure(small);
    const onLarge = await measure(large);
    const rows = (STUDIES * INSTANCES_PER_STUDY).toLocaleString('en');
    const status = percentile(onLarge.status, 95);
    const lines = percentile(onLarge.lines, 95);
    const statusSmall = percentile(onSmall.status, 95);
    const linesSmall = percentile(onSmall.lines, 95);
    return [
      {
        name: 'sync.queue.statusP95Ms',
        value: round(status, 2),
        unit: 'ms',
        anchor: `the same on ${(STUDIES * INSTANCES_PER_STUDY / 10).toLocaleString('en')} transfers`,
        ratio: round(status / statusSmall, 2),
        note: `sync status counts (${REPEATS} reads through the store worker) with ${rows} transfers, ${OPEN_STUDIES * INSTANCES_PER_STUDY} of them open (built in ${round(buildSeconds, 1)} s); on a tenth of them ${round(statusSmall, 2)} ms`,
      },
      {
        name: 'sync.queue.linesP95Ms',
        value: round(lines, 2),
        unit: 'ms',
        anchor: `the same on ${(STUDIES * INSTANCES_PER_STUDY / 10).toLocaleString('en')} transfers`,
        ratio: round(lines / linesSmall, 2),
        note: `the transfers tab's first 50 lines (a study, server and direction each, ${INSTANCES_PER_STUDY} instances per line) with ${rows} transfers; on a tenth of them ${round(linesSmall, 2)} ms`,
      },
    ];
  } finally {
    temp.remove();
  }
}
