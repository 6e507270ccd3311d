/// <reference lib="dom" />
/**
 * A technician sets up the archive and sends a study, in Chromium, against a real Orthanc: the
 * connection test names the wrong password, the study goes up through the queue, the status bar
 * follows, the transfers are listed, and the server's study list marks what is already here. A
 * second server behind https with a self-signed certificate shows that certificate, and is
 * trusted with one click. Transfers no longer wanted are cancelled from the queue, and a study
 * whose download was cancelled part-way is marked incomplete in the list and in the viewer.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import type { ServerSummary, SyncStatus } from '../../shared/api';
import { startCuttingProxy } from '../helpers/cuttingProxy';
import { freeLoopbackPort } from '../helpers/freePort';
import { callHostValue } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { type OrthancServer, startOrthanc } from '../helpers/orthanc';
import { artifactsDir } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';
import { selfSignedCertificate, startTlsRelay } from '../helpers/tlsRelay';
import { selectOnlyStudy } from '../helpers/viewerPage';

describe('setting up a server and sending a study', () => {
  let orthanc: OrthancServer;
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { tech: 'right-password' } });
    temp = makeTempDir('e2e-sync');
    await cliImport(temp.dir, [corpusPath('mr-series/cptac-sar-ax-scout')]);
    host = await startHostProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(host.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await orthanc?.stop();
    temp?.remove();
  });

  it('adds the archive, and the connection test says when the password is wrong', async () => {
    const status = page.getByTestId('status-sync');
    await expect.poll(async () => status.textContent()).toBe('Sync: not configured');
    // The import and sync panels take turns over the viewer: the one asked for last is shown.
    await page.getByRole('button', { name: 'Import…' }).click();
    await page.getByTestId('import-panel').waitFor();
    await status.click();
    await page.getByTestId('sync-panel').waitFor();
    expect(await page.getByTestId('import-panel').count()).toBe(0);
    await page.getByRole('button', { name: 'Import…' }).click();
    await page.getByTestId('import-panel').waitFor();
    expect(await page.getByTestId('sync-panel').count()).toBe(0);
    await page.getByRole('button', { name: 'Close import' }).click();
    await status.click();
    await page.getByTestId('server-add').click();
    await page.getByTestId('server-name').fill('Archive');
    await page.getByTestId('server-url').fill(orthanc.dicomWebUrl);
    await page.getByTestId('server-auth').selectOption('basic');
    await page.getByTestId('server-username').fill('tech');
    await page.getByTestId('server-secret').fill('wrong-password');
    // The form says where the password will be kept.
    expect(await page.getByTestId('sync-panel').textContent()).toContain('not in the operating system’s keychain');
    await page.getByTestId('server-save').click();
    await expect.poll(async () => (await page.getByTestId('server-check').textContent()) ?? '', { timeout: 15_000 }).toMatch(/refused the credentials \(401/);

    await page.getByRole('button', { name: 'Change…' }).click();
    await page.getByTestId('server-secret').fill('right-password');
    await page.getByTestId('server-save').click();
    await expect.poll(async () => (await page.getByTestId('server-check').textContent()) ?? '', { timeout: 15_000 }).toContain('is a DICOMweb service');

    // The reading room's setting: the server's new studies come by themselves.
    await page.getByRole('button', { name: 'Change…' }).click();
    expect(await page.getByTestId('server-auto-download-days').isDisabled()).toBe(true);
    await page.getByTestId('server-auto-download').check();
    await page.getByTestId('server-auto-download-days').fill('3');
    await page.getByTestId('server-auto-download-priors').fill('2');
    await page.getByTestId('server-save').click();
    await expect.poll(async () => (await page.getByTestId('server-item').textContent()) ?? '').toContain('downloads studies of the last 3 days by itself, with the 2 latest priors');
    const saved = await callHostValue<{ servers: ServerSummary[] }>(host, 'servers.list', {});
    expect(saved.servers.map((server) => [server.autoDownloadDays, server.autoDownloadPriors])).toEqual([[3, 2]]);
  });

  it('sends a study through the queue and shows it arriving', async () => {
    await page.getByRole('button', { name: 'Close sync' }).click();
    await selectOnlyStudy(page, 'C3L');
    await page.getByTestId('study-upload').click();
    await expect.poll(async () => page.getByTestId('study-upload-status').textContent()).toBe('3 images queued for the server.');
    await expect.poll(async () => (await page.getByTestId('status-sync').textContent()) ?? '', { timeout: 30_000 }).toMatch(/^Online · last sync/);
    const held = await fetch(`${orthanc.dicomWebUrl}/studies`, { headers: { ...orthanc.authHeaders, Accept: 'application/dicom+json' } });
    expect((await held.json()) as unknown[]).toHaveLength(1);

    await page.getByTestId('status-sync').click();
    await page.getByTestId('sync-tab-transfers').click();
    // One line for the study: where it went, what it is, all of it sent; the instances behind Details.
    const line = page.getByTestId('transfer-group');
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.textContent()).toMatch(/^↑ to ArchiveC3L-02846 · C3L-02846 · 2009-10-18 · MR · FOREARM\^ROUTINE/);
    await expect.poll(async () => line.getByTestId('transfer-group-state').textContent()).toMatch(/^Sent · 3 images · /);
    expect(await line.getByTestId('transfer-group-cancel').count()).toBe(0);
    await line.getByTestId('transfer-group-details').click();
    await expect.poll(() => line.getByTestId('transfer-row').count()).toBe(3);
    expect(await line.getByTestId('transfer-row').allTextContents()).toEqual(Array.from({ length: 3 }, () => expect.stringMatching(/^done…\d+1/) as string));

    // The server's studies are listed as the tab opens, with what is here marked.
    await page.getByTestId('sync-tab-remote').click();
    await expect.poll(() => page.getByTestId('remote-study').count()).toBe(1);
    expect(await page.getByTestId('remote-study').textContent()).toMatch(/^C3L-02846 C3L-028462009-10-18MRFOREARM\^ROUTINE3✓ here$/);
    // Narrowed by a filter: nothing of that name on the server.
    await page.getByTestId('remote-patientName').fill('Nobody');
    await page.getByTestId('remote-search').click();
    await expect.poll(() => page.getByTestId('remote-study').count()).toBe(0);
    await page.getByTestId('remote-patientName').fill('');
    await page.getByTestId('remote-search').click();
    await expect.poll(() => page.getByTestId('remote-study').count()).toBe(1);
  });

  it('shows the certificate of a server behind https that this workstation does not know, and trusts it when asked', async () => {
    const certificate = selfSignedCertificate(temp.dir, 'pacs', 'pacs.hospital.test');
    const relay = await startTlsRelay(orthanc.httpPort, certificate);
    try {
      await page.getByTestId('sync-tab-servers').click();
      await page.getByTestId('server-add').click();
      await page.getByTestId('server-name').fill('Hospital PACS');
      await page.getByTestId('server-url').fill(`https://127.0.0.1:${relay.port}/dicom-web`);
      await page.getByTestId('server-auth').selectOption('basic');
      await page.getByTestId('server-username').fill('tech');
      await page.getByTestId('server-secret').fill('right-password');
      await page.getByTestId('server-save').click();
      const item = page.getByTestId('server-item').filter({ hasText: 'Hospital PACS' });
      await expect.poll(async () => (await item.getByTestId('server-check').textContent()) ?? '', { timeout: 15_000 }).toMatch(/not trusted: it is self-signed/);
      const fingerprint = new X509Certificate(certificate.cert).fingerprint256;
      expect(await item.getByTestId('server-certificate-sha256').textContent()).toBe(fingerprint);
      expect(await item.getByTestId('server-certificate').textContent()).toContain('CN=pacs.hospital.test');
      expect(relay.bytesToServer()).toBe(0);
      await item.screenshot({ path: path.join(artifactsDir, 'e2e', 'server-certificate.png') });

      await item.getByTestId('server-trust-certificate').click();
      await expect.poll(async () => (await item.getByTestId('server-check').textContent()) ?? '', { timeout: 15_000 }).toContain('is a DICOMweb service');
      expect(await item.getByTestId('server-certificate').count()).toBe(0);
      expect(await item.getByTestId('server-trusted-certificate').textContent()).toContain(fingerprint);
    } finally {
      await relay.close();
    }
  });

  it('takes transfers no longer wanted out of the queue', async () => {
    await callHostValue<ServerSummary>(host, 'servers.save', { name: 'Unplugged', baseUrl: `http://127.0.0.1:${await freeLoopbackPort()}/dicom-web`, auth: 'none' });
    // Sent from the study's detail to the server chosen there (several servers now).
    await page.getByRole('button', { name: 'Close sync' }).click();
    await selectOnlyStudy(page, 'C3L');
    await page.getByTestId('study-upload-server').selectOption({ label: 'Unplugged' });
    await page.getByTestId('study-upload').click();
    await expect.poll(async () => page.getByTestId('study-upload-status').textContent()).toBe('3 images queued for the server.');
    await page.getByTestId('status-sync').click();
    await page.getByTestId('sync-tab-transfers').click();
    const waiting = page.getByTestId('transfer-group').filter({ hasText: '↑ to Unplugged' });
    // Refused connections: waiting for the next try, with the reason.
    await expect.poll(async () => (await waiting.getByTestId('transfer-group-state').textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Waiting · 0 of 3 sent · next try \d\d:\d\d$/);
    expect(await waiting.getByTestId('transfer-group-problems').textContent()).toMatch(/^3 failed, to be tried again: .*refused/);
    // The study's detail says its images have not reached that server; deleting it here warns so.
    await page.getByRole('button', { name: 'Close sync' }).click();
    await selectOnlyStudy(page, 'C3L');
    await expect.poll(async () => (await page.getByTestId('study-uploads').allTextContents()).join(), { timeout: 15_000 }).toBe('On Archive: 3 images sentTo Unplugged: 0 of 3 sent, 3 waiting');
    await page.getByRole('button', { name: 'Delete study…' }).click();
    expect(await page.getByTestId('delete-unsent-warning').textContent()).toBe(' 3 images have not reached Unplugged yet: deleting the study here loses them.');
    await page.getByRole('button', { name: 'Keep' }).click();
    await page.getByTestId('status-sync').click();
    await page.getByTestId('sync-tab-transfers').click();
    // The archive is not shown as down for it: the server that does not answer is named.
    await expect.poll(async () => page.getByTestId('status-sync').textContent()).toMatch(/^Online · Unplugged unreachable · 3 waiting · last sync/);
    await page.getByTestId('sync-panel').screenshot({ path: path.join(artifactsDir, 'e2e', 'transfers.png') });
    await waiting.getByTestId('transfer-group-cancel').click();
    await expect.poll(() => waiting.count()).toBe(0);
    // The done upload of the first test is the record of what went: still listed, no Cancel on it.
    expect(await page.getByTestId('transfer-group').count()).toBe(1);
    expect(await page.getByTestId('transfer-group-cancel').count()).toBe(0);
  });

  it('shows transfers refused for a wrong password with the reason, and retries them once it is fixed', async () => {
    const stale = await callHostValue<ServerSummary>(host, 'servers.save', { name: 'Stale password', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: 'tech', secret: 'expired' });
    const study = (await callHostValue<{ studies: Array<{ studyInstanceUid: string }> }>(host, 'library.searchStudies', {})).studies[0]!.studyInstanceUid;
    await callHostValue(host, 'sync.upload', { studyInstanceUid: study, serverId: stale.id });
    const line = page.getByTestId('transfer-group').filter({ hasText: '↑ to Stale password' });
    await expect.poll(async () => (await line.getByTestId('transfer-group-state').textContent()) ?? '', { timeout: 15_000 }).toBe('Refused · 0 of 3 sent · 3 transfers need you');
    expect(await line.getByTestId('transfer-group-problems').textContent()).toMatch(/^3 refused: .*refused the credentials \(401/);
    await callHostValue(host, 'servers.save', { id: stale.id, name: 'Stale password', baseUrl: orthanc.dicomWebUrl, auth: 'basic', username: 'tech', secret: 'right-password' });
    await expect.poll(async () => page.getByTestId('retry-parked').textContent()).toBe('Retry 3 refused transfers');
    await page.getByTestId('retry-parked').click();
    await expect.poll(async () => (await line.getByTestId('transfer-group-state').textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Sent · 3 images · /);
    expect(await page.getByTestId('retry-parked').count()).toBe(0);
    await callHostValue(host, 'servers.delete', { id: stale.id });
    // From a line into the viewer: the panel makes way for the images.
    await page.getByTestId('transfer-group').first().getByTestId('transfer-group-open').click();
    await expect.poll(() => page.getByTestId('sync-panel').count()).toBe(0);
    await expect.poll(async () => (await page.getByTestId('image-position').first().textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Im 1 \/ 3/);
    await page.getByTestId('status-sync').click();
  });

  it('says a study whose download was cancelled part-way is incomplete, in the list and above the images', async () => {
    const study = (await callHostValue<{ studies: Array<{ studyInstanceUid: string }> }>(host, 'library.searchStudies', {})).studies[0]!.studyInstanceUid;
    await callHostValue(host, 'library.deleteStudy', { studyInstanceUid: study });
    // The study's answer stops after its first image (the connection held open), as on a link that died.
    const proxy = await startCuttingProxy(orthanc.httpPort, new RegExp(`^GET /dicom-web/studies/${study.replaceAll('.', '\\.')} `), 700_000, 'stall');
    try {
      const slow = await callHostValue<ServerSummary>(host, 'servers.save', { name: 'Slow link', baseUrl: `http://127.0.0.1:${proxy.port}/dicom-web`, auth: 'basic', username: 'tech', secret: 'right-password' });
      // Asked for from that server in the window: chosen among the servers, the study ticked by clicking its row.
      await page.getByTestId('sync-tab-servers').click();
      await page.getByTestId('sync-tab-remote').click();
      await page.getByTestId('remote-server').selectOption({ label: 'Slow link' });
      const row = page.getByTestId('remote-study');
      await expect.poll(async () => (await row.allTextContents()).join(), { timeout: 15_000 }).toMatch(/^C3L-02846 .*3$/);
      await row.getByText('FOREARM^ROUTINE').click();
      await page.getByTestId('remote-download').click();
      await expect.poll(async () => (await page.getByTestId('sync-panel').getByRole('status').textContent()) ?? '').toMatch(/^3 images queued for download/);
      await expect.poll(async () => (await callHostValue<{ instances: number }>(host, 'library.stats', {})).instances, { timeout: 15_000 }).toBe(1);
      await callHostValue(host, 'sync.cancel', { groups: [{ serverId: slow.id, direction: 'download', studyInstanceUid: study }] });
      await expect.poll(async () => (await callHostValue<SyncStatus>(host, 'sync.status', {})).downloading, { timeout: 15_000 }).toBeNull();

      await page.getByRole('button', { name: 'Close sync' }).click();
      // Selected already (by the second test): clicking it again keeps it selected, and Enter opens it.
      await selectOnlyStudy(page, 'C3L');
      await expect.poll(async () => page.getByTestId('study-incomplete').textContent()).toBe(' (incomplete: 2 not here)');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await page.getByTestId('viewer-incomplete').textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Incomplete study: 2 images of 3 are not on this workstation/);
    } finally {
      await proxy.close();
    }
  });
});
