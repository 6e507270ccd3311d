/**
 * The command line, for headless use and tests, on the same services as the app:
 *
 *   npm run cli -- import PATH... [--data-dir DIR] [--json]
 *   npm run cli -- search [--data-dir DIR] [--name X] [--patient-id X] [--accession X]
 *                         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--modality CT]
 *                         [--description X] [--sort date|name|…] [--asc] [--limit N] [--json]
 *
 * With --json, stdout carries exactly one JSON object. Exit code: 0 when the command did its
 * job (an import that skipped broken files still did), 1 on failure, 2 on wrong usage.
 */
import { parseArgs } from 'node:util';
import { StudyQuery, type StudySummary } from '../../shared/api';
import { resolveDataDirectory } from '../services/dataDirectory';
import { startWorkstationServices } from '../services/workstationServices';

const usage = `usage:
  cli import PATH... [--data-dir DIR] [--json]
  cli search [--data-dir DIR] [--name X] [--patient-id X] [--accession X] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
             [--modality CT] [--description X] [--sort date|name|patientId|accession|description|modality|instances|size|added] [--asc] [--limit N] [--json]`;

class UsageError extends Error {}

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  name: { type: 'string' },
  'patient-id': { type: 'string' },
  accession: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  modality: { type: 'string' },
  description: { type: 'string' },
  sort: { type: 'string' },
  asc: { type: 'boolean', default: false },
  limit: { type: 'string' },
} as const;

function formatStudy(study: StudySummary): string {
  return [study.studyDate || '----------', study.modalities.join('/').padEnd(6), `${study.instanceCount} images`.padEnd(11), study.patientName, `(${study.patientId})`, study.studyDescription].join('  ');
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (command !== 'import' && command !== 'search') throw new UsageError(command ? `unknown command "${command}"` : 'no command');

  const services = await startWorkstationServices({ dataDirectory: resolveDataDirectory(values['data-dir']), mode: 'cli' });
  try {
    if (command === 'import') {
      if (paths.length === 0) throw new UsageError('import needs at least one PATH');
      const { done } = services.importer.start(paths);
      const { summary, result } = await done;
      if (values.json) {
        const output = {
          imported: summary.imported,
          alreadyPresent: summary.alreadyPresent,
          skipped: result.skipped.map((file) => ({ file: file.path, reason: file.reason })),
          ...(summary.notImported > 0 ? { notImported: summary.notImported } : {}),
          studies: summary.studies,
          seconds: Math.round(summary.seconds * 1000) / 1000,
          ...(summary.error ? { error: summary.error } : {}),
        };
        process.stdout.write(`${JSON.stringify(output)}\n`);
      } else {
        process.stdout.write(`Imported ${summary.imported}, already in library ${summary.alreadyPresent}, skipped ${summary.skipped.length}; ${summary.studies} studies; ${summary.seconds.toFixed(1)} s\n`);
        for (const file of result.skipped) process.stdout.write(`  skipped ${file.path}: ${file.reason}\n`);
        if (summary.error) process.stdout.write(`Import failed: ${summary.error}\n`);
        if (summary.notImported > 0) process.stdout.write(`Not imported (the import stopped first): ${summary.notImported} files; import the same paths again to take them\n`);
      }
      return summary.phase === 'failed' ? 1 : 0;
    }

    const query = StudyQuery.safeParse({
      patientName: values.name,
      patientId: values['patient-id'],
      accession: values.accession,
      dateFrom: values.from,
      dateTo: values.to,
      modality: values.modality,
      description: values.description,
      sort: values.sort,
      direction: values.asc ? 'asc' : 'desc',
      limit: values.limit === undefined ? 500 : Number(values.limit),
    });
    if (!query.success) throw new UsageError(query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    const page = await services.store.call('searchStudies', query.data);
    if (values.json) process.stdout.write(`${JSON.stringify(page)}\n`);
    else {
      process.stdout.write(`${page.total} studies\n`);
      for (const study of page.studies) process.stdout.write(`${formatStudy(study)}\n`);
    }
    return 0;
  } finally {
    await services.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${usage}\n`);
      process.exit(2);
    }
    process.stderr.write(`Lumen Workstation CLI failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
