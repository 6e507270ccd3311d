/// <reference lib="dom" />
/**
 * A radiologist opens the workstation for the first time: Debian's Chromium, driven by
 * playwright-core, through the real browser host on an empty library.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { artifactsDir } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

describe('the workstation in Chromium through the browser host', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    temp = makeTempDir('e2e');
    host = await startHostProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    temp?.remove();
  });

  it('loads the app and takes the token out of the address bar', async () => {
    await expect.poll(() => page.title()).toBe('Lumen Workstation');
    expect(page.url()).toBe(`${host.origin}/`);
    // The session cookie is HttpOnly: the page's scripts cannot read the token.
    expect(await page.evaluate(() => document.cookie)).not.toContain(host.token);
  });

  it('shows the empty library inviting an import', async () => {
    const empty = page.getByTestId('library-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No studies in the library yet');
    expect(await page.getByRole('button', { name: 'Import folder…' }).count()).toBe(1);
    expect(await page.getByTestId('viewer-empty').textContent()).toMatch(/^No study open/);
  });

  it('shows mode, connection, data directory and library counts in the status bar', async () => {
    await expect.poll(() => page.getByTestId('status-mode').textContent()).toBe('Browser host');
    await expect.poll(() => page.getByTestId('status-connection').textContent()).toBe('Connected');
    expect(await page.getByTestId('status-data-directory').textContent()).toBe(`Library: ${temp.dir}`);
    expect(await page.getByTestId('status-library').textContent()).toBe('0 studies · 0 images · 0 B');
    // The disk has room: no warning.
    expect(await page.getByTestId('status-disk').count()).toBe(0);
    await expect.poll(async () => page.getByTestId('status-sync').textContent()).toBe('Sync: not configured');
  });

  it('moves keyboard focus between regions with F6 and Shift+F6', async () => {
    const focusedRegion = () => page.evaluate(() => document.activeElement?.closest('[data-region]')?.getAttribute('data-region') ?? null);
    await page.keyboard.press('F6');
    expect(await focusedRegion()).toBe('study-list');
    await page.keyboard.press('F6');
    expect(await focusedRegion()).toBe('viewer');
    await page.keyboard.press('F6');
    expect(await focusedRegion()).toBe('status');
    await page.keyboard.press('F6');
    expect(await focusedRegion()).toBe('study-list');
    await page.keyboard.press('Shift+F6');
    expect(await focusedRegion()).toBe('status');
  });

  it('runs under the strict Content-Security-Policy without errors', async () => {
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    // A script the policy forbids is refused by the browser.
    const inlineRan = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    expect(consoleErrors.filter((text) => !text.includes('Content Security Policy')), consoleErrors.join('\n')).toEqual([]);
  });

  it('saves a screenshot of the empty workstation', async () => {
    const dir = path.join(artifactsDir, 'e2e');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'empty-library.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('refuses a browser that does not have the token', async () => {
    const stranger = await browser.newPage();
    const response = await stranger.goto(`${host.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await stranger.textContent('body')).toContain('needs the token');
    await stranger.close();
  });

  it('says so when the host goes away', async () => {
    await host.stop();
    await expect.poll(() => page.getByTestId('status-connection').textContent(), { timeout: 15_000 }).toBe('Host unreachable');
  });
});
