/// <reference lib="dom" />
/**
 * A radiologist compares the study being read with the same patient's earlier one: the priors
 * listed beside the series, one opened beside the study (1 × 2, marked as the prior with its
 * date), measured on, and closed again. Debian's Chromium, the real host; the prior is made
 * from the corpus CT (its first 20 slices, new UIDs, an earlier Study Date).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { StudyReport } from '../../shared/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { startOrthanc } from '../helpers/orthanc';
import { writePriorStudy } from '../helpers/syntheticCorpus';
import { makeTempDir } from '../helpers/tempDir';
import { dragMouse } from '../helpers/viewerPage';

const CT = corpusPath('ct-series/pancreas-ct-cbct-seg');

describe('comparing with a prior', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let prior: { studyInstanceUid: string; seriesInstanceUid: string };
  let currentStudyUid: string;

  const viewport = (slot: number) => page.getByTestId(`viewport-${slot}`);
  const dataOf = (slot: number) => viewport(slot).evaluate((element) => ({ ...(element as HTMLElement).dataset }) as Record<string, string>);
  const annotationsOf = async (studyInstanceUid: string) => ((await callHost(host, 'annotations.list', { studyInstanceUid })).value as { annotations: unknown[]; keyImages: unknown[] });

  /** Opens the patient's study of that date from the list. */
  async function openStudyOf(date: string): Promise<void> {
    await page.getByPlaceholder('Beginning of any name…').fill('Pancreas');
    await page.getByTestId('study-row').filter({ hasText: date }).click();
    await page.keyboard.press('Enter');
    await page.waitForFunction((when) => (document.querySelector('[data-testid="viewport-overlay-0"]')?.textContent ?? '').includes(when), date);
  }

  beforeAll(async () => {
    temp = makeTempDir('e2e-priors');
    prior = writePriorStudy(CT, path.join(temp.dir, 'prior'), { count: 20, studyDate: '20100315', serialBase: 7_000_000 });
    const dataDir = path.join(temp.dir, 'library');
    // Another patient too, whose study has no prior here.
    await cliImport(dataDir, [CT, path.join(temp.dir, 'prior'), corpusPath('cr-dx/dx_image.dcm')]);
    host = await startHostProcess(dataDir);
    const found = (await callHost(host, 'library.searchStudies', { patientId: 'Pancreas-CT-CB_001' })).value as { studies: Array<{ studyInstanceUid: string }> };
    currentStudyUid = found.studies.map((study) => study.studyInstanceUid).find((uid) => uid !== prior.studyInstanceUid) ?? '';
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.addInitScript(() => localStorage.setItem('lumen.report.panel', 'closed'));
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('lists the patient’s earlier study beside the series, and none for a patient with one study', async () => {
    await openStudyOf('2012-07-06');
    const priors = page.getByTestId('prior-study');
    await expect.poll(() => priors.count()).toBe(1);
    expect(await priors.first().textContent()).toContain('2010-03-15');
    expect(await priors.first().textContent()).toContain('20 images');
    expect(await page.getByTestId('prior-name-warning').count()).toBe(0);
    expect(await page.getByTestId('comparison').count()).toBe(0);
  });

  it('opens the prior beside the study in 1 × 2, marked as the prior with its date, and loads it', async () => {
    const current = (await dataOf(0))['series'];
    await page.getByTestId('prior-study').first().click();
    await expect.poll(async () => (await viewport(1).count()) > 0 && (await dataOf(1))['series']).toBe(prior.seriesInstanceUid);
    expect(await page.getByRole('button', { name: 'Layout 1 × 2' }).getAttribute('aria-pressed')).toBe('true');
    // The study being read keeps the first viewport, unmarked.
    expect((await dataOf(0))['series']).toBe(current);
    expect(await page.getByTestId('viewport-overlay-0').getByTestId('prior-tag').count()).toBe(0);
    const overlay = page.getByTestId('viewport-overlay-1');
    await expect.poll(() => overlay.getByTestId('prior-tag').count()).toBe(1);
    expect(await overlay.textContent()).toContain('2010-03-15');
    await expect.poll(async () => (await dataOf(1))['loadedCount'], { timeout: 20_000 }).toBe('20');
    expect(await page.getByTestId('comparison-series-item').count()).toBe(1);
    expect(await page.getByTestId('prior-study').first().getAttribute('aria-pressed')).toBe('true');
  });

  it('keeps the prior’s viewport in the prior: next series stays within it, and K does not flag its image in the study being read', async () => {
    await viewport(1).click();
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(300);
    expect((await dataOf(1))['series']).toBe(prior.seriesInstanceUid);
    await page.keyboard.press('k');
    await expect.poll(async () => (await page.getByTestId('annotation-panel').textContent()) ?? '').toContain('this viewport shows a prior');
    expect((await annotationsOf(currentStudyUid)).keyImages).toHaveLength(0);
    expect((await annotationsOf(prior.studyInstanceUid)).keyImages).toHaveLength(0);
  });

  it('saves a measurement made on the prior with the prior, not in the study being read', async () => {
    const canvas = await viewport(1).locator('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas in the prior’s viewport');
    const middle = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 };
    await page.keyboard.press('l');
    await dragMouse(page, { x: middle.x - 60, y: middle.y }, { x: middle.x + 60, y: middle.y + 10 });
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await annotationsOf(prior.studyInstanceUid)).annotations.length, { timeout: 10_000 }).toBe(1);
    expect((await annotationsOf(currentStudyUid)).annotations).toHaveLength(0);
    // The list is the study being read's.
    expect(await page.getByTestId('annotation-item').count()).toBe(0);
  });

  it('links the two viewports’ scrolling by slice position, keeping their offset, until unlinked', async () => {
    const locationOf = async (slot: number) => Number(/Loc (-?[\d.]+) mm/.exec((await page.getByTestId(`viewport-overlay-${slot}`).textContent()) ?? '')?.[1] ?? Number.NaN);
    await expect.poll(async () => (await dataOf(0))['loadedCount'], { timeout: 20_000 }).toBe('134');
    // Lined up on the same anatomy: both at their first slice (the prior is the CT's first 20).
    for (const slot of [1, 0]) {
      await viewport(slot).click();
      await page.keyboard.press('Home');
    }
    await expect.poll(() => locationOf(1)).toBe(await locationOf(0));
    await page.keyboard.press('s');
    expect(await page.getByRole('button', { name: 'Link scrolling' }).getAttribute('aria-pressed')).toBe('true');
    for (let step = 0; step < 5; step += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await dataOf(0))['imageIndex']).toBe('5');
    // The prior follows to the same position, whatever its own order of slices.
    await expect.poll(() => locationOf(1)).toBe(await locationOf(0));
    expect((await dataOf(1))['imageIndex']).not.toBe('0');
    // Beyond the prior's range it rests on its nearest slice.
    await page.keyboard.press('End');
    await expect.poll(async () => (await dataOf(0))['imageIndex']).toBe('133');
    await page.waitForTimeout(300);
    const atEnd = await locationOf(1);
    expect(Math.abs(atEnd - (await locationOf(0)))).toBeGreaterThan(0);
    // Unlinked, the prior stays where it is.
    await page.keyboard.press('s');
    expect(await page.getByRole('button', { name: 'Link scrolling' }).getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Home');
    await expect.poll(async () => (await dataOf(0))['imageIndex']).toBe('0');
    await page.waitForTimeout(300);
    expect(await locationOf(1)).toBe(atEnd);
  });

  it('closes the prior: its viewport shows the study being read again', async () => {
    await page.getByTestId('comparison-close').click();
    await expect.poll(async () => (await dataOf(1))['series']).not.toBe(prior.seriesInstanceUid);
    expect(await page.getByTestId('comparison').count()).toBe(0);
    expect(await page.getByTestId('viewport-overlay-1').getByTestId('prior-tag').count()).toBe(0);
  });

  it('reading the earlier study offers the later one, and another patient’s study offers none', async () => {
    await openStudyOf('2010-03-15');
    await expect.poll(() => page.getByTestId('prior-study').count()).toBe(1);
    expect(await page.getByTestId('prior-study').first().textContent()).toContain('2012-07-06');

    await page.getByPlaceholder('Beginning of any name…').fill('');
    await page.getByTestId('study-row').filter({ hasText: 'DX' }).first().click();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="viewport-overlay-0"]')?.textContent ?? '').includes('Pancreas'));
    await page.waitForTimeout(500);
    expect(await page.getByTestId('priors').count()).toBe(0);
  });

  it('shows the prior’s signed report above the report being written, and writes the comparison line into the latter', async () => {
    // The prior was reported and signed in an earlier session.
    await callHost(host, 'settings.set', { radiologistName: 'Roe^Jane^^Dr.' });
    const partId = randomUUID();
    const content = { findings: 'Pancreas of normal size and texture.', impression: 'No pancreatic mass.', recommendations: '', severity: 'normal', templateId: '' };
    expect(await callHost(host, 'reports.saveDraft', { studyInstanceUid: prior.studyInstanceUid, partId, baseRevision: 0, editor: randomUUID(), content })).toMatchObject({ ok: true });
    expect(await callHost(host, 'reports.sign', { studyInstanceUid: prior.studyInstanceUid, partId, revision: 1 })).toMatchObject({ ok: true });

    await openStudyOf('2012-07-06');
    await page.getByTestId('prior-study').first().click();
    await page.getByTestId('toggle-report').click();
    const priorReport = page.getByTestId('prior-report');
    await expect.poll(async () => (await priorReport.textContent()) ?? '', { timeout: 10_000 }).toContain('No pancreatic mass.');
    expect(await priorReport.textContent()).toContain('Prior report · 2010-03-15');
    expect(await priorReport.getByTestId('prior-report-status').textContent()).toBe('Final');
    expect(await priorReport.getByTestId('report-signature').textContent()).toContain('Jane');
    // Read-only: no editor and no SR button in it; the editor below is the study being read's.
    expect(await priorReport.locator('textarea, button:has-text("DICOM SR")').count()).toBe(0);
    expect(await page.getByTestId('report-status-badge').textContent()).toBe('Unreported');

    // The prior now has an SR series too: the line names the imaging, not the report.
    await priorReport.getByTestId('prior-report-insert-comparison').click();
    await expect.poll(() => page.getByTestId('report-findings').inputValue()).toBe('Comparison: CT of 2010-03-15.');
    const findingsOf = async (studyInstanceUid: string) => ((await callHost(host, 'reports.get', { studyInstanceUid })).value as StudyReport).parts.map((part) => part.findings);
    await expect.poll(() => findingsOf(currentStudyUid), { timeout: 10_000 }).toEqual(['Comparison: CT of 2010-03-15.']);
    expect(await findingsOf(prior.studyInstanceUid)).toEqual([content.findings]);

    // Closing the prior takes its report away.
    await page.getByTestId('comparison-close').click();
    await expect.poll(() => priorReport.count()).toBe(0);
  });

  it('lists the patient’s studies on the server that are not here, and downloads one into the priors', async () => {
    const orthanc = await startOrthanc();
    try {
      // An older study of the same patient, only in the archive.
      const onServer = writePriorStudy(CT, path.join(temp.dir, 'archive-only'), { count: 12, studyDate: '20080101', serialBase: 8_000_000 });
      for (const name of readdirSync(path.join(temp.dir, 'archive-only'))) {
        const stored = await fetch(`${orthanc.baseUrl}/instances`, { method: 'POST', body: readFileSync(path.join(temp.dir, 'archive-only', name)), headers: orthanc.authHeaders });
        expect(stored.ok).toBe(true);
      }
      expect(await callHost(host, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'none', isDefault: true })).toMatchObject({ ok: true });

      await openStudyOf('2012-07-06');
      const serverPriors = page.getByTestId('server-prior');
      await expect.poll(() => serverPriors.count(), { timeout: 10_000 }).toBe(1);
      expect(await page.getByTestId('server-priors').textContent()).toContain('On Archive (1)');
      expect(await serverPriors.first().textContent()).toContain('2008-01-01');
      expect(await serverPriors.first().textContent()).toContain('12 images');
      expect(await page.getByTestId('prior-study').count()).toBe(1);

      await serverPriors.first().getByTestId('server-prior-download').click();
      // Once whole in the library it is one of the priors, and no longer offered from the server.
      await expect.poll(() => page.getByTestId('prior-study').count(), { timeout: 30_000 }).toBe(2);
      await expect.poll(() => page.getByTestId('server-prior').count(), { timeout: 10_000 }).toBe(0);
      expect(await page.getByTestId('prior-study').nth(1).textContent()).toContain('2008-01-01');
      const here = (await callHost(host, 'library.studyDetail', { studyInstanceUid: onServer.studyInstanceUid })).value as { study: { instanceCount: number } };
      expect(here.study.instanceCount).toBe(12);
    } finally {
      await orthanc.stop();
    }
  });

  it('says why when the server cannot be asked, and still lists the priors here', async () => {
    // The archive of the previous test is gone: the server refuses the connection.
    await openStudyOf('2010-03-15');
    await expect.poll(async () => (await page.getByTestId('server-priors-error').count()) > 0, { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('server-priors-error').textContent()).toContain('Archive');
    expect(await page.getByTestId('prior-study').count()).toBeGreaterThan(0);
  });

  it('exports the patient’s studies together as one disc when asked, the study chosen first', async () => {
    const outside = makeTempDir('e2e-priors-export');
    try {
      const disc = path.join(outside.dir, 'all of the patient');
      await page.getByPlaceholder('Beginning of any name…').fill('Pancreas');
      await page.getByTestId('study-row').filter({ hasText: '2012-07-06' }).click();
      const withOthers = page.getByTestId('export-with-others');
      await withOthers.waitFor();
      const others = ((await callHost(host, 'library.priorStudies', { studyInstanceUid: currentStudyUid })).value as { studies: Array<{ studyInstanceUid: string; instanceCount: number }> }).studies;
      expect(others.length).toBeGreaterThan(0);
      const label = (await page.locator('.export-with-others').textContent()) ?? '';
      expect(label).toContain(`${others.length} other stud`);
      expect(label).toContain('2010-03-15');
      await withOthers.check();
      await page.getByTestId('export-disc').click();
      await page.getByTestId('export-path').fill(disc);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const images = 134 + others.reduce((sum, study) => sum + study.instanceCount, 0);
      await expect.poll(async () => (await page.getByTestId('export-outcome').textContent()) ?? '', { timeout: 30_000 }).toContain(`Exported ${others.length + 1} studies, ${images} images`);
      // One patient, each study under it, the one chosen first.
      const dicomdir = dicomParser.parseDicom(readFileSync(path.join(disc, 'DICOMDIR')));
      const records = dicomdir.elements['x00041220']!.items!.map((item) => item.dataSet!);
      expect(records.filter((record) => record.string('x00041430') === 'PATIENT')).toHaveLength(1);
      expect(records.filter((record) => record.string('x00041430') === 'STUDY').map((record) => record.string('x0020000d'))).toEqual([currentStudyUid, ...others.map((study) => study.studyInstanceUid)]);
      expect(readdirSync(path.join(disc, 'DICOM'))).toHaveLength(others.length + 1);
    } finally {
      outside.remove();
    }
  });
});
