/// <reference lib="dom" />
/**
 * A radiologist measures: every tool drawn with real mouse drags in Chromium, values checked
 * against an independent computation from the files themselves (Pixel Spacing for lengths, the
 * stored pixels and Rescale for ROI statistics), anisotropic spacing, images without spacing and
 * with only Imager Pixel Spacing, key images, deletion, and everything still there after the host
 * restarts. Test images other than the corpus files are made from them with DCMTK's dcmodify.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';
import { dragMouse, type PagePoint, selectOnlyStudy } from '../helpers/viewerPage';

interface Stored {
  id: string;
  tool: string;
  sopInstanceUid: string;
  handles: Record<string, { x: number; y: number }>;
  label: string;
  measurement: Record<string, { value: number; unit: string }>;
  calibration: string;
}

const CT_SLICE = corpusPath('ct-series/pancreas-ct-cbct-seg/1-067.dcm');

/** A copy of `source` as a new study, with `changes` made by dcmodify. */
function derivedImage(source: string, target: string, changes: string[]): string {
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, target);
  execFileSync('dcmodify', ['-nb', '-gst', '-gse', '-gin', ...changes, target], { stdio: 'pipe' });
  return target;
}

function dataSetOf(file: string): dicomParser.DataSet {
  return dicomParser.parseDicom(readFileSync(file));
}

describe('measuring and annotating', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let anisotropic: string;

  const panelItems = () => page.getByTestId('annotation-item');
  const stored = async (studyInstanceUid: string): Promise<Stored[]> =>
    ((await callHost(host, 'annotations.list', { studyInstanceUid })).value as { annotations: Stored[] }).annotations;
  const studyUidOf = async (patientId: string): Promise<string> =>
    ((await callHost(host, 'library.searchStudies', { patientId })).value as { studies: Array<{ studyInstanceUid: string }> }).studies[0]!.studyInstanceUid;

  async function openStudy(patientName: string): Promise<void> {
    const viewport = page.getByTestId('viewport-0');
    const previous = (await viewport.count()) > 0 ? await viewport.getAttribute('data-series') : '';
    await selectOnlyStudy(page, patientName);
    await page.keyboard.press('Enter');
    // The new study's image on screen (not the one still shown from before).
    await page.waitForFunction((before) => {
      const shown = document.querySelector<HTMLElement>('[data-testid="viewport-0"]');
      return Boolean(shown?.dataset['ww']) && shown?.dataset['series'] !== before && Number(shown?.dataset['loadedCount']) >= 1;
    }, previous);
    // One screen pixel per image pixel, so drags land on known image positions.
    await page.keyboard.press('a');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="viewport-0"]')?.dataset['scale'] === '1');
  }

  /** The page position of image pixel (x, y) at 1:1 in the middle of viewport 0. */
  async function at(x: number, y: number, columns: number, rows: number): Promise<{ x: number; y: number }> {
    const canvas = await page.locator('[data-testid="viewport-0"] canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    return { x: canvas.x + canvas.width / 2 + (x - columns / 2), y: canvas.y + canvas.height / 2 + (y - rows / 2) };
  }

  const drag = (from: PagePoint, to: PagePoint) => dragMouse(page, from, to);

  /** A click as a hand makes it: a moment between press and release, the pointer not quite still. */
  async function click(point: { x: number; y: number }): Promise<void> {
    await page.mouse.move(point.x, point.y);
    await page.mouse.down();
    await page.waitForTimeout(60);
    await page.mouse.move(point.x + 0.4, point.y);
    await page.mouse.up();
  }

  async function expectItems(count: number): Promise<void> {
    await expect.poll(() => panelItems().count(), { timeout: 10_000 }).toBe(count);
  }

  beforeAll(async () => {
    temp = makeTempDir('e2e-annotations');
    const made = path.join(temp.dir, 'made');
    anisotropic = derivedImage(CT_SLICE, path.join(made, 'aniso.dcm'), ['-m', '(0010,0010)=ANISO^SPACING', '-m', '(0010,0020)=ANISO1', '-m', '(0028,0030)=0.5\\1.25']);
    derivedImage(CT_SLICE, path.join(made, 'nospacing.dcm'), ['-m', '(0010,0010)=NO^SPACING', '-m', '(0010,0020)=NOSP1', '-e', '(0028,0030)']);
    derivedImage(corpusPath('cr-dx/dx_image.dcm'), path.join(made, 'imager.dcm'), ['-m', '(0010,0010)=IMAGER^ONLY', '-m', '(0010,0020)=IMG1', '-e', '(0028,0030)']);
    // Another viewer's measurement report on the same study (dcmqi's, moved into it).
    const ct = dataSetOf(CT_SLICE);
    const foreignReport = path.join(made, 'foreign-sr.dcm');
    copyFileSync(corpusPath('sr/dcmqi_sr.dcm'), foreignReport);
    execFileSync('dcmodify', ['-nb', '-m', `(0020,000D)=${ct.string('x0020000d')}`, '-m', `(0010,0010)=${ct.string('x00100010')}`, '-m', `(0010,0020)=${ct.string('x00100020')}`, foreignReport], { stdio: 'pipe' });
    const dataDir = path.join(temp.dir, 'library');
    await cliImport(dataDir, [CT_SLICE, made]);
    host = await startHostProcess(dataDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    // The images at the size these coordinates were worked out for: the report panel folded away.
    await page.addInitScript(() => localStorage.setItem('lumen.report.panel', 'closed'));
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('draws every tool with the mouse and saves each as it is made', async () => {
    await openStudy('Pancreas');
    const p = (x: number, y: number) => at(x, y, 512, 512);
    await page.keyboard.press('l');
    await drag(await p(150, 250), await p(350, 300));
    await expectItems(1);
    await page.keyboard.press('g');
    await drag(await p(100, 100), await p(160, 100));
    await click(await p(160, 160));
    await expectItems(2);
    await page.keyboard.press('c');
    await drag(await p(300, 80), await p(400, 90));
    await drag(await p(300, 150), await p(400, 120));
    await expectItems(3);
    await page.keyboard.press('e');
    await drag(await p(230, 330), await p(290, 370));
    await expectItems(4);
    await page.keyboard.press('t');
    await drag(await p(120, 380), await p(170, 420));
    await expectItems(5);
    await page.keyboard.press('n');
    await drag(await p(420, 420), await p(380, 380));
    await page.getByLabel('Text for the arrow').fill('see here');
    await page.getByLabel('Text for the arrow').press('Enter');
    await expectItems(6);
    await page.keyboard.press('d');
    // Away from the other drawings: a click near one grabs it instead.
    await click(await p(460, 250));
    await expectItems(7);
    await page.keyboard.press('Escape'); // back to window/level
    await page.keyboard.press('k');
    await expect.poll(async () => (await page.getByTestId('annotation-panel').textContent()) ?? '').toContain('★ 1');

    const annotations = await stored(await studyUidOf('Pancreas-CT-CB_001'));
    expect(annotations.map((a) => a.tool).sort()).toEqual(['angle', 'arrow', 'cobbAngle', 'ellipseRoi', 'length', 'probe', 'rectangleRoi']);
    expect(annotations.find((a) => a.tool === 'arrow')?.label).toBe('see here');
    for (const annotation of annotations) expect(annotation.calibration).toBe('pixel-spacing');
  });

  it('measures lengths from Pixel Spacing within 0.01 mm and ROI statistics within 0.1 HU of an independent computation', async () => {
    const annotations = await stored(await studyUidOf('Pancreas-CT-CB_001'));
    const dataSet = dataSetOf(CT_SLICE);
    const [rowSpacing = NaN, columnSpacing = NaN] = (dataSet.string('x00280030') ?? '').split('\\').map(Number);
    const length = annotations.find((a) => a.tool === 'length')!;
    const { start, end } = length.handles as { start: { x: number; y: number }; end: { x: number; y: number } };
    const expected = Math.hypot((end.x - start.x) * columnSpacing, (end.y - start.y) * rowSpacing);
    expect(length.measurement['length']!.unit).toBe('mm');
    expect(Math.abs(length.measurement['length']!.value - expected)).toBeLessThan(0.01);

    // The stored pixels, through Rescale Slope/Intercept, independently of the viewer.
    const slope = Number(dataSet.string('x00281053') ?? '1');
    const intercept = Number(dataSet.string('x00281052') ?? '0');
    const columns = dataSet.uint16('x00280011')!;
    const pixelData = dataSet.elements['x7fe00010']!;
    const bytes = Buffer.from(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset, dataSet.byteArray.byteLength);
    const hu = (x: number, y: number) => bytes.readUInt16LE(pixelData.dataOffset + 2 * (y * columns + x)) * slope + intercept;
    const ellipse = annotations.find((a) => a.tool === 'ellipseRoi')!;
    const e = ellipse.handles as { start: { x: number; y: number }; end: { x: number; y: number } };
    const left = Math.round(Math.min(e.start.x, e.end.x));
    const top = Math.round(Math.min(e.start.y, e.end.y));
    const width = Math.round(Math.abs(e.start.x - e.end.x));
    const height = Math.round(Math.abs(e.start.y - e.end.y));
    const values: number[] = [];
    for (let y = top; y < top + height; y += 1) {
      for (let x = left; x < left + width; x += 1) {
        const dx = (x - (left + width / 2)) / (width / 2);
        const dy = (y - (top + height / 2)) / (height / 2);
        if (dx * dx + dy * dy <= 1) values.push(hu(x, y));
      }
    }
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const stdDev = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
    expect(values.length).toBeGreaterThan(100);
    expect(Math.abs(ellipse.measurement['mean']!.value - mean)).toBeLessThan(0.1);
    expect(Math.abs(ellipse.measurement['stdDev']!.value - stdDev)).toBeLessThan(0.1);
    expect(ellipse.measurement['min']!.value).toBe(Math.min(...values));
    expect(ellipse.measurement['max']!.value).toBe(Math.max(...values));
    expect(ellipse.measurement['mean']!.unit).toBe('HU');
    expect(Math.abs(ellipse.measurement['area']!.value - Math.PI * ((width * columnSpacing) / 2) * ((height * rowSpacing) / 2))).toBeLessThan(0.01);

    const probe = annotations.find((a) => a.tool === 'probe')!;
    expect(probe.measurement['value']!.value).toBe(hu(probe.measurement['x']!.value, probe.measurement['y']!.value));
  });

  it('saves a measurement again when its handle is moved', async () => {
    const studyUid = await studyUidOf('Pancreas-CT-CB_001');
    const before = (await stored(studyUid)).find((a) => a.tool === 'length')!;
    const end = before.handles['end']!;
    // Drag the end handle 40 px to the right (W/L is on the left button again; handles win).
    const handle = await at(end.x, end.y, 512, 512);
    // A hand rests on the handle before pressing: cornerstone-tools picks the handle on hover.
    await page.mouse.move(handle.x - 3, handle.y);
    await page.mouse.move(handle.x, handle.y);
    await page.waitForTimeout(100);
    await drag(handle, await at(end.x + 40, end.y, 512, 512));
    await expect
      .poll(async () => (await stored(studyUid)).find((a) => a.id === before.id)?.handles['end']?.x ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(end.x + 30);
    const after = (await stored(studyUid)).find((a) => a.id === before.id)!;
    expect(after.measurement['length']!.value).not.toBe(before.measurement['length']!.value);
    expect(after.handles['start']).toEqual(before.handles['start']);
  });

  it('keeps row and column spacing apart on an anisotropic image', async () => {
    await openStudy('ANISO');
    await page.keyboard.press('l');
    await drag(await at(100, 100, 512, 512), await at(300, 250, 512, 512));
    await expectItems(1);
    await page.keyboard.press('Escape');
    const [length] = await stored(await studyUidOf('ANISO1'));
    const { start, end } = length!.handles as { start: { x: number; y: number }; end: { x: number; y: number } };
    // Pixel Spacing is row spacing (between rows, vertical) \ column spacing (horizontal).
    const expected = Math.hypot((end.x - start.x) * 1.25, (end.y - start.y) * 0.5);
    expect(Math.abs(length!.measurement['length']!.value - expected)).toBeLessThan(0.01);
    expect(dataSetOf(anisotropic).string('x00280030')).toBe('0.5\\1.25');
  });

  it('says when distances are in pixels, or rest on Imager Pixel Spacing, and never shows a fake mm', async () => {
    await openStudy('NO, SPACING');
    expect(await page.getByTestId('calibration').textContent()).toContain('Uncalibrated');
    await page.keyboard.press('l');
    await drag(await at(100, 100, 512, 512), await at(200, 100, 512, 512));
    await expectItems(1);
    await page.keyboard.press('Escape');
    const [pixels] = await stored(await studyUidOf('NOSP1'));
    expect(pixels!.calibration).toBe('uncalibrated');
    expect(pixels!.measurement['length']!.unit).toBe('px');
    expect(await page.getByTestId('annotation-panel').textContent()).toContain('uncalibrated');

    await openStudy('IMAGER');
    expect(await page.getByTestId('calibration').textContent()).toContain('Imager Pixel Spacing');
  });

  it('deletes a measurement from the list', async () => {
    await openStudy('Pancreas');
    await expectItems(7);
    await page.getByRole('button', { name: 'Delete Rectangle ROI' }).click();
    await expectItems(6);
    expect((await stored(await studyUidOf('Pancreas-CT-CB_001'))).map((a) => a.tool)).not.toContain('rectangleRoi');
    // Undo brings it back, in the library too; Redo deletes it again.
    await page.locator('[data-testid="viewport-0"] .viewport-element').focus();
    await page.keyboard.press('Control+z');
    await expectItems(7);
    await expect.poll(async () => (await stored(await studyUidOf('Pancreas-CT-CB_001'))).map((a) => a.tool)).toContain('rectangleRoi');
    await page.keyboard.press('Control+y');
    await expectItems(6);
    await expect.poll(async () => (await stored(await studyUidOf('Pancreas-CT-CB_001'))).map((a) => a.tool)).not.toContain('rectangleRoi');
  });

  it('shows every annotation again, with the same values, after the host restarts', async () => {
    const before = (await page.getByTestId('annotation-panel').textContent()) ?? '';
    await host.stop();
    host = await startHostProcess(host.child.spawnargs[host.child.spawnargs.indexOf('--data-dir') + 1]!);
    await page.goto(host.url);
    await openStudy('Pancreas');
    await expectItems(6);
    expect(await page.getByTestId('annotation-panel').textContent()).toBe(before);
    // Clicking one shows its image; the study list marks the study's key image.
    await page.getByTestId('annotation-item').first().getByRole('button').first().click();
    expect(await page.getByTestId('key-image-count').first().textContent()).toContain('1');
    // The other viewer's report is listed with its values.
    const reports = page.getByTestId('sr-document');
    await expect.poll(() => reports.count()).toBe(1);
    expect(await reports.first().textContent()).toContain('Imaging Measurement Report');
    expect(await reports.first().textContent()).toContain('SUVbw (Mean): 6.01529 {SUVbw}g/ml');
    expect(await reports.first().textContent()).toContain('Neoplasm, Primary — pharyngeal tonsil (adenoid)');
    // Saved as a DICOM SR in the study: the probe has no place in the report and is counted out.
    await page.getByRole('button', { name: 'Save as DICOM SR' }).click();
    await expect.poll(async () => (await page.getByTestId('sr-export-status').textContent()) ?? '', { timeout: 20_000 }).toContain('with 5 measurements; 1 probe value left out');
    // It is listed with the study's reports, and it is not imported again over the annotations.
    await expect.poll(() => reports.count()).toBe(2);
    expect(await page.getByTestId('sr-documents').textContent()).toContain('written here');
    await expectItems(6);
    // Written quietly: no import summary pops up over the images.
    expect(await page.getByTestId('import-summary').count()).toBe(0);
  });
});
