/**
 * Fidelity against DCMTK: every image in the corpus (DICOM_CORPUS, default ../shared/dicom),
 * frame 1, rendered at actual size by the viewer's own rendering path in Chromium through the
 * browser host, compared pixel by pixel with the reference (reference.ts) at the same window.
 * Passing means at least 99.9 % of samples within ±1 grey level.
 *
 * The library keeps one copy per SOP Instance UID, and the corpus holds several encodings of the
 * same instance (one per transfer syntax), so the files are imported in rounds, each into its
 * own data directory, with no UID twice in a round.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { callHost } from '../helpers/hostEvents';
import { startHostProcess } from '../helpers/hostProcess';
import { corpusDir } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';
import { type CorpusImage, findCorpusImages } from './corpusImages';
import { type ReferenceWindow, renderReference } from './reference';

const REQUIRED_SHARE = 0.999;
const TOLERANCE = 1;

interface Outcome {
  name: string;
  status: 'passed' | 'failed' | 'not compared';
  detail: string;
}

interface RenderedCheck {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: string;
  window: { windowWidth: number; windowCenter: number } | null;
}

type CheckWindow = { windowWidth: number; windowCenter: number } | 'auto' | 'default';

/** Colour: as decoded. A VOI LUT: the file's. A window in the file: that one. Otherwise min-max. */
function windowFor(image: CorpusImage): CheckWindow {
  if (image.color || image.hasVoiLut) return 'default';
  return image.window ?? 'auto';
}

function rounds(images: CorpusImage[]): CorpusImage[][] {
  const result: CorpusImage[][] = [];
  const seen = new Map<string, number>();
  for (const image of images) {
    const round = seen.get(image.sopInstanceUid) ?? 0;
    seen.set(image.sopInstanceUid, round + 1);
    (result[round] ??= []).push(image);
  }
  return result;
}

const outcomes: Outcome[] = [];
let browser: Browser;
const temp = makeTempDir('fidelity');

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  temp.remove();
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  const lines = outcomes.map((o) => `  ${o.status.padEnd(12)} ${o.name}: ${o.detail}`);
  console.log(
    [
      `fidelity against the reference (±${TOLERANCE}, ≥ ${REQUIRED_SHARE * 100} % of samples), corpus ${corpusDir}:`,
      ...lines,
      `fidelity: ${count('passed') + count('failed')} compared, ${count('passed')} passed, ${count('not compared')} not compared`,
    ].join('\n'),
  );
});

async function compareRound(page: Page, roundIndex: number, images: CorpusImage[]): Promise<void> {
  const dataDir = path.join(temp.dir, `round-${roundIndex}`);
  const workDir = path.join(temp.dir, `work-${roundIndex}`);
  mkdirSync(workDir, { recursive: true });
  const imported = await cliImport(dataDir, images.map((image) => image.file));
  const refused = new Map(imported.skipped.map((skip) => [path.basename(skip.file), skip.reason]));

  const host = await startHostProcess(dataDir);
  try {
    await page.goto(`${host.origin}/display-check.html?token=${host.token}`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset['ready'] === 'true');
    const urls = new Map<string, string>();
    for (const studyUid of new Set(images.map((image) => image.studyInstanceUid))) {
      const opened = await callHost(host, 'viewer.openStudy', { studyInstanceUid: studyUid });
      const study = opened.value as { series: Array<{ instances: Array<{ sopInstanceUid: string; url: string }> }> } | undefined;
      for (const instance of study?.series.flatMap((s) => s.instances) ?? []) urls.set(instance.sopInstanceUid, instance.url);
    }

    for (const image of images) {
      const url = urls.get(image.sopInstanceUid);
      if (!url) {
        const reason = refused.get(path.basename(image.file)) ?? 'not in the library after import';
        outcomes.push({ name: image.name, status: 'not compared', detail: `the workstation refuses this file at import: ${reason}` });
        continue;
      }
      const checkWindow = windowFor(image);
      const frame = image.frames > 1 ? 0 : null;
      let rendered: RenderedCheck;
      try {
        rendered = await page.evaluate(
          async ([u, f, w]) => {
            const check = (globalThis as unknown as { lumenDisplayCheck?: { render(url: string, frame: number | null, window: CheckWindow): Promise<RenderedCheck> } }).lumenDisplayCheck;
            if (!check) throw new Error('display check page not ready');
            return check.render(u, f, w);
          },
          [url, frame, checkWindow] as [string, number | null, CheckWindow],
        );
      } catch (error) {
        outcomes.push({ name: image.name, status: 'failed', detail: `the viewer could not render it: ${String(error).split('\n')[0]}` });
        continue;
      }
      const referenceWindow: ReferenceWindow = image.color ? 'none' : image.hasVoiLut ? 'voi-lut' : (rendered.window ?? 'none');
      const reference = await renderReference(image.file, workDir, referenceWindow, image.color, image.photometric === 'PALETTE COLOR');
      if ('reasons' in reference) {
        outcomes.push({ name: image.name, status: 'not compared', detail: `no reference could decode it (${reference.reasons.join('; ')})` });
        continue;
      }
      const ref = reference.pnm;
      if (ref.width !== rendered.width || ref.height !== rendered.height || ref.channels !== rendered.channels) {
        outcomes.push({
          name: image.name,
          status: 'failed',
          detail: `shape differs: viewer ${rendered.width}×${rendered.height}×${rendered.channels}, ${reference.tool} ${ref.width}×${ref.height}×${ref.channels}`,
        });
        continue;
      }
      const ours = Buffer.from(rendered.pixels, 'base64');
      let within = 0;
      let worst = 0;
      for (let i = 0; i < ours.length; i += 1) {
        const difference = Math.abs((ours[i] ?? 0) - (ref.data[i] ?? 0));
        if (difference <= TOLERANCE) within += 1;
        if (difference > worst) worst = difference;
      }
      const share = within / ours.length;
      const windowText = rendered.window ? ` at W ${rendered.window.windowWidth.toFixed(1)} / C ${rendered.window.windowCenter.toFixed(1)}` : image.hasVoiLut ? ' with its VOI LUT' : '';
      outcomes.push({
        name: image.name,
        status: share >= REQUIRED_SHARE ? 'passed' : 'failed',
        detail: `${(share * 100).toFixed(3)} % within ±${TOLERANCE} (worst ${worst}) vs ${reference.tool}${windowText}`,
      });
    }
  } finally {
    await host.stop();
  }
}

describe('fidelity against DCMTK', () => {
  const images = findCorpusImages(corpusDir);

  it('finds images in the corpus', () => {
    expect(images.length).toBeGreaterThan(0);
  });

  it('renders every decodable image as the reference does', { timeout: 900_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    for (const [index, round] of rounds(images).entries()) await compareRound(page, index, round);
    await page.close();
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(outcomes.length).toBe(images.length);
    expect(failed.map((o) => `${o.name}: ${o.detail}`)).toEqual([]);
    expect(outcomes.some((o) => o.status === 'passed')).toBe(true);
  });
});
