/**
 * Diagnosis reports through the host's API on a real library: drafts with conflicts between
 * windows, version history, sign-off that makes a part final (in the API and in the database
 * itself), addenda, the worklist filter, and the Basic Text SR of a signed report as DCMTK's
 * dsrdump reads it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportPart, StudyReport } from '../../shared/api';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost, openFirstStudy } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';

interface Opened {
  study: { studyInstanceUid: string };
  series: Array<{ seriesInstanceUid: string; modality: string; instances: Array<{ sopInstanceUid: string; url: string }> }>;
}

function expectRefused(answer: { ok: boolean; error?: { code: string; message: string } }, code: string, message: RegExp): void {
  expect(answer.ok).toBe(false);
  expect(answer.error?.code).toBe(code);
  expect(answer.error?.message).toMatch(message);
}

const FINDINGS = 'Lungs: 8 mm nodule in the right upper lobe.\nPleura: no effusion.\nUnicode: Ærø, 東京, naïve — “quoted”.';
const IMPRESSION = 'Indeterminate right upper lobe nodule.';
const RECOMMENDATIONS = 'CT chest in 3 months.';

describe('diagnosis reports', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let study: string;
  const windowA = randomUUID();
  const windowB = randomUUID();
  const partId = randomUUID();
  let signedPart: ReportPart;

  const content = (findings: string, extra: Partial<{ impression: string; recommendations: string; severity: string }> = {}) => ({
    findings,
    impression: extra.impression ?? '',
    recommendations: extra.recommendations ?? '',
    severity: extra.severity ?? '',
    templateId: '',
  });
  const save = (editor: string, baseRevision: number, body: ReturnType<typeof content>, id: string = partId, force = false) =>
    callHost(host, 'reports.saveDraft', { studyInstanceUid: study, partId: id, baseRevision, editor, content: body, force });
  const report = async () => (await callHost(host, 'reports.get', { studyInstanceUid: study })).value as StudyReport;
  const worklist = async (reportStatus: string) =>
    ((await callHost(host, 'library.searchStudies', { reportStatus })).value as { studies: Array<{ studyInstanceUid: string; reportStatus: string }> }).studies;
  const srFile = async (sopInstanceUid: string, name: string): Promise<string> => {
    const opened = (await callHost(host, 'viewer.openStudy', { studyInstanceUid: study })).value as Opened;
    const instance = opened.series.flatMap((series) => series.instances).find((candidate) => candidate.sopInstanceUid === sopInstanceUid);
    expect(instance, 'the SR is an instance of the study').toBeDefined();
    const response = await fetch(`${host.origin}${instance!.url}`, { headers: { Authorization: `Bearer ${host.token}` } });
    const file = path.join(temp.dir, name);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    return file;
  };

  beforeAll(async () => {
    temp = makeTempDir('reports');
    await cliImport(temp.dir, [corpusPath('mr-series/cptac-sar-ax-scout')]);
    host = await startHostProcess(temp.dir);
    study = (await openFirstStudy<Opened>(host)).study.studyInstanceUid;
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('starts unreported, and a first save makes a draft', async () => {
    expect(await report()).toEqual({ studyInstanceUid: study, status: 'unreported', parts: [], elsewhere: [] });
    expect((await worklist('unreported')).map((s) => s.studyInstanceUid)).toContain(study);
    const saved = await save(windowA, 0, content('Lungs'));
    expect(saved).toMatchObject({ ok: true, value: { outcome: 'saved', status: 'draft', part: { id: partId, sequence: 0, revision: 1, findings: 'Lungs' } } });
    expect((await worklist('draft')).map((s) => s.studyInstanceUid)).toEqual([study]);
    expect(await worklist('unreported')).toEqual([]);
  });

  it('never lets a second window overwrite the first silently', async () => {
    expect(await save(windowA, 1, content('Lungs: 8 mm'))).toMatchObject({ value: { outcome: 'saved', part: { revision: 2 } } });
    // Window B opened the report at revision 1 and saves: told, with what is stored now.
    const conflict = await save(windowB, 1, content('Lungs clear'));
    expect(conflict).toMatchObject({ ok: true, value: { outcome: 'conflict', current: { revision: 2, findings: 'Lungs: 8 mm' } } });
    expect((await report()).parts[0]).toMatchObject({ findings: 'Lungs: 8 mm', revision: 2 });
    // A window's own save after a lost answer is not a conflict.
    expect(await save(windowA, 1, content('Lungs: 8 mm nodule'))).toMatchObject({ value: { outcome: 'saved', part: { revision: 3 } } });
    // Window B may choose to overwrite, knowingly.
    expect(await save(windowB, 1, content('Lungs: overwritten'), partId, true)).toMatchObject({ value: { outcome: 'saved', part: { revision: 4 } } });
    // Another window creating the report at the same time gets the one that exists.
    expect(await save(windowB, 0, content('other'), randomUUID())).toMatchObject({ value: { outcome: 'conflict', current: { id: partId } } });
  });

  it('keeps a browsable version history: one version per window and minute', async () => {
    const versions = (await callHost(host, 'reports.versions', { partId })).value as Array<{ editor: string; findings: string; revision: number }>;
    expect(versions.map((v) => [v.editor, v.findings, v.revision])).toEqual([
      [windowB, 'Lungs: overwritten', 4],
      [windowA, 'Lungs: 8 mm nodule', 3],
    ]);
  });

  it('signs only with a name, only what the radiologist saw, and then refuses every change', async () => {
    const body = content(FINDINGS, { impression: IMPRESSION, recommendations: RECOMMENDATIONS, severity: 'significant' });
    expect(await save(windowA, 4, body)).toMatchObject({ value: { outcome: 'saved', part: { revision: 5 } } });
    expectRefused(await callHost(host, 'reports.sign', { studyInstanceUid: study, partId, revision: 5 }), 'conflict', /name in Settings/);
    await callHost(host, 'settings.set', { radiologistName: 'Roe^Jane^^Dr.', institutionName: 'Lumen Test Hospital' });
    expectRefused(await callHost(host, 'reports.sign', { studyInstanceUid: study, partId, revision: 4 }), 'conflict', /changed since/);

    const signed = await callHost(host, 'reports.sign', { studyInstanceUid: study, partId, revision: 5 });
    expect(signed).toMatchObject({ ok: true, value: { srError: null, report: { status: 'final' } } });
    signedPart = (signed.value as { report: StudyReport }).report.parts[0]!;
    expect(signedPart).toMatchObject({ findings: FINDINGS, impression: IMPRESSION, recommendations: RECOMMENDATIONS, severity: 'significant', signedBy: 'Roe^Jane^^Dr.' });
    expect(signedPart.signedAt).not.toBeNull();
    expect(signedPart.srSopInstanceUid).toMatch(/^2\.25\.\d+$/);

    // Through the API: refused, for any window and even when forced.
    expectRefused(await save(windowA, 5, content('changed')), 'conflict', /signed and final/);
    expect(await save(windowB, 5, content('changed'), partId, true)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await callHost(host, 'reports.sign', { studyInstanceUid: study, partId, revision: 5 })).toMatchObject({ ok: false });
    // And in the database itself, whatever code would try.
    const db = new Database(path.join(temp.dir, 'library.sqlite'));
    try {
      expect(() => db.prepare("UPDATE report_parts SET findings = 'tampered' WHERE id = ?").run(partId)).toThrow(/signed report is final/);
      expect(() => db.prepare('DELETE FROM report_parts WHERE id = ?').run(partId)).toThrow(/signed report is final/);
    } finally {
      db.close();
    }
    expect((await report()).parts[0]!.findings).toBe(FINDINGS);
    expect((await worklist('final')).map((s) => [s.studyInstanceUid, s.reportStatus])).toEqual([[study, 'final']]);
  });

  it('writes the signed report as a Basic Text SR that dsrdump reads, with exactly the signed text, flags and observer', async () => {
    const file = await srFile(signedPart.srSopInstanceUid!, 'report.dcm');
    // dsrdump checks the document against its IOD as it reads: no complaint, and the values.
    const run = spawnSync('dsrdump', ['--print-long-values', file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    // DCMTK 3.6.7 cannot check string VRs in UTF-8 and says so; anything else would be a finding.
    expect(run.stderr.split('\n').filter((line) => line && !line.includes('VR checker does not support this Specific Character Set'))).toEqual([]);
    const dump = run.stdout;
    expect(dump).toMatch(/^Basic Text SR Document/m);
    expect(dump).toMatch(/Completion Flag\s*: COMPLETE/);
    expect(dump).toMatch(/Verification Flag\s*: VERIFIED/);
    expect(dump).toMatch(/Verifying Observers\s*:.*Roe\^Jane\^\^Dr\., Lumen Test Hospital/);
    expect(dump).toContain('<has obs context PNAME:(,,"Person Observer Name")="Roe^Jane^^Dr.">');
    expect(dump).toContain('<contains CONTAINER:(,,"Findings")=SEPARATE>');
    expect(dump).toContain('"Diagnostic Imaging Report"');
    expect(dump).toContain('"Findings"');
    expect(dump).toContain('"Impressions"');
    expect(dump).toContain('"Recommendations"');
    // The text items hold the signed text exactly (dcm2json gives the values unabridged).
    const json = JSON.parse(execFileSync('dcm2json', [file], { encoding: 'utf8' })) as Record<string, { Value?: unknown[] }>;
    const texts: string[] = [];
    const walk = (items: unknown[] | undefined) => {
      for (const item of (items ?? []) as Array<Record<string, { Value?: unknown[] }>>) {
        if (item['0040A040']?.Value?.[0] === 'TEXT') texts.push(String(item['0040A160']?.Value?.[0]));
        walk(item['0040A730']?.Value);
      }
    };
    walk(json['0040A730']?.Value);
    expect(texts).toEqual([FINDINGS, IMPRESSION, RECOMMENDATIONS, 'Significant']);
    expect(json['0040A073']?.Value).toMatchObject([{ '0040A075': { Value: [{ Alphabetic: 'Roe^Jane^^Dr.' }] } }]);
    expect(json['00080016']?.Value).toEqual(['1.2.840.10008.5.1.4.1.1.88.11']);
    // It is about this study, and lists its images as the evidence.
    expect(json['0020000D']?.Value).toEqual([study]);
    expect(json['0040A375']?.Value).toHaveLength(1);
  });

  it('takes later changes as an addendum, signed in turn, and marks the report amended', async () => {
    const withAddendum = (await callHost(host, 'reports.addAddendum', { studyInstanceUid: study })).value as StudyReport;
    const addendum = withAddendum.parts[1]!;
    expect(addendum).toMatchObject({ sequence: 1, revision: 0, signedAt: null, findings: '' });
    // Only one open addendum at a time.
    expect(await callHost(host, 'reports.addAddendum', { studyInstanceUid: study })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await save(windowA, 0, content('Addendum: nodule is unchanged from 2019 (outside CT).', { impression: 'Benign, stable nodule.' }), addendum.id)).toMatchObject({
      value: { outcome: 'saved', status: 'final' },
    });
    const signed = await callHost(host, 'reports.sign', { studyInstanceUid: study, partId: addendum.id, revision: 1 });
    expect(signed).toMatchObject({ ok: true, value: { srError: null, report: { status: 'amended' } } });
    const parts = (signed.value as { report: StudyReport }).report.parts;
    expect(parts.map((part) => part.findings)).toEqual([FINDINGS, 'Addendum: nodule is unchanged from 2019 (outside CT).']);
    expect(await save(windowA, 1, content('again'), addendum.id)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Its SR names the report's SR as its predecessor.
    const json = JSON.parse(execFileSync('dcm2json', [await srFile(parts[1]!.srSopInstanceUid!, 'addendum.dcm')], { encoding: 'utf8' })) as Record<string, { Value?: Array<Record<string, { Value?: Array<Record<string, { Value?: Array<Record<string, { Value?: unknown[] }>> }>> }>> }>;
    const predecessor = json['0040A360']?.Value?.[0]?.['00081115']?.Value?.[0]?.['00081199']?.Value?.[0]?.['00081155']?.Value;
    expect(predecessor).toEqual([signedPart.srSopInstanceUid]);
    expect((await worklist('final')).map((s) => s.reportStatus)).toEqual(['amended']);
  });

  it('records creating, editing, signing and the addendum in the audit log, without the text', async () => {
    const audit = (await callHost(host, 'audit.query', { limit: 200 })).value as { entries: Array<{ action: string; detail: Record<string, unknown> }> };
    const actions = audit.entries.map((entry) => entry.action);
    for (const action of ['report.create', 'report.edit', 'report.sign', 'report.sr-export', 'report.addendum', 'report.addendum-sign']) expect(actions).toContain(action);
    expect(JSON.stringify(audit.entries)).not.toContain('nodule');
  });
});
