/**
 * Exporting studies as a DICOM disc (a folder with DICOM/… and a DICOMDIR), through the browser
 * host's API on a real library: the files are the library's bytes, the DICOMDIR's records are
 * reached through their offsets as a reader walks them, DCMTK reads the disc, and importing the
 * disc into another library gives back every instance with the patient's name as written.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser, { type DataSet } from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ExportSummary, StudySummary } from '../../shared/api';
import { instanceFilePath } from '../../electron/services/instanceFiles';
import { cliImport, runCli } from '../helpers/cli';
import { corpusPath, manifestPatientNameOfCd } from '../helpers/corpus';
import { filesUnder } from '../helpers/libraryCheck';
import { callHost, callHostValue } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';

const SOURCES = [
  corpusPath('ct-series/pancreas-ct-cbct-seg'),
  corpusPath('dicomdir/wakasa-mr-lspine-cd'),
  // A dataset stored without a Part-10 header: it goes on the disc with one.
  corpusPath('color/OT-PAL-8-face.dcm'),
  // A structured report and a segmentation; a deflated SR.
  corpusPath('sr'),
  corpusPath('transfer-syntaxes/report_dfl.dcm'),
];

interface WalkedRecord {
  type: string;
  offset: number;
  dataSet: DataSet;
  children: WalkedRecord[];
}

/**
 * The DICOMDIR's record tree as a reader walks it: from the root offset, along each record's
 * next-sibling offset, down each lower-level offset. Every record must be reached exactly once.
 */
function walkDicomdir(bytes: Buffer): { records: WalkedRecord[]; dataSet: DataSet; reached: number; items: number } {
  const dataSet = dicomParser.parseDicom(bytes);
  const items = dataSet.elements['x00041220']?.items ?? [];
  // An offset names the first byte of the record's item tag, counted from the file's first byte.
  const byOffset = new Map(items.map((item) => [item.dataOffset - 8, item.dataSet!] as const));
  const seen = new Set<number>();
  const chain = (first: number): WalkedRecord[] => {
    const out: WalkedRecord[] = [];
    for (let offset = first; offset !== 0; ) {
      const record = byOffset.get(offset);
      if (!record) throw new Error(`offset ${offset} names no record`);
      if (seen.has(offset)) throw new Error(`record at ${offset} reached twice`);
      seen.add(offset);
      out.push({ type: record.string('x00041430') ?? '', offset, dataSet: record, children: chain(record.uint32('x00041420') ?? 0) });
      offset = record.uint32('x00041400') ?? 0;
    }
    return out;
  };
  const records = chain(dataSet.uint32('x00041200') ?? 0);
  return { records, dataSet, reached: seen.size, items: items.length };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('export as a DICOM disc', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let studies: StudySummary[];
  let summary: ExportSummary;
  let disc: string;

  beforeAll(async () => {
    temp = makeTempDir('export-disc');
    const dataDir = path.join(temp.dir, 'library');
    await cliImport(dataDir, SOURCES);
    host = await startHostProcess(dataDir);
    studies = (await callHostValue<{ studies: StudySummary[] }>(host, 'library.searchStudies', {})).studies;
    disc = path.join(temp.dir, 'usb stick');
    summary = await callHostValue<ExportSummary>(host, 'library.exportStudies', { studyInstanceUids: studies.map((study) => study.studyInstanceUid), folder: disc });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('writes every instance of the studies, byte for byte as the library holds it, and counts them', () => {
    const total = studies.reduce((sum, study) => sum + study.instanceCount, 0);
    expect(summary.studies).toBe(studies.length);
    expect(summary.leftOut).toEqual([]);
    expect(summary.exported).toBe(total);
    const files = filesUnder(path.join(disc, 'DICOM'));
    expect(files).toHaveLength(total);
    // PS3.12 file names: components of up to 8 upper-case letters and digits.
    for (const file of files) for (const part of path.relative(disc, file).split(path.sep)) expect(part).toMatch(/^[A-Z0-9_]{1,8}$/);
    expect(summary.bytes).toBe(files.reduce((sum, file) => sum + readFileSync(file).length, 0) + readFileSync(path.join(disc, 'DICOMDIR')).length);
  });

  it('lists them in a DICOMDIR a reader walks by its offsets: patient, study, series, instance, each pointing to its file', () => {
    const bytes = readFileSync(path.join(disc, 'DICOMDIR'));
    const { records, dataSet, reached, items } = walkDicomdir(bytes);
    expect(dataSet.string('x00020002')).toBe('1.2.840.10008.1.3.10');
    expect(dataSet.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(reached).toBe(items);
    expect(records.every((record) => record.type === 'PATIENT')).toBe(true);
    const studyRecords = records.flatMap((patient) => patient.children);
    expect(studyRecords.map((record) => record.type)).toEqual(studies.map(() => 'STUDY'));
    expect(new Set(studyRecords.map((record) => record.dataSet.string('x0020000d')))).toEqual(new Set(studies.map((study) => study.studyInstanceUid)));
    const library = path.join(temp.dir, 'library', 'instances');
    let instances = 0;
    for (const study of studyRecords) {
      const seriesRecords = study.children;
      expect(seriesRecords.every((series) => series.type === 'SERIES' && Boolean(series.dataSet.string('x0020000e')) && Boolean(series.dataSet.string('x00080060')))).toBe(true);
      for (const series of seriesRecords) {
        for (const record of series.children) {
          instances += 1;
          expect(['IMAGE', 'SR DOCUMENT']).toContain(record.type);
          const fileId = (record.dataSet.string('x00041500') ?? '').split('\\');
          const file = path.join(disc, ...fileId);
          const onDisc = readFileSync(file);
          const parsed = dicomParser.parseDicom(onDisc, { untilTag: 'x7fe00010' });
          // The record names the file's own instance, class and transfer syntax, and its series and study.
          const sopInstanceUid = record.dataSet.string('x00041511') ?? '';
          expect(parsed.string('x00080018')).toBe(sopInstanceUid);
          expect(parsed.string('x00080016')).toBe(record.dataSet.string('x00041510'));
          expect(parsed.string('x00020010')).toBe(record.dataSet.string('x00041512'));
          expect(parsed.string('x0020000e')).toBe(series.dataSet.string('x0020000e'));
          expect(parsed.string('x0020000d')).toBe(study.dataSet.string('x0020000d'));
          // The library's bytes; a file stored without a Part-10 header gains one, the dataset unchanged.
          const stored = readFileSync(instanceFilePath(library, sopInstanceUid));
          if (stored.subarray(128, 132).toString('latin1') === 'DICM') expect(sha256(onDisc)).toBe(sha256(stored));
          else expect(sha256(onDisc.subarray(onDisc.length - stored.length))).toBe(sha256(stored));
        }
      }
    }
    expect(instances).toBe(summary.exported);
    // The structured reports are listed as such, with their title.
    const reports = studyRecords.flatMap((study) => study.children.flatMap((series) => series.children)).filter((record) => record.type === 'SR DOCUMENT');
    expect(reports.length).toBe(2);
    for (const report of reports) expect(report.dataSet.elements['x0040a043']?.items?.[0]?.dataSet?.string('x00080100')).toBeTruthy();
  });

  it('keeps the CD patient’s name in the bytes and character set the modality wrote', () => {
    const cdSource = dicomParser.parseDicom(readFileSync(path.join(corpusPath('dicomdir/wakasa-mr-lspine-cd'), 'DICOMDIR')));
    const { records } = walkDicomdir(readFileSync(path.join(disc, 'DICOMDIR')));
    const sourceName = cdSource.elements['x00041220']!.items!.map((item) => item.dataSet!).find((record) => record.string('x00041430') === 'PATIENT')!;
    const raw = (set: DataSet, tag: string) => {
      const found = set.elements[tag]!;
      return Buffer.from(set.byteArray.subarray(found.dataOffset, found.dataOffset + found.length)).toString('hex');
    };
    const patient = records.find((record) => record.dataSet.elements['x00080005'] && raw(record.dataSet, 'x00100010') === raw(sourceName, 'x00100010'));
    expect(patient, 'a PATIENT record with the CD’s own name bytes and a character set').toBeDefined();
    expect(patient?.dataSet.string('x00080005')).toContain('ISO 2022');
  });

  it('is read by DCMTK: dcmdump parses it, and dcmmkdir, updating it, finds every file listed already', () => {
    const recordTypes = (dicomdir: string) => execFileSync('dcmdump', ['-q', '+P', '0004,1430', dicomdir], { encoding: 'utf8' }).trim().split('\n').map((line) => /\[(.*)\]/.exec(line)?.[1]).sort();
    const ours = recordTypes(path.join(disc, 'DICOMDIR'));
    expect(ours.filter((type) => type === 'IMAGE' || type === 'SR DOCUMENT')).toHaveLength(summary.exported);
    // DCMTK's update walks the records it finds and adds a record for each file it does not: the
    // same records afterwards means it reached every one of ours, through our offsets. (Files in
    // Implicit VR Little Endian are let through: see the README on STD-GEN-CD.)
    const copy = path.join(temp.dir, 'dcmtk-check');
    execFileSync('cp', ['-r', disc, copy]);
    execFileSync('dcmmkdir', ['+U', '-Nxc', '-q', '+id', copy, '+D', path.join(copy, 'DICOMDIR'), '--recurse', 'DICOM'], { cwd: copy, stdio: 'pipe' });
    expect(recordTypes(path.join(copy, 'DICOMDIR'))).toEqual(ours);
  });

  it('imports into another library through its DICOMDIR, every instance and the patient’s name as on the CD', async () => {
    const other = path.join(temp.dir, 'other-library');
    const result = await cliImport(other, [disc]);
    expect(result.skipped).toEqual([]);
    expect(result.imported).toBe(summary.exported);
    const search = await runCli(['search', '--data-dir', other, '--json']);
    const found = (JSON.parse(search.stdout) as { studies: StudySummary[] }).studies;
    expect(new Set(found.map((study) => study.studyInstanceUid))).toEqual(new Set(studies.map((study) => study.studyInstanceUid)));
    expect(found.map((study) => study.patientName)).toContain(manifestPatientNameOfCd());
  });

  it('refuses a folder that already holds a disc, and one inside the library; overwrites nothing', async () => {
    const before = sha256(readFileSync(path.join(disc, 'DICOMDIR')));
    const again = await callHost(host, 'library.exportStudies', { studyInstanceUids: [studies[0]!.studyInstanceUid], folder: disc });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already holds a DICOM disc/) as unknown } });
    expect(sha256(readFileSync(path.join(disc, 'DICOMDIR')))).toBe(before);
    const inside = await callHost(host, 'library.exportStudies', { studyInstanceUids: [studies[0]!.studyInstanceUid], folder: path.join(temp.dir, 'library', 'exports') });
    expect(inside).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(existsSync(path.join(temp.dir, 'library', 'exports'))).toBe(false);
    const relative = await callHost(host, 'library.exportStudies', { studyInstanceUids: [studies[0]!.studyInstanceUid], folder: 'disc' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // A file where the folder should be.
    mkdirSync(path.join(temp.dir, 'files'), { recursive: true });
    writeFileSync(path.join(temp.dir, 'files', 'a-file'), 'x');
    expect(await callHost(host, 'library.exportStudies', { studyInstanceUids: [studies[0]!.studyInstanceUid], folder: path.join(temp.dir, 'files', 'a-file') })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('writes an audit row without the folder’s path', async () => {
    const entries = (await callHostValue<{ entries: AuditEntry[] }>(host, 'audit.query', { action: 'study.export', limit: 10 })).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).toMatchObject({ studies: studies.length, instances: summary.exported, leftOut: 0 });
    expect(JSON.stringify(entries[0])).not.toContain(temp.dir);
  });
});
