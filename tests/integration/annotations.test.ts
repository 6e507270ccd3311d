/**
 * Annotations and key images through the browser host's API: saved as drawn, updated in place
 * by id, deleted, audited without their text, kept across a restart, refused for images that
 * are not in the study, and gone with their study.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost, openFirstStudy } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';

interface Opened {
  study: { studyInstanceUid: string };
  series: Array<{ seriesInstanceUid: string; instances: Array<{ sopInstanceUid: string }> }>;
}

describe('annotations through the API', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let opened: Opened;
  const image = () => {
    const series = opened.series[0]!;
    return { studyInstanceUid: opened.study.studyInstanceUid, seriesInstanceUid: series.seriesInstanceUid, sopInstanceUid: series.instances[1]!.sopInstanceUid, frame: 0 };
  };
  const length = (id: string, end = 110) => ({
    id,
    ...image(),
    tool: 'length',
    handles: { start: { x: 10, y: 20 }, end: { x: end, y: 20 } },
    label: 'lesion next to the pancreas',
    measurement: { length: { value: (end - 10) * 0.5, unit: 'mm' } },
    calibration: 'pixel-spacing',
  });

  beforeAll(async () => {
    temp = makeTempDir('annotations');
    await cliImport(temp.dir, [corpusPath('mr-series/cptac-sar-ax-scout')]);
    host = await startHostProcess(temp.dir);
    opened = await openFirstStudy<Opened>(host);
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('saves an annotation, lists it, and updates it in place by its id', async () => {
    const id = randomUUID();
    const created = await callHost(host, 'annotations.save', length(id));
    expect(created).toMatchObject({ ok: true, value: { id, tool: 'length', measurement: { length: { value: 50, unit: 'mm' } } } });
    const updated = await callHost(host, 'annotations.save', length(id, 210));
    expect(updated).toMatchObject({ ok: true, value: { handles: { end: { x: 210, y: 20 } }, measurement: { length: { value: 100, unit: 'mm' } } } });
    const listed = await callHost(host, 'annotations.list', { studyInstanceUid: image().studyInstanceUid });
    const annotations = (listed.value as { annotations: Array<{ id: string; handles: unknown; createdAt: string; updatedAt: string }> }).annotations;
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({ id, handles: { start: { x: 10, y: 20 }, end: { x: 210, y: 20 } } });
    expect(annotations[0]!.updatedAt >= annotations[0]!.createdAt).toBe(true);

    const audit = await callHost(host, 'audit.query', { subject: image().studyInstanceUid });
    const entries = (audit.value as { entries: Array<{ action: string; detail: Record<string, unknown> }> }).entries;
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['annotation.create', 'annotation.update']));
    // The reader's text can name the patient: it never goes into the audit log.
    expect(JSON.stringify(entries)).not.toContain('pancreas');
  });

  it('refuses an annotation on an image outside the study, a moved id, and malformed points', async () => {
    const elsewhere = { ...length(randomUUID()), studyInstanceUid: '1.2.3.4' };
    expect(await callHost(host, 'annotations.save', elsewhere)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const id = randomUUID();
    await callHost(host, 'annotations.save', length(id));
    const moved = { ...length(id), sopInstanceUid: opened.series[0]!.instances[0]!.sopInstanceUid };
    expect(await callHost(host, 'annotations.save', moved)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    for (const bad of [
      { ...length(randomUUID()), tool: 'laser' },
      { ...length(randomUUID()), handles: {} },
      { ...length(randomUUID()), handles: { start: { x: 'ten', y: 1 } } },
      { ...length(randomUUID()), id: 'not-a-uuid' },
      { ...length(randomUUID()), label: 'x'.repeat(5000) },
    ]) {
      expect(await callHost(host, 'annotations.save', bad)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(await callHost(host, 'annotations.delete', { id })).toMatchObject({ ok: true, value: { deleted: true } });
    expect(await callHost(host, 'annotations.delete', { id })).toMatchObject({ ok: true, value: { deleted: false } });
  });

  it('flags key images, which the study list counts', async () => {
    const { studyInstanceUid, sopInstanceUid, frame } = image();
    const keyImage = { studyInstanceUid, sopInstanceUid, frame };
    expect(await callHost(host, 'keyImages.set', { ...keyImage, key: true })).toMatchObject({ ok: true, value: { key: true } });
    expect(await callHost(host, 'keyImages.set', { ...keyImage, key: true })).toMatchObject({ ok: true });
    const listed = await callHost(host, 'library.searchStudies', {});
    expect((listed.value as { studies: Array<{ keyImages: number }> }).studies[0]!.keyImages).toBe(1);
    const annotations = await callHost(host, 'annotations.list', { studyInstanceUid: image().studyInstanceUid });
    expect((annotations.value as { keyImages: unknown[] }).keyImages).toEqual([{ sopInstanceUid: image().sopInstanceUid, frame: 0 }]);
    expect(await callHost(host, 'keyImages.set', { ...keyImage, studyInstanceUid: '1.2.3.4', key: true })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('keeps annotations across a restart, and drops them with their study', async () => {
    await host.stop();
    host = await startHostProcess(temp.dir);
    const listed = await callHost(host, 'annotations.list', { studyInstanceUid: image().studyInstanceUid });
    expect((listed.value as { annotations: unknown[]; keyImages: unknown[] }).annotations).toHaveLength(1);
    expect((listed.value as { keyImages: unknown[] }).keyImages).toHaveLength(1);
    await callHost(host, 'library.deleteStudy', { studyInstanceUid: image().studyInstanceUid });
    const after = await callHost(host, 'annotations.list', { studyInstanceUid: image().studyInstanceUid });
    expect(after.value).toEqual({ annotations: [], keyImages: [], srDocuments: [] });
  });
});
