/**
 * The study's measurements exported as a DICOM SR (TID 1500): written into the library as a
 * new series of the study, readable by DCMTK's dsrdump with the values in it.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost, openEvents, openFirstStudy } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';
import type { StudyAnnotations } from '../../shared/api';

interface Opened {
  study: { studyInstanceUid: string };
  series: Array<{ seriesInstanceUid: string; modality: string; instances: Array<{ sopInstanceUid: string; url: string }> }>;
}

describe('measurement report export', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let opened: Opened;
  /** What the first test saved and where it wrote the exported report. */
  let saved: Array<Record<string, unknown> & { id: string; tool: string }> = [];
  let reportFile = '';

  beforeAll(async () => {
    temp = makeTempDir('sr-export');
    await cliImport(temp.dir, [corpusPath('mr-series/cptac-sar-ax-scout')]);
    host = await startHostProcess(temp.dir);
    opened = await openFirstStudy<Opened>(host);
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('refuses a study without measurements', async () => {
    expect(await callHost(host, 'annotations.exportSr', { studyInstanceUid: opened.study.studyInstanceUid })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('writes a TID 1500 report into the study that dsrdump reads, with the values', async () => {
    const series = opened.series[0]!;
    const on = (index: number) => ({ studyInstanceUid: opened.study.studyInstanceUid, seriesInstanceUid: series.seriesInstanceUid, sopInstanceUid: series.instances[index]!.sopInstanceUid, frame: 0 });
    const saves = [
      { ...on(0), tool: 'length', handles: { start: { x: 10, y: 20 }, end: { x: 110, y: 20 } }, measurement: { length: { value: 42.5, unit: 'mm' } }, label: '' },
      { ...on(1), tool: 'ellipseRoi', handles: { start: { x: 50, y: 50 }, end: { x: 90, y: 80 } }, measurement: { area: { value: 123.4, unit: 'mm²' }, mean: { value: 87.6, unit: 'HU' }, stdDev: { value: 12.3, unit: 'HU' } }, label: '' },
      { ...on(1), tool: 'angle', handles: { start: { x: 10, y: 10 }, middle: { x: 40, y: 10 }, end: { x: 40, y: 50 } }, measurement: { angle: { value: 90, unit: 'deg' } }, label: '' },
      { ...on(2), tool: 'probe', handles: { end: { x: 5, y: 5 } }, measurement: {}, label: '' },
    ];
    saved = saves.map((save) => ({ id: randomUUID(), calibration: 'pixel-spacing', ...save }));
    for (const save of saved) expect(await callHost(host, 'annotations.save', save)).toMatchObject({ ok: true });

    const events = await openEvents(host);
    await events.next((event) => event.name === 'library.changed');
    const exported = await callHost(host, 'annotations.exportSr', { studyInstanceUid: opened.study.studyInstanceUid });
    // The report goes into the library quietly: no import panel or summary for the reader.
    await events.next((event) => event.name === 'library.changed');
    expect(events.pending().map((event) => event.name)).not.toContain('import.finished');
    await events.close();
    expect(exported).toMatchObject({ ok: true, value: { measurements: 3, leftOut: 1 } });
    const sopInstanceUid = (exported.value as { sopInstanceUid: string }).sopInstanceUid;

    // A new series of the same study, modality SR, with the report in it.
    const again = (await callHost(host, 'viewer.openStudy', { studyInstanceUid: opened.study.studyInstanceUid })).value as Opened;
    const srSeries = again.series.find((s) => s.modality === 'SR');
    expect(srSeries?.instances.map((i) => i.sopInstanceUid)).toEqual([sopInstanceUid]);

    const response = await fetch(`${host.origin}${srSeries!.instances[0]!.url}`, { headers: { Authorization: `Bearer ${host.token}` } });
    const file = path.join(temp.dir, 'report.dcm');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    reportFile = file;
    const dump = execFileSync('dsrdump', [file], { encoding: 'utf8' });
    expect(dump).toContain('Imaging Measurement Report');
    expect(dump).toContain('42.5');
    expect(dump).toContain('123.4');
    expect(dump).toMatch(/SCOORD/);
    // The ROI's area in mm², its statistics in HU: the units travel with the values.
    expect(dump).toMatch(/"Area"\)="123\.4" \(mm2,UCUM/);
    expect(dump).toMatch(/"Mean"\)="87\.6" \(\[hnsf'U\],UCUM/);
    expect(dump).toMatch(/"Length"\)="42\.5" \(mm,UCUM/);

    const audit = await callHost(host, 'audit.query', { action: 'report.measurements-export' });
    expect((audit.value as { entries: unknown[] }).entries).toHaveLength(1);
  });

  it('reads its own report back as already present: nothing doubled', async () => {
    const listed = (await callHost(host, 'annotations.list', { studyInstanceUid: opened.study.studyInstanceUid })).value as StudyAnnotations;
    expect(listed.annotations).toHaveLength(saved.length);
    expect(listed.srDocuments).toMatchObject([{ origin: 'ours', restored: 0, title: 'Imaging Measurement Report', error: null }]);
  });

  it('restores the measurements when the report is imported into another library, once', async () => {
    expect(reportFile).not.toBe('');
    const other = makeTempDir('sr-reimport');
    try {
      const imported = await cliImport(other.dir, [corpusPath('mr-series/cptac-sar-ax-scout'), reportFile]);
      expect(imported.imported).toBeGreaterThan(3);
      expect(imported.skipped.map((skip) => skip.file)).not.toContain(reportFile);
      const again = await startHostProcess(other.dir);
      try {
        const studyInstanceUid = opened.study.studyInstanceUid;
        const listed = (await callHost(again, 'annotations.list', { studyInstanceUid })).value as StudyAnnotations;
        // Every measurement but the probe (TID 1500 here carries no point values) comes back
        // with its id, image, points and values.
        const carried = saved.filter((save) => save.tool !== 'probe');
        expect(listed.annotations).toHaveLength(carried.length);
        for (const expected of carried) {
          const restored = listed.annotations.find((annotation) => annotation.id === expected.id);
          expect(restored, expected.tool).toMatchObject({
            tool: expected.tool,
            sopInstanceUid: expected['sopInstanceUid'],
            seriesInstanceUid: expected['seriesInstanceUid'],
            frame: 0,
            // Boxes come back as top-left and bottom-right corners, as they were drawn here.
            handles: expected['handles'],
            measurement: expected['measurement'],
            calibration: 'pixel-spacing',
          });
        }
        expect(listed.srDocuments).toMatchObject([{ origin: 'imported', restored: carried.length, groups: [], error: null }]);

        // Read once: a restored measurement the reader deletes stays deleted.
        expect(await callHost(again, 'annotations.delete', { id: carried[0]!.id })).toMatchObject({ ok: true, value: { deleted: true } });
        const later = (await callHost(again, 'annotations.list', { studyInstanceUid })).value as StudyAnnotations;
        expect(later.annotations.map((annotation) => annotation.id)).not.toContain(carried[0]!.id);
        expect(later.annotations).toHaveLength(carried.length - 1);

        const audit = await callHost(again, 'audit.query', { action: 'annotation.import-sr' });
        expect((audit.value as { entries: Array<{ detail: Record<string, unknown> }> }).entries.map((entry) => entry.detail['restored'])).toEqual([carried.length]);
      } finally {
        await again.stop();
      }
    } finally {
      other.remove();
    }
  });

  it('lists the measurements of reports made elsewhere, with their units and derivations', async () => {
    const other = makeTempDir('sr-foreign');
    try {
      await cliImport(other.dir, [corpusPath('sr/dcmqi_sr.dcm'), corpusPath('transfer-syntaxes/report_dfl.dcm')]);
      const otherHost = await startHostProcess(other.dir);
      try {
        const page = (await callHost(otherHost, 'library.searchStudies', {})).value as { studies: Array<{ studyInstanceUid: string }> };
        const documents: StudyAnnotations['srDocuments'] = [];
        for (const study of page.studies) documents.push(...((await callHost(otherHost, 'annotations.list', { studyInstanceUid: study.studyInstanceUid })).value as StudyAnnotations).srDocuments);
        expect(documents).toHaveLength(2);

        // dcmqi's PET measurement report (TID 1500, volumetric: no image coordinates to draw).
        const dcmqi = documents.find((document) => document.title === 'Imaging Measurement Report');
        expect(dcmqi).toMatchObject({ origin: 'imported', restored: 0, observer: 'User2', contentDate: '2015-08-19', error: null });
        const tumour = dcmqi!.groups[0]!;
        expect(tumour).toMatchObject({ trackingId: 'primary tumor', finding: 'Neoplasm, Primary', findingSite: 'pharyngeal tonsil (adenoid)' });
        expect(tumour.values).toContainEqual({ name: 'SUVbw (Mean)', value: 6.01529, unit: '{SUVbw}g/ml' });
        expect(tumour.values).toContainEqual({ name: 'Volume', value: 33.5824, unit: 'ml' });
        expect(tumour.values).toHaveLength(22);

        // A free-text Enhanced SR (deflated) with one number in it.
        const consultation = documents.find((document) => document.title === 'Consultation Report');
        expect(consultation?.groups).toEqual([{ trackingId: 'Consultation Report', trackingUid: '', finding: '', findingSite: '', values: [{ name: 'Diameter', value: 1.5, unit: 'cm' }], image: null }]);
      } finally {
        await otherHost.stop();
      }
    } finally {
      other.remove();
    }
  });
});
