/**
 * The viewer on the 134-slice CT, in Debian's Chromium through the browser host, with a warm
 * app (page loaded, decoder workers and codecs started by opening another study first) and a
 * cold study (none of its images decoded yet):
 * - first image: from the Enter that opens the study to its first image on screen;
 * - series ready: from the same Enter to all 134 images decoded and cached;
 * - scrolling: one ArrowDown per animation frame through all slices; per frame, cornerstone's
 *   own render time and the wall time between consecutive rendered images, read from the
 *   animation frames that drew them (the clock the empty-loop anchor reads; the render events'
 *   own performance.now() readings are reported beside it); a frame is dropped when an image
 *   took more than 1.5 frame intervals to follow the previous one;
 * - window/level: a real left-button drag, cornerstone's render time per rendered frame;
 * - memory: resident memory of the renderer process after the series is loaded;
 * - MPR: from the M that asks for it to both reformats (sagittal, coronal) on screen beside the
 *   CT, then scrolling the sagittal one image per frame (each is made when shown), and the
 *   renderer's memory with the volume built.
 * Headless Chromium here renders with the CPU (no GPU), like a reading-room PC without
 * accelerated canvas; numbers on real hardware are lower.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium';
import { cliImport } from '../../helpers/cli';
import { corpusPath } from '../../helpers/corpus';
import { callHost } from '../../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../../helpers/hostProcess';
import { makeTempDir } from '../../helpers/tempDir';
import { selectOnlyStudy } from '../../helpers/viewerPage';
import { type BenchResult, median, percentile, round } from '../benchResult';

const RUNS = 3;
const FRAME_MS = 1000 / 60;

interface OpenTimes {
  firstImageMs: number;
  seriesReadyMs: number;
}

/** Opens the study whose row is the only one matching `name`, timing from the Enter key. */
async function openAndTime(page: Page, name: string, expectedImages: number): Promise<OpenTimes> {
  await selectOnlyStudy(page, name);
  await page.evaluate((expected) => {
    const marks: { t0?: number; first?: number; ready?: number } = {};
    (window as unknown as { __marks: typeof marks }).__marks = marks;
    window.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && marks.t0 === undefined) marks.t0 = performance.now();
    }, { capture: true });
    const observer = new MutationObserver(() => {
      const viewport = document.querySelector<HTMLElement>('[data-testid="viewport-0"]');
      if (!viewport) return;
      if (marks.first === undefined && viewport.dataset['ww'] && viewport.dataset['series']) marks.first = performance.now();
      if (marks.ready === undefined && Number(viewport.dataset['loadedCount']) >= expected) marks.ready = performance.now();
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true });
  }, expectedImages);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const marks = (window as unknown as { __marks: { ready?: number } }).__marks;
    return marks.ready !== undefined;
  }, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const marks = (window as unknown as { __marks: { t0: number; first: number; ready: number } }).__marks;
    return { firstImageMs: marks.first - marks.t0, seriesReadyMs: marks.ready - marks.t0 };
  });
}

async function closeStudy(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close the study' }).click();
  await page.getByTestId('viewer-empty').waitFor();
}

interface ScrollFigures {
  renderMs: number[];
  /** Between the animation frames that drew consecutive images (the frame clock, as the empty loop's anchor). */
  wallMs: number[];
  /** Between the render events' own clock readings, which also carry where in its frame each draw ran. */
  eventMs: number[];
  missing: number;
}

/** One ArrowDown per animation frame, `steps` times, in viewport `slot`. */
function scrollThrough(page: Page, steps: number, slot = 0): Promise<ScrollFigures> {
  return page.evaluate(async ([count, viewportSlot]) => {
    const element = document.querySelector<HTMLElement>(`[data-testid="viewport-${viewportSlot}"] .viewport-element`);
    if (!element) throw new Error('no viewport');
    element.focus();
    const renders: Array<{ at: number; frame: number; ms: number }> = [];
    // document.timeline.currentTime is the time of the animation frame being produced: the same
    // clock the empty requestAnimationFrame loop reads, so both are measured alike.
    const onRendered = (event: Event) => renders.push({ at: performance.now(), frame: Number(document.timeline.currentTime), ms: (event as CustomEvent<{ renderTimeInMs: number }>).detail.renderTimeInMs });
    element.addEventListener('cornerstoneimagerendered', onRendered);
    await new Promise<void>((resolve) => {
      let sent = 0;
      const tick = () => {
        if (sent >= count) return resolve();
        sent += 1;
        element.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    element.removeEventListener('cornerstoneimagerendered', onRendered);
    const wallMs = renders.slice(1).map((render, i) => render.frame - (renders[i]?.frame ?? render.frame));
    const eventMs = renders.slice(1).map((render, i) => render.at - (renders[i]?.at ?? render.at));
    return { renderMs: renders.map((r) => r.ms), wallMs, eventMs, missing: Math.max(0, count - renders.length) };
  }, [steps, slot] as const);
}

/** Milliseconds from the M key to both reformats shown (their viewports windowed, tagged MPR). */
async function openMprAndTime(page: Page): Promise<number> {
  await page.evaluate(() => {
    const marks: { t0?: number; shown?: number } = {};
    (window as unknown as { __mpr: typeof marks }).__mpr = marks;
    window.addEventListener('keydown', (event) => {
      if (event.key === 'm' && marks.t0 === undefined) marks.t0 = performance.now();
    }, { capture: true });
    const shown = (slot: number) => {
      const viewport = document.querySelector<HTMLElement>(`[data-testid="viewport-${slot}"]`);
      return Boolean(viewport?.dataset['ww']) && viewport?.querySelector('[data-testid="reformat-tag"]') !== null;
    };
    const observer = new MutationObserver(() => {
      if (marks.shown === undefined && shown(1) && shown(2)) marks.shown = performance.now();
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  await page.keyboard.press('m');
  await page.waitForFunction(() => (window as unknown as { __mpr: { shown?: number } }).__mpr.shown !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const marks = (window as unknown as { __mpr: { t0: number; shown: number } }).__mpr;
    return marks.shown - marks.t0;
  });
}

/** A left-button drag across the image, collecting cornerstone's render times. */
async function windowDrag(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const element = document.querySelector<HTMLElement>('[data-testid="viewport-0"] .viewport-element');
    const times: number[] = [];
    (window as unknown as { __wl: number[] }).__wl = times;
    element?.addEventListener('cornerstoneimagerendered', (event) => times.push((event as CustomEvent<{ renderTimeInMs: number }>).detail.renderTimeInMs));
  });
  const box = await page.getByTestId('viewport-0').boundingBox();
  if (!box) throw new Error('no viewport box');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down({ button: 'left' });
  for (let step = 1; step <= 120; step += 1) await page.mouse.move(x + Math.sin(step / 10) * 150, y + Math.cos(step / 13) * 100);
  await page.mouse.up({ button: 'left' });
  await page.waitForTimeout(100);
  return page.evaluate(() => (window as unknown as { __wl: number[] }).__wl);
}

/**
 * The floor under "series ready": fetching the same files in the same page, six at a time (the
 * browser's per-host limit), with nothing decoded. Measured between the viewer's runs.
 */
function fetchFloorMs(page: Page, urls: string[]): Promise<number> {
  return page.evaluate(async (list) => {
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const url = list[next++];
        if (url === undefined) break;
        const bytes = await (await fetch(`${url}?nocache=${Math.random()}`, { cache: 'no-store' })).arrayBuffer();
        if (bytes.byteLength === 0) throw new Error(`empty answer for ${url}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    return performance.now() - started;
  }, urls);
}

/** Frame intervals of an empty requestAnimationFrame loop: the browser's own frame clock. */
function emptyFrameIntervals(page: Page, frames: number): Promise<number[]> {
  return page.evaluate(
    (count) =>
      new Promise<number[]>((resolve) => {
        const stamps: number[] = [];
        const tick = (now: number) => {
          stamps.push(now);
          if (stamps.length > count) resolve(stamps.slice(1).map((t, i) => t - (stamps[i] ?? t)));
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    frames,
  );
}

/** Resident memory (MB) of the largest renderer process among Chromium's children. */
function rendererRssMb(): number {
  let largest = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('chromium') || !cmdline.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (rss) largest = Math.max(largest, Number(rss) / 1024);
    } catch {
      // The process ended while being read.
    }
  }
  return largest;
}

async function ctUrls(host: HostProcess): Promise<string[]> {
  const found = await callHost(host, 'library.searchStudies', { patientId: 'Pancreas-CT-CB_001' });
  const study = (found.value as { studies: Array<{ studyInstanceUid: string }> } | undefined)?.studies[0];
  if (!study) throw new Error('the CT study is not in the bench library');
  const opened = await callHost(host, 'viewer.openStudy', { studyInstanceUid: study.studyInstanceUid });
  return (opened.value as { series: Array<{ instances: Array<{ url: string }> }> }).series.flatMap((s) => s.instances.map((i) => i.url));
}

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-viewer');
  await cliImport(temp.dir, [corpusPath('ct-series/pancreas-ct-cbct-seg'), corpusPath('mr-series/cptac-sar-ax-scout')]);
  const host = await startHostProcess(temp.dir);
  const browser = await launchChromium();
  try {
    const opens: OpenTimes[] = [];
    const scroll: ScrollFigures = { renderMs: [], wallMs: [], eventMs: [], missing: 0 };
    const wl: number[] = [];
    const fetchFloor: number[] = [];
    const emptyFrames: number[] = [];
    const urls = await ctUrls(host);
    let memoryBefore = 0;
    let memoryAfter = 0;
    const mprOpens: number[] = [];
    const mprScroll: ScrollFigures = { renderMs: [], wallMs: [], eventMs: [], missing: 0 };
    const slabScroll: ScrollFigures = { renderMs: [], wallMs: [], eventMs: [], missing: 0 };
    let mprMemory = 0;
    for (let runIndex = 0; runIndex < RUNS; runIndex += 1) {
      // A fresh page each run: nothing of the CT decoded or cached.
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      // tsx compiles with keepNames, which wraps functions inside page.evaluate in a __name helper.
      await page.addInitScript(() => {
        (globalThis as unknown as { __name: (f: unknown) => unknown }).__name = (f: unknown) => f;
      });
      await page.goto(host.url);
      await openAndTime(page, 'C3L', 3); // warms the app: decoder workers, codecs, cornerstone
      await closeStudy(page);
      memoryBefore = rendererRssMb();
      opens.push(await openAndTime(page, 'Pancreas', 134));
      memoryAfter = rendererRssMb();
      await page.keyboard.press('Home');
      await page.waitForTimeout(100);
      emptyFrames.push(...(await emptyFrameIntervals(page, 133)));
      const figures = await scrollThrough(page, 133);
      scroll.renderMs.push(...figures.renderMs);
      scroll.wallMs.push(...figures.wallMs);
      scroll.eventMs.push(...figures.eventMs);
      scroll.missing += figures.missing;
      wl.push(...(await windowDrag(page)));
      fetchFloor.push(await fetchFloorMs(page, urls));
      await page.getByTestId('viewport-0').locator('.viewport-element').focus();
      mprOpens.push(await openMprAndTime(page));
      mprMemory = Math.max(mprMemory, rendererRssMb());
      // Keys go to the active viewport: a click makes the sagittal one active.
      const sagittalBox = await page.getByTestId('viewport-1').boundingBox();
      if (!sagittalBox) throw new Error('no sagittal viewport');
      await page.mouse.click(sagittalBox.x + sagittalBox.width / 2, sagittalBox.y + sagittalBox.height / 2);
      const sagittal = await scrollThrough(page, 200, 1);
      mprScroll.wallMs.push(...sagittal.wallMs);
      mprScroll.renderMs.push(...sagittal.renderMs);
      mprScroll.missing += sagittal.missing;
      // A 20 mm MIP slab: each sagittal image combines 19 columns of voxels.
      await page.getByLabel('Slab thickness').selectOption('20');
      await page.waitForFunction(() => document.querySelector('[data-testid="viewport-1"] [data-testid="reformat-tag"]')?.textContent?.includes('slab') === true);
      await page.mouse.click(sagittalBox.x + sagittalBox.width / 2, sagittalBox.y + sagittalBox.height / 2);
      const slabbed = await scrollThrough(page, 100, 1);
      slabScroll.wallMs.push(...slabbed.wallMs);
      slabScroll.renderMs.push(...slabbed.renderMs);
      slabScroll.missing += slabbed.missing;
      await page.close();
    }
    const dropped = scroll.wallMs.filter((ms) => ms > FRAME_MS * 1.5).length + scroll.missing;
    const seriesReady = median(opens.map((o) => o.seriesReadyMs));
    const floor = median(fetchFloor);
    const scrollP99 = percentile(scroll.wallMs, 99);
    const emptyP99 = percentile(emptyFrames, 99);
    return [
      { name: 'viewer.firstImageMs', value: round(median(opens.map((o) => o.firstImageMs)), 1), unit: 'ms', note: `median of ${RUNS} cold opens of the 134-slice CT in a warm app (goal ≤ 150 ms); all: ${opens.map((o) => round(o.firstImageMs, 0)).join(', ')}` },
      {
        name: 'viewer.seriesReadyMs',
        value: round(seriesReady, 1),
        unit: 'ms',
        anchor: `fetching the same 134 files (70 MB) in the page, nothing decoded: ${round(floor, 0)} ms`,
        ratio: round(seriesReady / floor, 2),
        note: `Enter → all 134 images decoded (goal ≤ 1000 ms); all: ${opens.map((o) => round(o.seriesReadyMs, 0)).join(', ')}; fetch floor all: ${fetchFloor.map((ms) => round(ms, 0)).join(', ')}`,
      },
      {
        name: 'viewer.scrollFrameP99Ms',
        value: round(scrollP99, 2),
        unit: 'ms',
        anchor: `an empty requestAnimationFrame loop in the same page, p99 interval ${round(emptyP99, 2)} ms`,
        ratio: round(scrollP99 / emptyP99, 2),
        note: `wall time between the animation frames that drew consecutive images, one ArrowDown per frame, ${scroll.wallMs.length} frames (goal ≤ 16.7); median ${round(median(scroll.wallMs), 2)} ms; render alone p99 ${round(percentile(scroll.renderMs, 99), 2)} ms; read from the render events' own clock instead, p99 ${round(percentile(scroll.eventMs, 99), 2)} ms (that also counts where in its frame each draw ran)`,
      },
      { name: 'viewer.droppedFrames', value: dropped, unit: 'frames', note: `frames slower than 1.5 × 16.7 ms or never rendered, of ${RUNS} × 133 steps (goal 0)` },
      { name: 'viewer.wlRenderP95Ms', value: round(percentile(wl, 95), 2), unit: 'ms', note: `cornerstone render time during left-button window/level drags, ${wl.length} renders (goal ≤ 4)` },
      { name: 'viewer.rendererMemoryMb', value: round(memoryAfter, 0), unit: 'MB', note: `renderer process RSS with the CT loaded (${round(memoryBefore, 0)} MB before opening it)` },
      { name: 'viewer.mpr.openMs', value: round(median(mprOpens), 1), unit: 'ms', note: `M → sagittal and coronal reformats of the loaded 134-slice CT on screen (volume of 70 MB built from the decoded slices); all: ${mprOpens.map((ms) => round(ms, 0)).join(', ')}` },
      {
        name: 'viewer.mpr.scrollFrameP99Ms',
        value: round(percentile(mprScroll.wallMs, 99), 2),
        unit: 'ms',
        anchor: `an empty requestAnimationFrame loop in the same page, p99 interval ${round(emptyP99, 2)} ms`,
        ratio: round(percentile(mprScroll.wallMs, 99) / emptyP99, 2),
        note: `the sagittal reformat scrolled one image per frame, each made when shown (512 × 134 pixels sampled), ${mprScroll.wallMs.length} frames; median ${round(median(mprScroll.wallMs), 2)} ms; render alone p99 ${round(percentile(mprScroll.renderMs, 99), 2)} ms; ${mprScroll.wallMs.filter((ms) => ms > FRAME_MS * 1.5).length + mprScroll.missing} frames dropped`,
      },
      {
        name: 'viewer.mpr.slabScrollFrameP99Ms',
        value: round(percentile(slabScroll.wallMs, 99), 2),
        unit: 'ms',
        anchor: `an empty requestAnimationFrame loop in the same page, p99 interval ${round(emptyP99, 2)} ms`,
        ratio: round(percentile(slabScroll.wallMs, 99) / emptyP99, 2),
        note: `the same with a 20 mm MIP slab (19 columns of voxels per image), ${slabScroll.wallMs.length} frames; median ${round(median(slabScroll.wallMs), 2)} ms; ${slabScroll.wallMs.filter((ms) => ms > FRAME_MS * 1.5).length + slabScroll.missing} frames dropped`,
      },
      { name: 'viewer.mpr.rendererMemoryMb', value: round(mprMemory, 0), unit: 'MB', note: 'renderer process RSS with the CT loaded and its MPR volume built' },
    ];
  } finally {
    await browser.close();
    await host.stop();
    temp.remove();
  }
}
