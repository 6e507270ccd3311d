/**
 * Importing 2,000 files (about 1 GB: the CT series copied with new UIDs, 15 studies) against
 * `cp -r` + `sync` of the same folder in the same run, while watching the importing process's
 * peak resident memory: it must stay flat, not grow with the number of files — so it is
 * compared with the peak of the same import of a quarter of the files.
 *
 * The comparison is made twice, because on this machine the disk's recent history moves the
 * ratio more than the code does:
 *
 * - `import.scale.ratioToCp`, the goal's figure: pairs of (our import, cp), each one started on a
 *   settled disk: nothing written or deleted in the last minute. Measured here, a writer that
 *   follows another within the minute takes up to 1.8× longer, whichever it is (the virtual
 *   disk is still writing back the first one's gigabyte), and on ext4 without a journal every
 *   file created scans the inodes freed in the last minute (tests/bench/filesystem.ts). The
 *   order alternates; the ratio is the geometric mean of the pairs' ratios.
 * - `import.scale.afterDeleteRatioToCp`: each import right after deleting the previous run's
 *   2,000 files, as the benchmark used to measure. Kept, so the cost of that case stays seen.
 */
import path from 'node:path';
import { builtFile } from '../../helpers/paths';
import { corpusPath } from '../../helpers/corpus';
import { makeTempDir } from '../../helpers/tempDir';
import { importInRunningApp } from '../appImport';
import { type BenchResult, median, round } from '../benchResult';
import { timeProcess, timeShell } from '../benchProcess';
import { filesystemOf } from '../filesystem';
import { writeSyntheticSeries } from '../../helpers/syntheticCorpus';

const FILES = 2000;
/** Even, so each order (ours first, cp first) is measured as often. */
const PAIRS = 4;
const AFTER_DELETE_RUNS = 3;
/**
 * How long the disk is left alone before each paired measurement: ext4 without a journal
 * skips inodes freed in the last 60 s (RECENTCY_MIN), and a minute also lets the layers below
 * finish writing back the previous gigabyte.
 */
const SETTLE_MS = 62_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const geometricMean = (values: number[]) => Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-scale');
  try {
    const filesystem = filesystemOf(temp.dir);
    const source = path.join(temp.dir, 'source');
    const { bytes } = writeSyntheticSeries(corpusPath('ct-series/pancreas-ct-cbct-seg'), source, FILES, 134);
    await timeShell('sync');

    const quarter = path.join(temp.dir, 'quarter');
    writeSyntheticSeries(corpusPath('ct-series/pancreas-ct-cbct-seg'), quarter, FILES / 4, 134);
    const small = await timeProcess(process.execPath, [builtFile('node/cli.mjs'), 'import', quarter, '--data-dir', path.join(temp.dir, 'small'), '--json']);

    let lastDiskWork = performance.now();
    const removeAndSync = async (...folders: string[]) => {
      await timeShell(`rm -rf ${folders.map((folder) => `'${folder}'`).join(' ')} && sync`);
      lastDiskWork = performance.now();
    };
    const ourImport = (library: string) => importInRunningApp(library, [source], FILES);
    const copy = async (target: string) => (await timeShell(`cp -r '${source}' '${target}' && sync`)).seconds;
    /** Waits until the disk has been left alone for SETTLE_MS, then measures. */
    const onSettledDisk = async (measure: () => Promise<number>) => {
      await sleep(Math.max(0, SETTLE_MS - (performance.now() - lastDiskWork)));
      const seconds = await measure();
      lastDiskWork = performance.now();
      return seconds;
    };

    // Pairs, each measurement on a settled disk, alternating which goes first.
    const pairRatios = { oursFirst: [] as number[], cpFirst: [] as number[] };
    const paired = { ours: [] as number[], cp: [] as number[] };
    for (let pair = 0; pair < PAIRS; pair += 1) {
      const library = path.join(temp.dir, `library-${pair}`);
      const copyTarget = path.join(temp.dir, `copy-${pair}`);
      const oursFirst = pair % 2 === 0;
      let ours: number;
      let cp: number;
      if (oursFirst) {
        ours = await onSettledDisk(() => ourImport(library));
        cp = await onSettledDisk(() => copy(copyTarget));
      } else {
        cp = await onSettledDisk(() => copy(copyTarget));
        ours = await onSettledDisk(() => ourImport(library));
      }
      paired.ours.push(ours);
      paired.cp.push(cp);
      (oursFirst ? pairRatios.oursFirst : pairRatios.cpFirst).push(ours / cp);
      await removeAndSync(library, copyTarget);
    }
    const ratio = geometricMean([...pairRatios.oursFirst, ...pairRatios.cpFirst]);

    // Right after deleting the previous run's files, as a technician re-importing what was just deleted.
    const afterDelete = { cli: [] as number[], ours: [] as number[], cp: [] as number[] };
    let peak = 0;
    for (let run = 0; run < AFTER_DELETE_RUNS; run += 1) {
      const library = path.join(temp.dir, `library-after-${run}`);
      const result = await timeProcess(process.execPath, [builtFile('node/cli.mjs'), 'import', source, '--data-dir', library, '--json']);
      const summary = JSON.parse(result.stdout) as { imported: number };
      if (summary.imported !== FILES) throw new Error(`imported ${summary.imported} of ${FILES}`);
      afterDelete.cli.push(result.seconds);
      peak = Math.max(peak, result.peakRssMb);
      await removeAndSync(library);
      afterDelete.ours.push(await ourImport(library));
      await removeAndSync(library);
      const copyTarget = path.join(temp.dir, `copy-after-${run}`);
      afterDelete.cp.push(await copy(copyTarget));
      await removeAndSync(copyTarget);
    }
    const afterDeleteCp = median(afterDelete.cp);
    const list = (values: number[]) => values.map((value) => round(value)).join(', ');

    return [
      {
        name: 'import.scale.ratioToCp',
        value: round(median(paired.ours), 2),
        unit: 's',
        anchor: 'cp -r + sync',
        ratio: round(ratio),
        note: `${FILES} files, ${round(bytes / 1e9, 2)} GB, imported by the browser host already open; ${PAIRS} pairs (ours, cp), each measurement after a minute with nothing written or deleted, order alternating; ratio = geometric mean of the pairs' ratios (ours first: ${list(pairRatios.oursFirst)}; cp first: ${list(pairRatios.cpFirst)}); medians ours ${round(median(paired.ours))} s, cp ${round(median(paired.cp))} s; ${filesystem.description}`,
      },
      {
        name: 'import.scale.afterDeleteRatioToCp',
        value: round(median(afterDelete.ours), 2),
        unit: 's',
        anchor: 'cp -r + sync',
        ratio: round(median(afterDelete.ours) / afterDeleteCp),
        note: `the same import, each run right after deleting the previous run's ${FILES} files (median of ${AFTER_DELETE_RUNS}); cp -r + sync ${round(afterDeleteCp)} s${filesystem.skipsRecentlyFreedInodes ? ', also right after a deletion: on ext4 without a journal every file created scans the inodes freed in the last minute' : ''}; as a whole CLI process ${round(median(afterDelete.cli))} s (ratio ${round(median(afterDelete.cli) / afterDeleteCp)})`,
      },
      {
        name: 'import.scale.peakRssMb',
        value: round(peak, 1),
        unit: 'MB',
        anchor: `the same import of ${FILES / 4} files`,
        ratio: round(peak / small.peakRssMb),
        note: `peak RSS (VmHWM) of the importing CLI process, its worker threads included; ${FILES / 4} files peaked at ${round(small.peakRssMb, 1)} MB (flat: ratio near 1)`,
      },
    ];
  } finally {
    temp.remove();
  }
}
