/**
 * A technician imports folders and a patient CD into the library through the CLI (the same
 * services as the app), with real files from the team's corpus; expectations come from its
 * MANIFEST.json and MANIFEST.md.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyPage } from '../../shared/api';
import { cliImport, type ImportJson, runCli } from '../helpers/cli';
import { corpusPath, isImportable, manifestPatientNameOfCd, readManifest } from '../helpers/corpus';
import { corpusDir } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

const manifest = readManifest();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('importing the whole corpus', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let first: ImportJson;
  let second: ImportJson;
  const importable = manifest.filter(isImportable);
  const distinctInstances = new Set(importable.map((file) => file.sop_uid));

  beforeAll(async () => {
    temp = makeTempDir('import-corpus');
    first = await cliImport(temp.dir, [corpusDir]);
    second = await cliImport(temp.dir, [corpusDir]);
  });
  afterAll(() => temp.remove());

  it('imports exactly the valid instances, once each', () => {
    expect(first.imported).toBe(distinctInstances.size);
    // The same instance in several encodings (the corpus has those) is kept once.
    expect(first.alreadyPresent).toBe(importable.length - distinctInstances.size);
    expect(first.studies).toBe(new Set(importable.map((file) => file.study_uid)).size);
    const skippedFiles = new Set(first.skipped.map((entry) => path.relative(corpusDir, entry.file)));
    for (const file of importable) expect(skippedFiles.has(file.file), file.file).toBe(false);
  });

  it('reports every broken file with its own specific reason', () => {
    const reasonOf = (relative: string) => first.skipped.find((entry) => path.relative(corpusDir, entry.file) === relative)?.reason;
    const broken = manifest.filter((file) => file.file.startsWith('broken/') && !isImportable(file));
    expect(broken.length).toBeGreaterThanOrEqual(6);
    for (const file of broken) expect(reasonOf(file.file), file.file).toBeDefined();
    expect(reasonOf('broken/zero_bytes.dcm')).toBe('empty file (0 bytes)');
    expect(reasonOf('broken/not_dicom_text.dcm')).toMatch(/^not DICOM/);
    expect(reasonOf('broken/preamble_and_DICM_only.dcm')).toMatch(/^truncated in header: nothing after the DICM prefix/);
    expect(reasonOf('broken/truncated_in_header_1-067.dcm')).toMatch(/^truncated in header .* byte 600\b/);
    expect(reasonOf('broken/truncated_in_pixeldata_1-067.dcm')).toMatch(/^truncated in pixel data at byte 100000\b/);
    expect(reasonOf('broken/emri_small_jpeg_2k_lossless_too_short.dcm')).toMatch(/^truncated in pixel data at byte \d+/);
    const reasons = broken.map((file) => reasonOf(file.file));
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it('skips the rest for what it is: text files are not DICOM, instances without UIDs are refused', () => {
    for (const entry of first.skipped) {
      const relative = path.relative(corpusDir, entry.file);
      const known = manifest.find((file) => file.file === relative);
      if (relative.startsWith('broken/')) continue;
      if (!known) expect(entry.reason, relative).toMatch(/^not DICOM/);
      else expect(entry.reason, relative).toMatch(/^missing (Study|Series|SOP) Instance UID/);
    }
  });

  it('adds nothing the second time, reporting every instance as already in the library', () => {
    expect(second.imported).toBe(0);
    expect(second.alreadyPresent).toBe(importable.length);
    expect(second.skipped.map((entry) => entry.reason)).toEqual(first.skipped.map((entry) => entry.reason));
  });

  it('keeps the files byte for byte as received, one per instance', () => {
    const stored = filesUnder(path.join(temp.dir, 'instances'));
    expect(stored).toHaveLength(distinctInstances.size);
    const originals = new Set(importable.map((file) => file.sha256));
    for (const file of stored) expect(originals.has(sha256(file)), file).toBe(true);
  });

  it('leaves a consistent library and an audit row per import, without names in the log', async () => {
    const db = new Database(path.join(temp.dir, 'library.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT COUNT(*) FROM pending_files').pluck().get()).toBe(0);
    const audits = db.prepare<[], { detail: string }>("SELECT detail FROM audit_log WHERE action = 'library.import' ORDER BY id").all();
    expect(audits.map((row) => JSON.parse(row.detail) as { imported: number })).toMatchObject([{ imported: distinctInstances.size }, { imported: 0 }]);
    db.close();
    const run = await runCli(['import', corpusPath('dicomdir'), '--data-dir', temp.dir, '--json']);
    expect(run.stderr).not.toMatch(/ﾌﾙﾊｼ|古橋|0000110231|Pancreas-CT-CB_001/);
  });
});

describe('importing a patient CD through its DICOMDIR', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let result: ImportJson;
  beforeAll(async () => {
    temp = makeTempDir('import-cd');
    result = await cliImport(temp.dir, [corpusPath('dicomdir/wakasa-mr-lspine-cd')]);
  });
  afterAll(() => temp.remove());

  it('imports the 67 images it lists, and nothing else on the disc', () => {
    const images = manifest.filter((file) => file.file.startsWith('dicomdir/') && isImportable(file));
    expect(images).toHaveLength(67);
    expect(result.imported).toBe(67);
    expect(result.alreadyPresent).toBe(0);
    // LICENSE.txt and README-source.md sit on the disc but are not in the DICOMDIR: not reported.
    expect(result.skipped).toEqual([]);
    expect(result.studies).toBe(1);
  });

  it('finds one study with 5 series and the patient name decoded from ISO 2022 Japanese', async () => {
    const run = await runCli(['search', '--data-dir', temp.dir, '--json']);
    const page = JSON.parse(run.stdout) as StudyPage;
    expect(page.total).toBe(1);
    const [study] = page.studies;
    expect(study?.patientName).toBe(manifestPatientNameOfCd());
    expect(study?.seriesCount).toBe(5);
    expect(study?.instanceCount).toBe(67);
    expect(study?.studyDate).toBe('2018-01-07');
  });

  it('finds the patient by the beginning of any written form of the name, and by date range', async () => {
    const total = async (...filters: string[]) => (JSON.parse((await runCli(['search', '--data-dir', temp.dir, '--json', ...filters])).stdout) as StudyPage).total;
    expect(await total('--name', '古橋')).toBe(1);
    expect(await total('--name', 'ﾌﾙ')).toBe(1); // half-width, as on the disc
    expect(await total('--name', 'フル')).toBe(1); // full-width, as typed on most keyboards
    expect(await total('--name', '大地')).toBe(1);
    expect(await total('--name', 'smith')).toBe(0);
    expect(await total('--from', '2018-01-01', '--to', '2018-01-31')).toBe(1);
    expect(await total('--from', '2018-01-08')).toBe(0);
    expect(await total('--modality', 'MR')).toBe(1);
    expect(await total('--modality', 'CT')).toBe(0);
  });
});
