/**
 * Importing the 201-file real set (the 134-slice CT series and the patient CD's 67 images, read
 * through its DICOMDIR) with the CLI, side by side in one run with
 *   - `cp -r` of the same folders followed by `sync` (the floor: copying bytes durably), and
 *   - Orthanc ingesting the same files over DICOM (`storescu` into the test Orthanc).
 * Each is run several times, alternating, into fresh destinations; medians are reported.
 * `ratio` is always ours ÷ anchor: below 1 means faster than the anchor. The named figures time
 * the import job inside a running app (as Orthanc is measured already running, and as a
 * technician waits for it); the whole CLI process is reported beside them.
 */
import path from 'node:path';
import { builtFile } from '../../helpers/paths';
import { corpusPath, isImportable, readManifest } from '../../helpers/corpus';
import { startOrthanc } from '../../helpers/orthanc';
import { makeTempDir } from '../../helpers/tempDir';
import { importInRunningApp } from '../appImport';
import { type BenchResult, median, round } from '../benchResult';
import { timeProcess, timeShell } from '../benchProcess';

const RUNS = 5;
const folders = [corpusPath('ct-series/pancreas-ct-cbct-seg'), corpusPath('dicomdir/wakasa-mr-lspine-cd')];

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-import');
  const files = readManifest()
    .filter((file) => isImportable(file) && (file.file.startsWith('ct-series/') || file.file.startsWith('dicomdir/')))
    .map((file) => corpusPath(file.file));
  if (files.length !== 201) throw new Error(`expected the 201-file set, found ${files.length}`);
  const orthanc = await startOrthanc({ dicom: true });
  try {
    const ours: number[] = [];
    const jobs: number[] = [];
    const cp: number[] = [];
    const orthancSeconds: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const library = path.join(temp.dir, `library-${run}`);
      const result = await timeProcess(process.execPath, [builtFile('node/cli.mjs'), 'import', ...folders, '--data-dir', library, '--json']);
      const summary = JSON.parse(result.stdout) as { imported: number; seconds: number };
      if (summary.imported !== 201) throw new Error(`our import took ${summary.imported} of 201 files`);
      ours.push(result.seconds);
      jobs.push(await importInRunningApp(path.join(temp.dir, `app-${run}`), folders, 201));

      const copy = path.join(temp.dir, `copy-${run}`);
      cp.push((await timeShell(`mkdir -p '${copy}' && cp -r ${folders.map((f) => `'${f}'`).join(' ')} '${copy}/' && sync`)).seconds);

      if (run < 3) {
        // Orthanc would answer a second store of the same instances from its index: empty it
        // first, so every run ingests the 201 files anew.
        for (const id of (await (await fetch(`${orthanc.baseUrl}/patients`)).json()) as string[]) await fetch(`${orthanc.baseUrl}/patients/${id}`, { method: 'DELETE' });
        orthancSeconds.push((await timeProcess('storescu', ['-aet', 'LUMENBENCH', '-aec', orthanc.aet, '127.0.0.1', String(orthanc.dicomPort), ...files])).seconds);
        const stored = (await (await fetch(`${orthanc.baseUrl}/statistics`)).json()) as { CountInstances: number };
        if (stored.CountInstances !== 201) throw new Error(`Orthanc stored ${stored.CountInstances} of 201 files`);
      }
    }
    const job = median(jobs);
    const whole = median(ours);
    const cpMedian = median(cp);
    const orthancMedian = median(orthancSeconds);
    return [
      {
        name: 'import.ratioToCp',
        value: round(job, 3),
        unit: 's',
        anchor: 'cp -r + sync',
        ratio: round(job / cpMedian),
        note: `201 files (106 MB) imported by the browser host already open, from the request to the last commit; median of ${RUNS}; cp -r + sync ${round(cpMedian, 3)} s`,
      },
      {
        name: 'import.cli.ratioToCp',
        value: round(whole, 3),
        unit: 's',
        anchor: 'cp -r + sync',
        ratio: round(whole / cpMedian),
        note: 'the same imports as whole CLI processes (Node start, new library, import, close)',
      },
      {
        name: 'import.ratioToOrthanc',
        value: round(job, 3),
        unit: 's',
        anchor: 'Orthanc 1.10 via storescu',
        ratio: round(job / orthancMedian, 3),
        note: `both already running; Orthanc took ${round(orthancMedian, 3)} s (median of ${orthancSeconds.length}): ours is ${round(orthancMedian / job, 1)}× faster (${round(orthancMedian / whole, 1)}× counting our whole CLI process)`,
      },
    ];
  } finally {
    await orthanc.stop();
    temp.remove();
  }
}
