/**
 * The Orthanc test helper gives the sync work a real DICOMweb server: a file from the corpus
 * stored by STOW-RS is found again by QIDO-RS, with the UIDs read from the file itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrthancServer, startOrthanc } from '../helpers/orthanc';
import { corpusDir } from '../helpers/paths';

const file = path.join(corpusDir, 'ct-series/pancreas-ct-cbct-seg/1-001.dcm');

function multipartRelated(parts: Buffer[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe('Orthanc test helper', () => {
  let orthanc: OrthancServer;
  beforeAll(async () => {
    orthanc = await startOrthanc();
  });
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('listens on loopback with DICOMweb enabled and its DICOM port closed', async () => {
    const system = (await (await fetch(`${orthanc.baseUrl}/system`)).json()) as { Version: string; DicomPort: number };
    expect(system.Version).toMatch(/^1\./);
    const plugins = (await (await fetch(`${orthanc.baseUrl}/plugins`)).json()) as string[];
    expect(plugins).toContain('dicom-web');
    expect(orthanc.dicomPort).toBeNull();
  });

  it('stores a corpus file by STOW-RS and finds it again by QIDO-RS', async () => {
    const bytes = readFileSync(file);
    const dataset = dicomParser.parseDicom(new Uint8Array(bytes), { untilTag: 'x7fe00010' });
    const studyUid = dataset.string('x0020000d');
    const sopUid = dataset.string('x00080018');
    expect(studyUid).toMatch(/^[0-9.]+$/);

    const boundary = 'lumen-test-boundary';
    const stored = await fetch(`${orthanc.dicomWebUrl}/studies`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body: new Uint8Array(multipartRelated([bytes], boundary)),
    });
    expect(stored.status).toBe(200);
    const stowAnswer = (await stored.json()) as Record<string, { Value?: Array<Record<string, { Value?: string[] }>> }>;
    const referenced = stowAnswer['00081199']?.Value ?? [];
    expect(referenced.map((item) => item['00081155']?.Value?.[0])).toEqual([sopUid]);

    const found = await fetch(`${orthanc.dicomWebUrl}/studies?StudyInstanceUID=${studyUid}`, { headers: { Accept: 'application/dicom+json' } });
    expect(found.status).toBe(200);
    const studies = (await found.json()) as Array<Record<string, { Value?: string[] }>>;
    expect(studies).toHaveLength(1);
    expect(studies[0]?.['0020000D']?.Value?.[0]).toBe(studyUid);

    const instances = (await (await fetch(`${orthanc.dicomWebUrl}/studies/${studyUid}/instances`, { headers: { Accept: 'application/dicom+json' } })).json()) as Array<Record<string, { Value?: string[] }>>;
    expect(instances.map((instance) => instance['00080018']?.Value?.[0])).toEqual([sopUid]);
  });
});
