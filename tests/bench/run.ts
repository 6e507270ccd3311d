/**
 * `npm run bench`: runs every case in tests/bench/cases/ one after another and writes
 * bench/results.json (a list of BenchResult) and bench/results.md. A later issue adds a case
 * by adding a module to the list below.
 *
 * `npm run bench -- sync viewer` runs only the cases whose names contain one of the words, and
 * replaces just their results in the files (the others keep their last measurement).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../helpers/paths';
import type { BenchResult } from './benchResult';
import * as hostStartup from './cases/hostStartup';
import * as importScale from './cases/importScale';
import * as importSpeed from './cases/importSpeed';
import * as librarySearch from './cases/librarySearch';
import * as syncSpeed from './cases/syncSpeed';
import * as transferQueue from './cases/transferQueue';
import * as viewerSpeed from './cases/viewerSpeed';

const cases: Array<{ name: string; run: () => Promise<BenchResult[]> }> = [
  { name: 'host start-up and API', run: hostStartup.run },
  { name: 'import vs cp and Orthanc', run: importSpeed.run },
  { name: 'import at scale (2,000 files)', run: importScale.run },
  { name: 'study search on 50k studies / 1M instances', run: librarySearch.run },
  { name: 'viewer on the 134-slice CT in Chromium', run: viewerSpeed.run },
  { name: 'sync with Orthanc vs curl', run: syncSpeed.run },
  { name: 'transfer queue at 1M transfers', run: transferQueue.run },
];

function markdown(results: BenchResult[], when: string): string {
  const rows = results.map((r) => `| \`${r.name}\` | ${r.value} ${r.unit} | ${r.anchor ?? ''} | ${r.ratio ?? ''} | ${r.note ?? ''} |`);
  return [
    '# Benchmark results',
    '',
    `Run ${when} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    'Ratios are measured side by side in the same run; absolute values drift with the machine’s load.',
    '',
    '| name | value | anchor | ratio | note |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

let finished = false;
// A promise that never settles lets Node exit quietly with code 0; that must not pass as a run.
process.on('exit', (code) => {
  if (!finished && code === 0) {
    process.stderr.write('bench: stopped before all cases finished\n');
    process.exitCode = 1;
  }
});

async function main(): Promise<void> {
  const words = process.argv.slice(2).map((word) => word.toLowerCase());
  const chosen = words.length === 0 ? cases : cases.filter((benchCase) => words.some((word) => benchCase.name.toLowerCase().includes(word)));
  if (chosen.length === 0) throw new Error(`no bench case matches ${words.join(', ')}; cases: ${cases.map((benchCase) => benchCase.name).join('; ')}`);
  const fresh: BenchResult[] = [];
  for (const benchCase of chosen) {
    process.stdout.write(`bench: ${benchCase.name}…\n`);
    fresh.push(...(await benchCase.run()));
  }
  const dir = path.join(projectRoot, 'bench');
  const file = path.join(dir, 'results.json');
  let results = fresh;
  if (words.length > 0 && existsSync(file)) {
    // Earlier results keep their place; the cases run now replace theirs.
    const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchResult[];
    const byName = new Map(fresh.map((result) => [result.name, result]));
    results = [...earlier.map((result) => byName.get(result.name) ?? result), ...fresh.filter((result) => !earlier.some((old) => old.name === result.name))];
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const report = markdown(results, new Date().toISOString());
  writeFileSync(path.join(dir, 'results.md'), report);
  process.stdout.write(report);
  finished = true;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
