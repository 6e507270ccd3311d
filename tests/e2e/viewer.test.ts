/// <reference lib="dom" />
/**
 * A radiologist reads studies in the viewer: opening from the list, every key and mouse binding,
 * presets, layouts, dragging a series, cine on a multi-frame file, overlays and help, and a
 * visible error when the decoder does not answer. Debian's Chromium, the real host, corpus files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewerStudy } from '../../shared/api';
import { CT_PRESETS } from '../../shared/viewer/windowPresets';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';
import { dragMouse, selectOnlyStudy } from '../helpers/viewerPage';

type ViewportData = Record<string, string>;

describe('viewing studies', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  const viewport = (slot = 0) => page.getByTestId(`viewport-${slot}`);
  const data = (slot = 0): Promise<ViewportData> => viewport(slot).evaluate((element) => ({ ...(element as HTMLElement).dataset }) as Record<string, string>);
  const until = async (check: (d: ViewportData) => boolean, slot = 0, timeout = 20_000) => {
    const started = Date.now();
    for (;;) {
      const current = await data(slot);
      if (check(current)) return current;
      if (Date.now() - started > timeout) throw new Error(`viewport ${slot} never reached the expected state: ${JSON.stringify(current)}`);
      await page.waitForTimeout(50);
    }
  };
  /** The viewport's state once it stops changing (a drag's last render has landed). */
  const settled = async (slot = 0) => {
    let previous = JSON.stringify(await data(slot));
    for (;;) {
      await page.waitForTimeout(120);
      const current = JSON.stringify(await data(slot));
      if (current === previous) return JSON.parse(current) as ViewportData;
      previous = current;
    }
  };
  /** A hash of what the viewport's canvas shows, to know that a change reached the pixels. */
  const canvasHash = (slot = 0) =>
    viewport(slot).evaluate((element) => {
      const canvas = element.querySelector('canvas');
      const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let hash = 0;
      for (let i = 0; i < pixels.length; i += 7) hash = (hash * 31 + (pixels[i] ?? 0)) | 0;
      return hash;
    });

  async function openStudy(patientNamePrefix: string): Promise<void> {
    const previous = (await viewport().count()) > 0 ? (await data())['series'] : '';
    await selectOnlyStudy(page, patientNamePrefix);
    await page.keyboard.press('Enter');
    // Shown: the new study's series, with a window (its first image is on screen).
    await until((d) => d['series'] !== undefined && d['series'] !== previous && d['ww'] !== '' && d['ww'] !== undefined);
  }

  beforeAll(async () => {
    temp = makeTempDir('e2e-viewer');
    await cliImport(temp.dir, [corpusPath('ct-series/pancreas-ct-cbct-seg'), corpusPath('dicomdir/wakasa-mr-lspine-cd'), corpusPath('multiframe/IM00001.implicit_little_endian.dcm')]);
    host = await startHostProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('opens a study with Enter: series strip, first image, the rest loading in the background, a view audit row', async () => {
    await openStudy('Pancreas');
    expect(await page.getByTestId('series-item').count()).toBe(1);
    expect(await page.getByTestId('series-count').first().textContent()).toBe('134 images');
    const loaded = await until((d) => d['loadedCount'] === '134');
    expect(loaded['imageIndex']).toBe('0');
    expect(loaded['imageCount']).toBe('134');
    expect(await page.getByTestId('image-position').textContent()).toContain('Im 1 / 134');
    // The file's own window (400/60) first.
    expect([loaded['ww'], loaded['wc']]).toEqual(['400', '60']);
    const audit = await callHost(host, 'audit.query', { action: 'study.view' });
    expect((audit.value as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
  });

  it('scrolls with the arrow keys, Home/End and the wheel', async () => {
    await page.keyboard.press('ArrowDown');
    await until((d) => d['imageIndex'] === '1');
    await page.keyboard.press('ArrowUp');
    await until((d) => d['imageIndex'] === '0');
    await page.keyboard.press('End');
    await until((d) => d['imageIndex'] === '133');
    await page.keyboard.press('Home');
    await until((d) => d['imageIndex'] === '0');
    const box = (await viewport().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 120);
    await until((d) => d['imageIndex'] === '1');
    await page.mouse.wheel(0, -120);
    await until((d) => d['imageIndex'] === '0');
  });

  it('sets each CT preset exactly from the number keys, the own window with 0, an automatic one with W', async () => {
    for (const [index, preset] of CT_PRESETS.entries()) {
      const before = await canvasHash();
      await page.keyboard.press(String(index + 1));
      const after = await until((d) => d['ww'] === String(preset.width) && d['wc'] === String(preset.center));
      expect([after['ww'], after['wc']], preset.name).toEqual([String(preset.width), String(preset.center)]);
      expect(await page.getByTestId('window-readout').textContent()).toContain(preset.name);
      if (index > 0) expect(await canvasHash(), `${preset.name} reaches the pixels`).not.toBe(before);
    }
    await page.keyboard.press('0');
    await until((d) => d['ww'] === '400' && d['wc'] === '60');
    await page.keyboard.press('w');
    const auto = await until((d) => d['ww'] !== '400');
    expect(Number(auto['ww'])).toBeGreaterThan(1000);
  });

  it('takes a typed window', async () => {
    await page.getByLabel('Window width').fill('123');
    await page.getByLabel('Window center').fill('-45');
    await page.getByLabel('Window center').press('Enter');
    await until((d) => d['ww'] === '123' && d['wc'] === '-45');
  });

  it('left drag windows, middle drag pans, right drag zooms', async () => {
    await page.keyboard.press('Escape');
    const start = await until((d) => d['ww'] === '400');
    const box = (await viewport().boundingBox())!;
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const drag = (button: 'left' | 'middle' | 'right', dx: number, dy: number) => dragMouse(page, centre, { x: centre.x + dx, y: centre.y + dy }, button, 5);
    await drag('left', 60, 30);
    await until((d) => d['ww'] !== start['ww'] && d['wc'] !== start['wc']);
    const windowed = await settled();
    expect(windowed['scale']).toBe(start['scale']);
    await drag('middle', 40, 25);
    await until((d) => d['panX'] !== start['panX']);
    const panned = await settled();
    expect([panned['ww'], panned['wc']]).toEqual([windowed['ww'], windowed['wc']]);
    await drag('right', 0, 60);
    await until((d) => d['scale'] !== start['scale']);
    const zoomed = await settled();
    expect([zoomed['ww'], zoomed['wc']]).toEqual([windowed['ww'], windowed['wc']]);
  });

  it('remaps the mouse buttons from the help overlay', async () => {
    await page.keyboard.press('Escape');
    const start = await until((d) => d['ww'] === '400');
    await page.keyboard.press('?');
    await page.getByLabel('Button for Window / level').selectOption('right');
    // Zoom takes the freed left button.
    expect(await page.getByLabel('Button for Zoom').inputValue()).toBe('left');
    await page.keyboard.press('Escape');
    const box = (await viewport().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button: 'right' });
    for (let step = 1; step <= 5; step += 1) await page.mouse.move(box.x + box.width / 2 + 10 * step, box.y + box.height / 2 + 5 * step);
    await page.mouse.up({ button: 'right' });
    const windowed = await until((d) => d['ww'] !== start['ww']);
    expect(windowed['scale']).toBe(start['scale']);
    await page.keyboard.press('?');
    await page.getByLabel('Button for Window / level').selectOption('left');
    await page.getByLabel('Button for Zoom').selectOption('right');
    await page.keyboard.press('Escape');
  });

  it('inverts, rotates, flips, shows 1:1 and fits, and resets with Escape or Space', async () => {
    const fitted = await data();
    await page.keyboard.press('i');
    await until((d) => d['invert'] === 'true');
    await page.keyboard.press('r');
    await until((d) => d['rotation'] === '90');
    await page.keyboard.press('h');
    await until((d) => d['hflip'] === 'true');
    await page.keyboard.press('v');
    await until((d) => d['vflip'] === 'true');
    await page.keyboard.press('a');
    await until((d) => d['scale'] === '1');
    await page.keyboard.press('f');
    await until((d) => d['scale'] !== '1');
    await page.keyboard.press('Escape');
    const reset = await until((d) => d['invert'] === 'false' && d['rotation'] === '0' && d['hflip'] === 'false' && d['vflip'] === 'false');
    expect([reset['ww'], reset['wc'], reset['panX'], reset['panY']]).toEqual(['400', '60', '0', '0']);
    expect(reset['scale']).toBe(fitted['scale']);
    await page.keyboard.press('i');
    await until((d) => d['invert'] === 'true');
    await page.keyboard.press(' ');
    await until((d) => d['invert'] === 'false');
  });

  it('marks orientation from Image Orientation (Patient), following flips', async () => {
    expect(await page.getByTestId('marker-left').textContent()).toBe('R');
    expect(await page.getByTestId('marker-right').textContent()).toBe('L');
    await page.keyboard.press('h');
    await until((d) => d['hflip'] === 'true');
    expect(await page.getByTestId('marker-left').textContent()).toBe('L');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('scale-bar').textContent()).toMatch(/\d+ (mm|cm)/);
  });

  it('toggles the overlays with O and lists the keys with ?', async () => {
    await expect.poll(() => page.getByTestId('window-readout').count()).toBe(1);
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('window-readout').count()).toBe(0);
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('window-readout').count()).toBe(1);
    // Backslash folds the study list away for a wider viewer, and brings it back.
    const list = page.getByRole('listbox', { name: 'Studies' });
    await page.keyboard.press('\\');
    await list.waitFor({ state: 'hidden' });
    await page.keyboard.press('\\');
    await list.waitFor({ state: 'visible' });
    await page.keyboard.press('?');
    const help = page.getByTestId('viewer-help');
    await help.waitFor();
    for (const label of ['Next image', 'Window preset 1', 'Invert', 'Actual pixels (1:1)', 'Cine: play / pause']) expect(await help.textContent()).toContain(label);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('M shows the CT beside its sagittal and coronal reformats, head up, placed as the headers say; M again goes back', async () => {
    await page.keyboard.press('Home');
    await until((d) => d['imageIndex'] === '0' && d['loadedCount'] === '134');
    await page.keyboard.press('m');
    await expect.poll(() => page.getByRole('button', { name: 'Layout 1 × 3' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'MPR' }).getAttribute('aria-pressed')).toBe('true');
    // 512 sagittal and 512 coronal images (one per column and row of the 512 × 512 slices), from the middle.
    for (const slot of [1, 2]) await until((d) => d['imageCount'] === '512' && d['imageIndex'] === '256' && d['ww'] === '400', slot);
    expect(await viewport(1).getByTestId('reformat-tag').textContent()).toBe('MPR sagittal');
    expect(await viewport(2).getByTestId('reformat-tag').textContent()).toBe('MPR coronal');
    expect(await viewport(0).getByTestId('reformat-tag').count()).toBe(0);
    // Reformats are made as they are shown, not loaded ahead: no loading line for them.
    for (const slot of [1, 2]) expect(await viewport(slot).getByTestId('viewport-loading').count()).toBe(0);
    // Head at the top: on the sagittal the axial slice shown (the lowest, by its header) is a
    // horizontal line one slice (3 mm) from the bottom row per slice it lies below the highest.
    const ct = await ctSlices();
    const highest = Math.max(...ct.map((slice) => slice.z));
    const shownZ = ct[Number((await data(0))['imageIndex'])]!.z;
    await page.mouse.click(...(await centreOf(0)));
    const lineFrom = async (slot: number, source: number) => {
      const line = viewport(slot).locator(`[data-testid="reference-line"][data-source-slot="${source}"]`);
      // Attached, not "visible": a horizontal SVG line has no height, which Playwright counts as hidden.
      await line.waitFor({ state: 'attached' });
      return Promise.all(['data-image-start', 'data-image-end'].map(async (name) => ((await line.getAttribute(name)) ?? '').split(',').map(Number)));
    };
    const [start, end] = await lineFrom(1, 0);
    expect(start![1]).toBeCloseTo((highest - shownZ) / 3 + 0.5, 1);
    expect(end![1]).toBeCloseTo(start![1]!, 2);
    expect(Math.abs(end![0]! - start![0]!)).toBeCloseTo(512, 1);
    // The three planes cross: on the sagittal, the coronal (its row 257 of 512, from the middle) is the
    // vertical line at that row's centre, down the whole height.
    const [top, bottom] = await lineFrom(1, 2);
    expect([top![0], bottom![0]]).toEqual([256.5, 256.5]);
    expect(Math.abs(bottom![1]! - top![1]!)).toBeCloseTo(134, 1);
    expect(await viewport(1).locator('[data-source-slot="2"]').getAttribute('class')).toContain('other');

    // Shift+click a point on the axial: the sagittal goes to its column, the coronal to its row.
    const box = (await viewport(0).locator('.viewport-element').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.55);
    await page.keyboard.up('Shift');
    const picked = ((await viewport(0).getByTestId('cross-point').getAttribute('data-image-point')) ?? '').split(',').map(Number);
    // Image n's centre is at n + 0.5: the nearest one (either, on a tie).
    const nearest = (index: string | undefined, at: number) => Math.abs(Number(index) + 0.5 - at) <= 0.5;
    await until((d) => nearest(d['imageIndex'], picked[0]!), 1);
    await until((d) => nearest(d['imageIndex'], picked[1]!), 2);
    for (const slot of [1, 2]) await expect.poll(async () => Number(await viewport(slot).getByTestId('cross-point').getAttribute('data-distance'))).toBeLessThan(0.6);

    // A 10 mm MIP slab: all three made from the volume (the axial too, at the same height), thicker, brighter.
    const acquiredIndex = Number((await data(0))['imageIndex']);
    const upward = [...ct.map((slice) => slice.z)].sort((a, b) => a - b);
    const sagittalBefore = await canvasHash(1);
    await page.getByLabel('Slab thickness').selectOption('10');
    await expect.poll(() => viewport(0).getByTestId('reformat-tag').textContent()).toBe('MPR axial · MIP slab');
    expect(await viewport(1).getByTestId('reformat-tag').textContent()).toBe('MPR sagittal · MIP slab');
    await until((d) => d['imageIndex'] === String(upward.indexOf(ct[acquiredIndex]!.z)) && d['imageCount'] === '134');
    // 10 mm is 3 slices of 3 mm on the axial, 9 columns of 1.07 mm on the sagittal.
    await expect.poll(() => viewport(0).textContent()).toContain('Thk 9.0 mm');
    await expect.poll(() => viewport(1).textContent()).toContain('Thk 9.7 mm');
    await expect.poll(() => canvasHash(1)).not.toBe(sagittalBefore);
    // No slab: the acquired slice it was at.
    await page.getByLabel('Slab thickness').selectOption('0');
    await until((d) => d['imageIndex'] === String(acquiredIndex));
    await expect.poll(() => viewport(0).getByTestId('reformat-tag').count()).toBe(0);
    expect(await viewport(1).getByTestId('reformat-tag').textContent()).toBe('MPR sagittal');

    await page.keyboard.press('m');
    await expect.poll(() => page.getByRole('button', { name: 'Layout 1 × 1' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('reformat-tag').count()).toBe(0);
  });

  it('moves between series with PgDn/PgUp, and a series dragged onto a 2×2 layout shows there', async () => {
    await openStudy(await firstNameOfCd());
    const series = page.getByTestId('series-item');
    expect(await series.count()).toBe(5);
    const first = (await data())['series'];
    await page.keyboard.press('PageDown');
    const second = await until((d) => d['series'] !== first);
    await page.keyboard.press('PageUp');
    await until((d) => d['series'] === first);

    await page.getByRole('button', { name: 'Layout 2 × 2' }).click();
    await expect.poll(() => page.locator('[data-testid^="viewport-"][data-series]').count()).toBe(4);
    await series.nth(4).dragTo(viewport(3));
    const dropped = await until((d) => d['series'] !== '' && d['series'] !== second['series'], 3);
    expect(dropped['series']).not.toBe(first);
    await until((d) => Number(d['loadedCount']) > 0, 3);
    await page.getByRole('button', { name: 'Layout 1 × 1' }).click();
  });

  it('draws the active viewport’s slice across the other: an axial of the spine on the sagittal, where the headers put it', async () => {
    // The CD is open (previous test). Sagittal T2 on the left, the axial T2 (five angled stacks, one per disc) on the right.
    const study = await cdStudy();
    const geometry = cdGeometry();
    await page.getByRole('button', { name: 'Layout 1 × 2' }).click();
    const seriesNamed = (name: string) => page.getByTestId('series-item').filter({ hasText: name }).first();
    await seriesNamed('T2 SAG').dragTo(viewport(0));
    await seriesNamed('T2 AX').dragTo(viewport(1));
    const sagittal = await until((d) => d['series'] !== '' && Number(d['loadedCount']) > 0, 0);
    await until((d) => d['series'] !== sagittal['series'] && Number(d['loadedCount']) > 0, 1);
    const lineIn = (slot: number) => viewport(slot).getByTestId('reference-line');
    const clickIn = async (slot: number) => {
      const box = (await viewport(slot).boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    };

    // The axial viewport active: its slice on the sagittal.
    await clickIn(1);
    await lineIn(0).waitFor();
    expect(await lineIn(1).count()).toBe(0);
    const first = await shownLine(0, study, geometry);
    expectLineOnSlice(first);
    // Scrolling the axial moves the line with it (the stack runs from the head down).
    for (let step = 0; step < 4; step += 1) await page.keyboard.press('ArrowDown');
    await until((d) => d['imageIndex'] === '4', 1);
    await expect.poll(async () => (await lineIn(0).getAttribute('data-image-start')) !== first.start.join(',')).toBe(true);
    const moved = await shownLine(0, study, geometry);
    expectLineOnSlice(moved);
    expect(moved.source.sopInstanceUid).not.toBe(first.source.sopInstanceUid);
    // On screen: inside the viewport.
    const box = (await viewport(0).boundingBox())!;
    for (const attribute of ['x1', 'y1', 'x2', 'y2']) {
      const value = Number(await lineIn(0).getAttribute(attribute));
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(attribute.startsWith('x') ? box.width : box.height);
    }

    // The sagittal active instead: its slice on the axial, and none on itself.
    await clickIn(0);
    await lineIn(1).waitFor();
    expect(await lineIn(0).count()).toBe(0);
    expectLineOnSlice(await shownLine(1, study, geometry));

    // X hides them (remembered), and brings them back.
    await page.keyboard.press('x');
    await expect.poll(() => lineIn(1).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reference lines' }).getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('x');
    await lineIn(1).waitFor();

    // Two sagittal stacks are parallel: no line between them.
    await seriesNamed('T1 SAG').dragTo(viewport(1));
    await until((d) => d['series'] !== '' && d['series'] !== sagittal['series'] && Number(d['loadedCount']) > 0 && d['imageCount'] === '11', 1);
    await clickIn(0);
    await page.waitForTimeout(300);
    expect(await lineIn(1).count()).toBe(0);
    await page.getByRole('button', { name: 'Layout 1 × 1' }).click();
  });

  it('Shift+drag on the sagittal takes the axial viewport to the slice through the point under the pointer, marked in both; no window/level change', async () => {
    await page.getByRole('button', { name: 'Layout 1 × 2' }).click();
    const seriesNamed = (name: string) => page.getByTestId('series-item').filter({ hasText: name }).first();
    await seriesNamed('T2 SAG').dragTo(viewport(0));
    await seriesNamed('T2 AX').dragTo(viewport(1));
    await until((d) => d['imageCount'] === '17' && d['loadedCount'] === '17', 1);
    await until((d) => d['imageCount'] === '11' && d['loadedCount'] === '11', 0);
    // The axial's 11th slice, seen as its line on the sagittal.
    const axialBox = (await viewport(1).boundingBox())!;
    await page.mouse.click(axialBox.x + axialBox.width / 2, axialBox.y + axialBox.height / 2);
    await page.keyboard.press('Home');
    for (let step = 0; step < 10; step += 1) await page.keyboard.press('ArrowDown');
    await until((d) => d['imageIndex'] === '10', 1);
    const line = viewport(0).getByTestId('reference-line');
    await line.waitFor();
    await expect.poll(async () => (await line.getAttribute('data-source-slot')) === '1' && (await line.getAttribute('data-image-start')) !== null).toBe(true);
    const [x1, y1, x2, y2] = await Promise.all(['x1', 'y1', 'x2', 'y2'].map(async (name) => Number(await line.getAttribute(name))));
    await page.keyboard.press('Home');
    await until((d) => d['imageIndex'] === '0', 1);

    // Shift+drag from 40 px below to the middle of where that slice crossed the sagittal
    // (a drag the window/level tool would have taken, had it seen the press).
    const before = await data(0);
    const element = (await viewport(0).locator('.viewport-element').boundingBox())!;
    const middle = { x: element.x + (x1! + x2!) / 2, y: element.y + (y1! + y2!) / 2 };
    await page.keyboard.down('Shift');
    await dragMouse(page, { x: middle.x - 30, y: middle.y + 40 }, middle);
    await page.keyboard.up('Shift');
    await until((d) => d['imageIndex'] === '10', 1);
    const marks = async (slot: number) => Number(await viewport(slot).getByTestId('cross-point').getAttribute('data-distance'));
    await expect.poll(() => viewport(0).getByTestId('cross-point').count()).toBe(1);
    expect(await marks(0)).toBe(0);
    await expect.poll(() => viewport(1).getByTestId('cross-point').count()).toBe(1);
    // On that slice, within the pointer's half-pixel (slices here are 4 mm thick).
    expect(await marks(1)).toBeLessThan(2);
    // The press went to the cross-reference, not to the window/level drag under it; the sagittal is now the active viewport.
    const after = await data(0);
    expect([after['ww'], after['wc'], after['imageIndex']]).toEqual([before['ww'], before['wc'], before['imageIndex']]);
    expect(await viewport(0).getAttribute('class')).toContain('active');

    // Scrolled off it, the axial says how far the point is.
    await page.mouse.click(axialBox.x + axialBox.width / 2, axialBox.y + axialBox.height / 2);
    await page.keyboard.press('ArrowUp');
    await until((d) => d['imageIndex'] === '9', 1);
    await expect.poll(() => marks(1)).toBeGreaterThan(2);
    expect(await viewport(1).getByTestId('cross-point').textContent()).toMatch(/\d+(\.\d)? mm away/);

    // The axial series is five stacks at five angles: no volume to reformat, and the reader is told why.
    await page.keyboard.press('m');
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(' ')).toMatch(/No MPR of this series: the slices are not parallel/);
    expect(await page.getByRole('button', { name: 'Layout 1 × 2' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Layout 1 × 1' }).click();
  });

  /** The centre of a viewport, in page coordinates. */
  async function centreOf(slot: number): Promise<[number, number]> {
    const box = (await viewport(slot).boundingBox())!;
    return [box.x + box.width / 2, box.y + box.height / 2];
  }

  /** The CT's slices in the viewer's order, with each one's height (z of Image Position (Patient)) read from its file here. */
  async function ctSlices(): Promise<Array<{ sopInstanceUid: string; z: number }>> {
    const folder = corpusPath('ct-series/pancreas-ct-cbct-seg');
    const zOf = new Map<string, number>();
    for (const name of readdirSync(folder).filter((file) => file.endsWith('.dcm'))) {
      const dataSet = dicomParser.parseDicom(readFileSync(path.join(folder, name)), { untilTag: 'x7fe00010' });
      zOf.set(dataSet.string('x00080018') ?? '', Number((dataSet.string('x00200032') ?? '').split('\\')[2]));
    }
    const found = await callHost(host, 'library.searchStudies', { modality: 'CT' });
    const uid = (found.value as { studies: Array<{ studyInstanceUid: string }> }).studies[0]?.studyInstanceUid;
    const study = (await callHost(host, 'viewer.openStudy', { studyInstanceUid: uid })).value as ViewerStudy;
    return study.series[0]!.instances.map((instance) => ({ sopInstanceUid: instance.sopInstanceUid, z: zOf.get(instance.sopInstanceUid) ?? NaN }));
  }

  interface Geometry {
    frameOfReference: string;
    position: number[];
    row: number[];
    column: number[];
    rowSpacing: number;
    columnSpacing: number;
    rows: number;
    columns: number;
  }

  /** Each CD image's geometry by SOP Instance UID, read from its header here (dicom-parser), not through the viewer. */
  function cdGeometry(): Map<string, Geometry> {
    const folder = corpusPath('dicomdir/wakasa-mr-lspine-cd/DCMDT');
    const found = new Map<string, Geometry>();
    for (const name of readdirSync(folder)) {
      const dataSet = dicomParser.parseDicom(readFileSync(path.join(folder, name)), { untilTag: 'x7fe00010' });
      const numbers = (tag: string) => (dataSet.string(tag) ?? '').split('\\').map(Number);
      const [rowSpacing = NaN, columnSpacing = NaN] = numbers('x00280030');
      const orientation = numbers('x00200037');
      found.set(dataSet.string('x00080018') ?? '', {
        frameOfReference: dataSet.string('x00200052') ?? '',
        position: numbers('x00200032'),
        row: orientation.slice(0, 3),
        column: orientation.slice(3, 6),
        rowSpacing,
        columnSpacing,
        rows: dataSet.uint16('x00280010') ?? 0,
        columns: dataSet.uint16('x00280011') ?? 0,
      });
    }
    return found;
  }

  async function cdStudy(): Promise<ViewerStudy> {
    const found = await callHost(host, 'library.searchStudies', { modality: 'MR' });
    const uid = (found.value as { studies: Array<{ studyInstanceUid: string; seriesCount: number }> }).studies.find((s) => s.seriesCount === 5)?.studyInstanceUid;
    return (await callHost(host, 'viewer.openStudy', { studyInstanceUid: uid })).value as ViewerStudy;
  }

  interface ShownLine {
    start: number[];
    end: number[];
    target: Geometry & { sopInstanceUid: string };
    source: Geometry & { sopInstanceUid: string };
  }

  /** The reference line drawn in `slot`, with the geometry of the two images it joins (by the viewports' series and image index). */
  async function shownLine(slot: number, study: ViewerStudy, geometry: Map<string, Geometry>): Promise<ShownLine> {
    const line = viewport(slot).getByTestId('reference-line');
    const sourceSlot = Number(await line.getAttribute('data-source-slot'));
    const imageOf = async (viewportSlot: number) => {
      const d = await data(viewportSlot);
      const sopInstanceUid = study.series.find((s) => s.seriesInstanceUid === d['series'])?.instances[Number(d['imageIndex'])]?.sopInstanceUid ?? '';
      return { ...geometry.get(sopInstanceUid)!, sopInstanceUid };
    };
    const point = async (attribute: string) => ((await line.getAttribute(attribute)) ?? '').split(',').map(Number);
    return { start: await point('data-image-start'), end: await point('data-image-end'), target: await imageOf(slot), source: await imageOf(sourceSlot) };
  }

  /**
   * Both ends of the line, taken back into the patient through the target image's header (PS3.3
   * C.7.6.2.1.1; cornerstone's pixel (i, j) has its centre at i + 0.5, j + 0.5), lie on the source
   * image's slice and within both images.
   */
  function expectLineOnSlice({ start, end, target, source }: ShownLine): void {
    expect(target.frameOfReference).toBe(source.frameOfReference);
    const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? NaN), 0);
    const normal = [source.row[1]! * source.column[2]! - source.row[2]! * source.column[1]!, source.row[2]! * source.column[0]! - source.row[0]! * source.column[2]!, source.row[0]! * source.column[1]! - source.row[1]! * source.column[0]!];
    expect(Math.hypot(end[0]! - start[0]!, end[1]! - start[1]!)).toBeGreaterThan(20);
    for (const [x = NaN, y = NaN] of [start, end]) {
      expect(x).toBeGreaterThanOrEqual(-0.01);
      expect(x).toBeLessThanOrEqual(target.columns + 0.01);
      expect(y).toBeGreaterThanOrEqual(-0.01);
      expect(y).toBeLessThanOrEqual(target.rows + 0.01);
      const patient = [0, 1, 2].map((axis) => target.position[axis]! + (x - 0.5) * target.columnSpacing * target.row[axis]! + (y - 0.5) * target.rowSpacing * target.column[axis]!);
      const offset = patient.map((value, axis) => value - source.position[axis]!);
      // Within 0.1 mm of the slice (the ends are rounded to 0.01 pixel).
      expect(Math.abs(dot(offset, normal))).toBeLessThan(0.1);
      const inSource = { x: dot(offset, source.row) / source.columnSpacing + 0.5, y: dot(offset, source.column) / source.rowSpacing + 0.5 };
      expect(inSource.x).toBeGreaterThanOrEqual(-0.05);
      expect(inSource.x).toBeLessThanOrEqual(source.columns + 0.05);
      expect(inSource.y).toBeGreaterThanOrEqual(-0.05);
      expect(inSource.y).toBeLessThanOrEqual(source.rows + 0.05);
    }
  }

  it('opens a study in the layout last chosen for its modality, its first series in order', async () => {
    await page.getByRole('button', { name: 'Layout 2 × 2' }).click();
    const mr = await cdStudy();
    const firstFour = mr.series.slice(0, 4).map((series) => series.seriesInstanceUid);
    await openStudy('Pancreas');
    // No layout was chosen for CT: one viewport.
    expect(await page.getByRole('button', { name: 'Layout 1 × 1' }).getAttribute('aria-pressed')).toBe('true');
    await openStudy(await firstNameOfCd());
    expect(await page.getByRole('button', { name: 'Layout 2 × 2' }).getAttribute('aria-pressed')).toBe('true');
    for (const slot of [0, 1, 2, 3]) await until((d) => d['series'] === firstFour[slot], slot);
    await page.getByRole('button', { name: 'Layout 1 × 1' }).click();
  });

  it('plays a multi-frame file as cine at its own frame rate, and pauses', async () => {
    await openStudy('US Echo');
    const before = await until((d) => Number(d['imageCount']) >= 8);
    await expect.poll(() => page.getByLabel('Cine frame rate').inputValue()).toBe(String(Math.round(1000 / ((33.333 + 50 + 33.333 + 50 + 50 + 50 + 33.333 + 43.333) / 8))));
    await page.keyboard.press('p');
    await until((d) => d['cine'] === 'playing');
    await until((d) => d['imageIndex'] !== before['imageIndex']);
    await until((d) => d['imageIndex'] === '3');
    await page.keyboard.press('p');
    const stopped = await until((d) => d['cine'] === 'stopped');
    await page.waitForTimeout(300);
    expect((await data())['imageIndex']).toBe(stopped['imageIndex']);
  });

  it('shows a visible error when an image does not arrive in time', async () => {
    const isolated = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    // A decode worker that never starts: the loader's promise would stay pending forever.
    await isolated.route('**/vendor/image-decoder/*.worker.js', (route) => route.abort());
    await isolated.addInitScript(() => localStorage.setItem('lumen.viewer.imageLoadTimeoutMs', '2000'));
    await isolated.goto(host.url);
    await isolated.getByPlaceholder('Beginning of any name…').fill('Pancreas');
    await isolated.getByTestId('study-row').first().click();
    await isolated.keyboard.press('Enter');
    const error = isolated.locator('.viewport-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/Image 1 could not be shown: no image after 2 s/);
    await isolated.close();
  });

  async function firstNameOfCd(): Promise<string> {
    // The CD's patient name is real (published by him under CC0); the test reads it from the list.
    const summaries = await callHost(host, 'library.searchStudies', { modality: 'MR' });
    const names = (summaries.value as { studies: Array<{ patientName: string; seriesCount: number }> }).studies.filter((s) => s.seriesCount === 5).map((s) => s.patientName);
    return (names[0] ?? '').split('^')[0] ?? '';
  }
});
