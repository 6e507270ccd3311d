/**
 * Importing 2,000 files (about 1 GB: the CT series copied with new UIDs, 15 studies) with the
 * CLI, against `cp -r` + `sync` of the same folder in the same run, while watching the importing
 * process's peak resident memory: it must stay flat, not grow with the number of files — so it
 * is compared with the peak of the same import of a quarter of the files.
 */
import path from 'node:path';
import { builtFile } from '../../helpers/paths';
import { corpusPath } from '../../helpers/corpus';
import { makeTempDir } from '../../helpers/tempDir';
import { importInRunningApp } from '../appImport';
import { type BenchResult, median, round } from '../benchResult';
import { timeProcess, timeShell } from '../benchProcess';
import { writeSyntheticSeries } from '../../helpers/syntheticCorpus';

const FILES = 2000;
const RUNS = 5;

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-scale');
  try {
    const source = path.join(temp.dir, 'source');
    const { bytes } = writeSyntheticSeries(corpusPath('ct-series/pancreas-ct-cbct-seg'), source, FILES, 134);
    await timeShell('sync');

    const quarter = path.join(temp.dir, 'quarter');
    writeSyntheticSeries(corpusPath('ct-series/pancreas-ct-cbct-seg'), quarter, FILES / 4, 134);
    const small = await timeProcess(process.execPath, [builtFile('node/cli.mjs'), 'import', quarter, '--data-dir', path.join(temp.dir, 'small'), '--json']);

    const ours: number[] = [];
    const jobs: number[] = [];
    const cp: number[] = [];
    let peak = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const library = path.join(temp.dir, `library-${run}`);
      const result = await timeProcess(process.execPath, [builtFile('node/cli.mjs'), 'import', source, '--data-dir', library, '--json']);
      const summary = JSON.parse(result.stdout) as { imported: number };
      if (summary.imported !== FILES) throw new Error(`imported ${summary.imported} of ${FILES}`);
      ours.push(result.seconds);
      await timeShell(`rm -rf '${library}' && sync`);
      jobs.push(await importInRunningApp(library, [source], FILES));
      peak = Math.max(peak, result.peakRssMb);
      await timeShell(`rm -rf '${library}' && sync`);

      const copy = path.join(temp.dir, `copy-${run}`);
      cp.push((await timeShell(`cp -r '${source}' '${copy}' && sync`)).seconds);
      await timeShell(`rm -rf '${copy}' && sync`);
    }
    const cpMedian = median(cp);
    return [
      {
        name: 'import.scale.ratioToCp',
        value: round(median(jobs), 2),
        unit: 's',
        anchor: 'cp -r + sync',
        ratio: round(median(jobs) / cpMedian),
        note: `${FILES} files, ${round(bytes / 1e9, 2)} GB, imported by the browser host already open, median of ${RUNS}; cp -r + sync ${round(cpMedian, 2)} s; as a whole CLI process ${round(median(ours), 2)} s (ratio ${round(median(ours) / cpMedian)})`,
      },
      {
        name: 'import.scale.peakRssMb',
        value: round(peak, 1),
        unit: 'MB',
        anchor: `the same import of ${FILES / 4} files`,
        ratio: round(peak / small.peakRssMb),
        note: `peak RSS (VmHWM) of the importing process, its worker threads included; ${FILES / 4} files peaked at ${round(small.peakRssMb, 1)} MB (flat: ratio near 1)`,
      },
    ];
  } finally {
    temp.remove();
  }
}
