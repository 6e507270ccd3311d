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
import { callHost, openFirstStudy } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';

interface Opened {
  study: { studyInstanceUid: string };
  series: Array<{ seriesInstanceUid: string; modality: string; instances: Array<{ sopInstanceUid: string; url: string }> }>;
}

describe('measurement report export', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let opened: Opened;

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
    for (const save of saves) expect(await callHost(host, 'annotations.save', { id: randomUUID(), calibration: 'pixel-spacing', ...save })).toMatchObject({ ok: true });

    const exported = await callHost(host, 'annotations.exportSr', { studyInstanceUid: opened.study.studyInstanceUid });
    expect(exported).toMatchObject({ ok: true, value: { measurements: 3, leftOut: 1 } });
    const sopInstanceUid = (exported.value as { sopInstanceUid: string }).sopInstanceUid;

    // A new series of the same study, modality SR, with the report in it.
    const again = (await callHost(host, 'viewer.openStudy', { studyInstanceUid: opened.study.studyInstanceUid })).value as Opened;
    const srSeries = again.series.find((s) => s.modality === 'SR');
    expect(srSeries?.instances.map((i) => i.sopInstanceUid)).toEqual([sopInstanceUid]);

    const response = await fetch(`${host.origin}${srSeries!.instances[0]!.url}`, { headers: { Authorization: `Bearer ${host.token}` } });
    const file = path.join(temp.dir, 'report.dcm');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
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
});
