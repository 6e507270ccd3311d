/// <reference lib="dom" />
/**
 * A radiologist writes the report beside the images in Chromium: autosave that survives a
 * SIGKILL of the workstation's service mid-typing, another window's save shown as a conflict
 * instead of overwritten, a measurement inserted from the list, sign-off that leaves nothing
 * editable, an addendum signed in turn, the worklist filters, and the printable report.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyReport } from '../../shared/api';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';
import { selectOnlyStudy } from '../helpers/viewerPage';

const PATIENT = 'C3L-02846';

describe('writing and signing a report', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let host: HostProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let study: string;

  const storedReport = async (): Promise<StudyReport> => (await callHost(host, 'reports.get', { studyInstanceUid: study })).value as StudyReport;
  const findings = () => page.getByTestId('report-findings');

  async function openStudy(on: Page): Promise<void> {
    await selectOnlyStudy(on, PATIENT);
    await on.keyboard.press('Enter');
    await on.getByTestId('report-panel').waitFor();
    await on.getByTestId('report-editor').or(on.getByTestId('report-signed-part').first()).waitFor();
  }

  beforeAll(async () => {
    temp = makeTempDir('e2e-reports');
    dataDir = `${temp.dir}/library`;
    await cliImport(dataDir, [corpusPath('mr-series/cptac-sar-ax-scout'), corpusPath('ct-series/pancreas-ct-cbct-seg/1-067.dcm')]);
    host = await startHostProcess(dataDir);
    const studies = (await callHost(host, 'library.searchStudies', { patientName: 'C3L' })).value as { studies: Array<{ studyInstanceUid: string }> };
    study = studies.studies[0]!.studyInstanceUid;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    await page.goto(host.url);
    await openStudy(page);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('keeps what was typed up to the last second when the service is killed mid-typing', async () => {
    const text = 'Lungs: 8 mm nodule in the right upper lobe, unchanged in shape. Pleura: no effusion. Heart: normal size. '.repeat(2);
    await findings().click();
    const typedAt: number[] = [];
    let killedAt = 0;
    for (const character of text) {
      await page.keyboard.type(character);
      typedAt.push(Date.now());
      // Mid-typing, without warning: SIGKILL, no chance to flush anything.
      if (typedAt.length === 120) {
        killedAt = Date.now();
        host.child.kill('SIGKILL');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const typed = text.slice(0, typedAt.length);
    await new Promise((resolve) => host.child.once('exit', resolve));
    // The window goes too, while the service is down: its last attempt to save cannot land.
    await page.close();

    // Same port, so a new window has the same origin (and the old window's copy of its text).
    host = await startHostProcess(dataDir, ['--port', String(host.port)]);
    const stored = (await storedReport()).parts[0]?.findings ?? '';
    const typedBeforeLastSecond = typedAt.filter((at) => at <= killedAt - 1000).length;
    expect(typed.startsWith(stored), `stored "${stored}" is what was typed`).toBe(true);
    expect(stored.length).toBeGreaterThanOrEqual(typedBeforeLastSecond);

    // The window had kept every keystroke: in a new one it is all back, said so, and saved.
    page = await context.newPage();
    await page.goto(host.url);
    await openStudy(page);
    await expect.poll(async () => findings().inputValue()).toBe(typed);
    if (stored !== typed) expect(await page.getByTestId('report-notice').textContent()).toContain('not saved then');
    await expect.poll(async () => (await storedReport()).parts[0]?.findings, { timeout: 10_000 }).toBe(typed);
  });

  it('takes back a window’s own text whose saves landed but whose answers were lost, without calling it a conflict', async () => {
    // First the answers are lost: this window's saves reach the library, but it never hears
    // back, so its copy stays based on a revision the library has since passed — by this
    // window's own saves. Then the service dies, more is typed, and the window closes.
    await page.route('**/api/request/reports.saveDraft', async (route) => {
      await route.fetch().catch(() => undefined);
      await route.abort('connectionreset');
    });
    const before = (await storedReport()).parts[0]?.revision ?? 0;
    await findings().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Spleen: normal.', { delay: 20 });
    const landed = await findings().inputValue();
    await expect.poll(async () => (await storedReport()).parts[0]?.findings, { timeout: 10_000 }).toBe(landed);
    expect((await storedReport()).parts[0]?.revision).toBeGreaterThan(before);
    host.child.kill('SIGKILL');
    await new Promise((resolve) => host.child.once('exit', resolve));
    await page.keyboard.type(' Kidneys: normal.', { delay: 20 });
    const typed = await findings().inputValue();
    await page.close();

    host = await startHostProcess(dataDir, ['--port', String(host.port)]);
    expect((await storedReport()).parts[0]?.findings).toBe(landed);
    page = await context.newPage();
    await page.goto(host.url);
    await openStudy(page);
    await expect.poll(async () => findings().inputValue()).toBe(typed);
    // Saved as the window that typed it: the library knows the newer revisions were that window's.
    await expect.poll(async () => (await storedReport()).parts[0]?.findings, { timeout: 10_000 }).toBe(typed);
    expect(await page.getByTestId('report-conflict').count()).toBe(0);
  });

  it('shows another window’s save as a conflict instead of overwriting it', async () => {
    const other = await context.newPage();
    try {
      await other.goto(host.url);
      await openStudy(other);
      // This window saves first…
      await findings().click();
      await page.keyboard.press('End');
      await page.keyboard.type(' Liver: normal.');
      await expect.poll(async () => (await storedReport()).parts[0]?.findings ?? '').toContain('Liver: normal.');
      // …the other, opened before that save, then types: told, and nothing is overwritten.
      await other.getByTestId('report-impression').click();
      await other.keyboard.type('From the other window.');
      await other.getByTestId('report-conflict').waitFor({ timeout: 10_000 });
      expect((await storedReport()).parts[0]?.impression).toBe('');
      await other.getByRole('button', { name: 'Use theirs' }).click();
      await expect.poll(async () => other.getByTestId('report-findings').inputValue()).toContain('Liver: normal.');
      expect(await other.getByTestId('report-impression').inputValue()).toBe('');
    } finally {
      await other.close();
    }
  });

  it('inserts a measurement’s value from the list at the cursor', async () => {
    const opened = (await callHost(host, 'viewer.openStudy', { studyInstanceUid: study })).value as { series: Array<{ seriesInstanceUid: string; instances: Array<{ sopInstanceUid: string }> }> };
    const series = opened.series[0]!;
    await callHost(host, 'annotations.save', {
      id: randomUUID(),
      studyInstanceUid: study,
      seriesInstanceUid: series.seriesInstanceUid,
      sopInstanceUid: series.instances[0]!.sopInstanceUid,
      frame: 0,
      tool: 'length',
      handles: { start: { x: 10, y: 10 }, end: { x: 50, y: 10 } },
      label: '',
      measurement: { length: { value: 8.04, unit: 'mm' } },
      calibration: 'pixel-spacing',
    });
    await page.reload();
    await openStudy(page);
    await page.getByTestId('report-impression').click();
    await page.getByRole('button', { name: 'Insert Length into the report' }).click();
    await expect.poll(async () => page.getByTestId('report-impression').inputValue()).toMatch(/^Length 8\.04 mm \(Se \d+ · Im \d+\)$/);
  });

  it('signs: the text becomes read-only in the UI, final in the worklist, and an addendum is signed in turn', async () => {
    await page.getByTestId('report-severity').selectOption('significant');
    await page.getByTestId('report-sign').click();
    // No name yet: the panel asks for it.
    await page.getByTestId('signer-input').fill('Dr Jane Roe');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('report-sign-confirm-button').click();
    await page.getByTestId('report-signed-part').waitFor();

    expect(await findings().count()).toBe(0);
    expect(await page.locator('[data-testid="report-panel"] textarea').count()).toBe(0);
    expect(await page.getByTestId('report-status-badge').textContent()).toBe('Final');
    expect(await page.getByTestId('report-signature').textContent()).toContain('Signed by Dr Jane Roe');
    const signed = (await storedReport()).parts[0]!;
    expect(await page.getByTestId('signed-findings').textContent()).toBe(signed.findings);
    expect(signed.srSopInstanceUid).not.toBeNull();

    // The worklist: final studies, and the ones still to read.
    await page.getByPlaceholder('Beginning of any name…').fill('');
    await page.getByTestId('worklist-final').click();
    await expect.poll(() => page.getByTestId('study-row').count()).toBe(1);
    expect(await page.getByTestId('study-report-status').textContent()).toBe('Final');
    await page.getByTestId('worklist-unreported').click();
    await expect.poll(async () => (await page.getByTestId('study-row').allTextContents()).join('|')).toContain('Pancreas');
    expect(await page.getByTestId('study-row').count()).toBe(1);
    await page.getByTestId('worklist-all').click();

    await page.getByTestId('report-add-addendum').click();
    await findings().click();
    await page.keyboard.type('Addendum: compared with the outside CT of 2019, the nodule is unchanged.');
    await page.getByTestId('report-sign').click();
    await page.getByTestId('report-sign-confirm-button').click();
    await expect.poll(() => page.getByTestId('report-signed-part').count()).toBe(2);
    expect(await page.getByTestId('report-status-badge').textContent()).toBe('Amended');
    expect(await page.locator('[data-testid="report-panel"] textarea').count()).toBe(0);
    const parts = (await storedReport()).parts;
    expect(parts.map((part) => [part.sequence, part.signedBy])).toEqual([
      [0, 'Dr Jane Roe'],
      [1, 'Dr Jane Roe'],
    ]);
    expect(parts[1]!.findings).toBe('Addendum: compared with the outside CT of 2019, the nodule is unchanged.');
  });

  it('prints the signed report and its addendum (and saves it as PDF)', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      const printed = page.getByTestId('report-print');
      expect(await printed.isVisible()).toBe(true);
      const text = (await printed.textContent()) ?? '';
      expect(text).toContain('Addendum 1');
      expect(text).toContain('Signed by Dr Jane Roe');
      expect(text).toContain('Severity: Significant');
      expect(await page.locator('.app').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });
});
