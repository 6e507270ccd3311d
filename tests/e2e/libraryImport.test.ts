/// <reference lib="dom" />
/**
 * A technician imports a CT series through the browser host's UI and a radiologist finds it;
 * then files dropped onto the window are imported, and a study is deleted. Debian's Chromium,
 * the real host, real files from the corpus.
 */
import { readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { corpusPath } from '../helpers/corpus';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { artifactsDir } from '../helpers/paths';
import { onSmallDisk } from '../helpers/smallDisk';
import { makeTempDir } from '../helpers/tempDir';

describe('importing and finding studies in the browser', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const rows = () => page.getByTestId('study-row');

  beforeAll(async () => {
    temp = makeTempDir('e2e-import');
    host = await startHostProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('library-empty').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('imports a folder typed into the import panel, showing progress, then a summary', async () => {
    // Record whether the progress panel was ever on screen: the import may be quicker than a poll.
    await page.evaluate(() => {
      const seen = { progress: false };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="import-progress"]')) seen.progress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByRole('button', { name: 'Import folder…' }).click();
    await page.getByTestId('import-path').fill(corpusPath('ct-series/pancreas-ct-cbct-seg'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-summary').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { __seen: { progress: boolean } }).__seen.progress)).toBe(true);
    expect(await page.getByTestId('summary-imported').textContent()).toBe('134');
    expect(await page.getByTestId('import-study').allTextContents()).toEqual(['Pancreas-CT-CB_001 Pancreas-CT-CB_001 · 2012-07-06 · CT · PANCREAS · 134 imagesOpen']);
    expect(await page.getByTestId('summary-already').textContent()).toBe('0');
    // The folder's licence and citation texts are listed with their reason.
    expect(await page.getByTestId('skipped-list').textContent()).toContain('LICENSE.txt');
    expect(await page.getByTestId('skipped-list').textContent()).toContain('not DICOM');
    // The page is told file names relative to the folder chosen, never where they are on disk.
    expect(await page.getByTestId('skipped-list').textContent()).not.toContain(corpusPath(''));
    mkdirSync(path.join(artifactsDir, 'e2e'), { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'e2e', 'import-summary.png') });
    // Closed like any panel (the ✕ does what Done does).
    await page.getByRole('button', { name: 'Close import' }).click();
    await expect.poll(() => page.getByTestId('import-panel').count()).toBe(0);
    await rows().first().waitFor();
    expect(await rows().count()).toBe(1);
    expect(await page.getByTestId('status-library').textContent()).toBe('1 study · 134 images · 71 MB');
    // Each study says its size, to find what to delete when the disk fills (sortable: Size on disk).
    expect(await page.getByTestId('study-size').first().textContent()).toBe('71 MB');
  });

  it('finds the study by the beginning of the patient name, case ignored', async () => {
    const name = page.getByTestId('filter-patientName');
    await name.fill('pancreas-ct');
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('1 study match');
    await name.fill('liver');
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('0 studies match');
    await name.fill('');
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('1 study');
  });

  it('finds the study by study date range', async () => {
    await page.getByText('More filters').click();
    await page.getByTestId('filter-dateFrom').fill('2012-07-01');
    await page.getByTestId('filter-dateTo').fill('2012-07-31');
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('1 study match');
    await page.getByTestId('filter-dateFrom').fill('2012-07-07');
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('0 studies match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.getByTestId('study-count').textContent()).toBe('1 study');
  });

  it('opens a study row to show its series and image counts', async () => {
    await rows().first().click();
    const detail = page.getByTestId('study-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('134 images');
    expect(await detail.textContent()).toContain('1 series');
  });

  it('exports the study as a disc into a typed folder and says what it wrote; a folder holding a disc is refused', async () => {
    const outside = makeTempDir('e2e-export');
    try {
      const disc = path.join(outside.dir, 'patient disc');
      const outcome = async () => (await page.getByTestId('export-outcome').textContent()) ?? '';
      await page.getByTestId('export-disc').click();
      await page.getByTestId('export-path').fill(disc);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await expect.poll(outcome, { timeout: 30_000 }).toMatch(/^Exported 134 images \(71 MB\) with a DICOMDIR/);
      expect(readdirSync(disc).sort()).toEqual(['DICOM', 'DICOMDIR']);
      // The same folder again: refused with the reason, the disc left as it was.
      await page.getByTestId('export-disc').click();
      await page.getByTestId('export-path').fill(disc);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await expect.poll(outcome).toContain('already holds a DICOM disc');
      expect(await page.getByTestId('export-outcome').getAttribute('role')).toBe('alert');
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    } finally {
      outside.remove();
    }
  });

  it('imports files dropped onto the window', async () => {
    const files = ['1-1.dcm', '1-2.dcm', '1-3.dcm'].map((name) => ({ name, base64: readFileSync(corpusPath(`mr-series/cptac-sar-ax-scout/${name}`)).toString('base64') }));
    await page.evaluate((dropped) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of dropped) transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await page.getByTestId('import-summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('summary-imported').textContent()).toBe('3');
    // Whose images they were, and a way straight into them.
    expect(await page.getByTestId('import-study').allTextContents()).toEqual(['C3L-02846 C3L-02846 · 2009-10-18 · MR · FOREARM^ROUTINE · 3 imagesOpen']);
    await page.getByTestId('import-study').getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.getByTestId('import-panel').count()).toBe(0);
    await expect.poll(async () => (await page.getByTestId('image-position').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Im 1 \/ 3/);
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('moves through the study list with the keyboard', async () => {
    const selectedIndex = () => page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="study-row"]')).findIndex((row) => row.getAttribute('aria-selected') === 'true'));
    // The first study is open from an earlier step; clicking the second selects and focuses it.
    await rows().nth(1).click();
    await expect.poll(selectedIndex).toBe(1);
    await page.keyboard.press('ArrowUp');
    await expect.poll(selectedIndex).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-selected'))).toBe('true');
    await page.keyboard.press('End');
    await expect.poll(selectedIndex).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(selectedIndex).toBe(-1);
  });

  it('deletes a study only after confirmation, removing its files and writing an audit row', async () => {
    const mrRow = rows().filter({ hasText: 'C3L-02846' });
    await mrRow.click();
    await page.getByRole('button', { name: 'Delete study…' }).click();
    await page.getByRole('button', { name: 'Keep' }).click();
    expect(await rows().count()).toBe(2);
    await page.getByRole('button', { name: 'Delete study…' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(1);
    const db = new Database(path.join(temp.dir, 'library.sqlite'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM instances').pluck().get()).toBe(134);
    expect(db.prepare("SELECT json_extract(detail, '$.instances') FROM audit_log WHERE action = 'study.delete'").pluck().get()).toBe(3);
    db.close();
  });
});

describe('importing onto a library disk that fills up, in the browser', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;

  beforeAll(async () => {
    temp = makeTempDir('e2e-disk-full');
    const disk = path.join(temp.dir, 'disk');
    mkdirSync(disk);
    // A real 40 MB disk of its own (tmpfs in a private mount namespace): the CT needs 71 MB.
    host = await startHostProcess(path.join(disk, 'library'), [], 30_000, onSmallDisk(disk, 40));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('says the disk is full, what came in, and what did not, blaming no file', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('library-empty').waitFor();
    // The progress panel warned while it was up (it may be quicker than a poll: recorded as shown).
    await page.evaluate(() => {
      const seen = { warning: '' };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        seen.warning = document.querySelector('[data-testid="import-room-warning"]')?.textContent ?? seen.warning;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Import folder…' }).click();
    await page.getByTestId('import-path').fill(corpusPath('ct-series/pancreas-ct-cbct-seg'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.locator('.import-title').textContent()).toBe('Import stopped by an error');
    expect(await page.evaluate(() => (window as unknown as { __seen: { warning: string } }).__seen.warning)).toMatch(
      /^May not fit: 71 MB to import and room for [\d.]+ MB on the library’s disk\. The import stops when it is full, keeping what it took \(files already in the library take no room\)\.$/,
    );
    expect(await summary.getByRole('alert').textContent()).toMatch(/^The disk holding the library is full: [\d.]+ MB free, the next files need [\d.]+ MB, and 2\.1 MB is kept free for the database and report drafts$/);
    const imported = Number(await page.getByTestId('summary-imported').textContent());
    const notImported = Number(await page.getByTestId('summary-not-imported').textContent());
    expect(imported).toBeGreaterThan(0);
    expect(notImported).toBeGreaterThan(0);
    // 136 files found (134 images, a licence and a citation): each imported, skipped or not reached.
    expect(imported + Number(await page.getByTestId('summary-skipped').textContent()) + notImported).toBe(136);
    expect(await page.getByTestId('not-imported-hint').textContent()).toBe(
      `${notImported} files were not imported because the import stopped. Import the same folder again to take them: what is already in the library is not copied twice.`,
    );
    // What came in is in the summary and the study list.
    await expect.poll(() => page.getByTestId('study-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('import-study').allTextContents()).toEqual([`Pancreas-CT-CB_001 Pancreas-CT-CB_001 · 2012-07-06 · CT · PANCREAS · ${imported} imagesOpen`]);
    await page.close();
  });

  it('warns in the status bar, and refuses files dropped onto the full disk with the reason, keeping none of the drop', async () => {
    // Where the import stopped depends on how its two batches met; something else now takes
    // the disk down to 5 MB free, whatever was left.
    const hostView = `/proc/${host.child.pid}/root${path.join(temp.dir, 'disk')}`;
    const { bavail, bsize } = statfsSync(hostView);
    writeFileSync(path.join(hostView, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 5 * 1024 * 1024)));
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('study-row').first().waitFor();
    expect(await page.getByTestId('status-disk').textContent()).toMatch(/^Disk nearly full: 5\.\d MB free$/);
    const before = await page.getByTestId('status-library').textContent();
    // Twenty CT slices (10 MB; each takes room twice until imported): more than the room left.
    const ct = corpusPath('ct-series/pancreas-ct-cbct-seg');
    const files = readdirSync(ct)
      .filter((name) => name.endsWith('.dcm'))
      .slice(100, 120)
      .map((name) => ({ name, base64: readFileSync(path.join(ct, name)).toString('base64') }));
    await page.evaluate((dropped) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of dropped) transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    const alert = page.getByTestId('import-panel').getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/^1-\d{3}\.dcm could not be sent to the workstation: the disk holding the library is full: [\d.]+ MB free, the next files need [\d.]+ MB, and 2\.1 MB is kept free for the database and report drafts$/);
    // What the drop had sent is gone again, and nothing was imported.
    // (A file already on its way when the drop was refused goes when it lands.)
    await expect.poll(() => readdirSync(`/proc/${host.child.pid}/root${path.join(temp.dir, 'disk', 'library', 'uploads')}`), { timeout: 5_000 }).toEqual([]);
    expect(await page.getByTestId('status-library').textContent()).toBe(before);
    await page.close();
  });
});
