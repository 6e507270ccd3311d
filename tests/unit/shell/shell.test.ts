/**
 * The Electron shell, loaded against the fake `electron` module: the window is hardened,
 * navigation, new windows and permissions are refused, the app:// and dicom:// schemes serve
 * only what they should, and IPC answers only our own page. The services behind it are real.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../shared/bridge';
import { BundleReader } from '../../../shared/instanceBundle';
import { DECODE_WORKER_POLICY } from '../../../shared/security/contentSecurityPolicy';
import { instanceFilePath } from '../../../electron/services/instanceFiles';
import { buildApplicationMenu } from '../../../electron/shell/menu';
import { startShell } from '../../../electron/shell/startShell';
import { corpusPath } from '../../helpers/corpus';
import { makeTempDir } from '../../helpers/tempDir';
import * as electron from './fakeElectron';

vi.mock('electron', async () => await import('./fakeElectron'));

const SOP_UID = '1.2.840.113619.2.55.3.1';
const BARE_SOP_UID = '1.2.840.113619.2.55.3.2';
/** A Part-10 file, and a bare dataset (no preamble, no DICM, no file meta) as old files are. */
const part10File = readFileSync(corpusPath('color/color-px.dcm'));
const bareDataset = readFileSync(corpusPath('color/OT-PAL-8-face.dcm'));
let temp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let window: electron.BrowserWindow;
let schemesBeforeReady = 0;

const preventable = () => ({ prevented: false, preventDefault() { this.prevented = true; } });

beforeAll(async () => {
  temp = makeTempDir('shell');
  dataDir = path.join(temp.dir, 'data');
  const rendererDir = path.join(temp.dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(temp.dir, 'secret.txt'), 'outside the renderer');

  startShell({ preload: '/app/dist/node/preload.cjs', rendererDir }, ['/usr/bin/electron', '.', '--no-sandbox-is-not-ours', '--data-dir', dataDir]);
  schemesBeforeReady = electron.privilegedSchemes.length;
  electron.app.becomeReady();
  await vi.waitFor(() => expect(electron.BrowserWindow.created).toHaveLength(1), { timeout: 20_000 });
  window = electron.BrowserWindow.created[0]!;

  const file = instanceFilePath(path.join(dataDir, 'instances'), SOP_UID);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, part10File);
  const bare = instanceFilePath(path.join(dataDir, 'instances'), BARE_SOP_UID);
  mkdirSync(path.dirname(bare), { recursive: true });
  writeFileSync(bare, bareDataset);
  mkdirSync(path.join(rendererDir, 'vendor', 'image-decoder'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'vendor', 'image-decoder', 'index.worker.min.worker.js'), '// worker');
});

afterAll(async () => {
  const quitting = preventable();
  electron.app.emit('will-quit', quitting);
  await vi.waitFor(() => expect(electron.app.quitCalled).toBe(true), { timeout: 20_000 });
  temp.remove();
});

describe('start-up', () => {
  it('enables the sandbox for every renderer and registers its schemes before ready', () => {
    expect(electron.app.sandboxEnabled).toBe(true);
    expect(schemesBeforeReady).toBe(2);
    expect(electron.privilegedSchemes.map((entry) => entry.scheme)).toEqual(['app', 'dicom']);
    for (const entry of electron.privilegedSchemes) expect(entry.privileges).toMatchObject({ standard: true, secure: true });
  });

  it('opens the library in the data directory given by --data-dir', () => {
    const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true });
    expect(db.prepare("SELECT detail FROM audit_log WHERE action = 'app.start'").pluck().get()).toBe('{"mode":"electron","version":"0.1.0"}');
    db.close();
  });

  it('creates one hardened window showing app://lumen/', () => {
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/dist/node/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.loadedUrl).toBe('app://lumen/index.html');
    expect(window.options['backgroundColor']).toBe('#050607');
  });

  it('sets an application menu', () => {
    expect(electron.menus.applied).not.toBeNull();
  });
});

describe('every web contents is hardened', () => {
  const contents = new electron.FakeWebContents();
  beforeAll(() => {
    electron.app.emit('web-contents-created', {}, contents);
  });

  it('refuses navigation away from app://lumen', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)']) {
      const event = preventable();
      contents.emit('will-navigate', event, url);
      expect(event.prevented, url).toBe(true);
      const redirect = preventable();
      contents.emit('will-redirect', redirect, url);
      expect(redirect.prevented, url).toBe(true);
    }
    const own = preventable();
    contents.emit('will-navigate', own, 'app://lumen/index.html');
    expect(own.prevented).toBe(false);
  });

  it('denies new windows and <webview>', () => {
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://lumen/index.html' })).toEqual({ action: 'deny' });
    const attach = preventable();
    contents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
  });
});

describe('the session', () => {
  const session = electron.session.defaultSession;

  it('grants only clipboard writing and full screen, and only to our page', async () => {
    const ask = (permission: string, url = 'app://lumen/index.html') =>
      new Promise<boolean>((resolve) => {
        const contents = new electron.FakeWebContents();
        contents.url = url;
        session.permissionRequestHandler?.(contents, permission, resolve);
      });
    expect(await ask('clipboard-sanitized-write')).toBe(true);
    expect(await ask('fullscreen')).toBe(true);
    for (const permission of ['geolocation', 'media', 'notifications', 'openExternal', 'midi', 'hid', 'serial', 'usb', 'clipboard-read']) {
      expect(await ask(permission), permission).toBe(false);
    }
    expect(await ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(session.permissionCheckHandler?.(null, 'geolocation', 'app://lumen')).toBe(false);
    expect(session.permissionCheckHandler?.(null, 'fullscreen', 'app://lumen')).toBe(true);
  });

  it('adds the Content-Security-Policy to every response, the decode worker getting its own', () => {
    const policyFor = (url: string) => {
      let headers: Record<string, string[]> | undefined;
      session.headersHandler?.({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
      expect(headers?.['Content-Type']).toEqual(['text/html']);
      return headers?.['Content-Security-Policy']?.[0] ?? '';
    };
    for (const url of ['app://lumen/index.html', 'app://lumen/vendor/image-decoder/cornerstoneWADOImageLoader.min.js', 'https://evil.example/vendor/image-decoder/x.worker.js']) {
      expect(policyFor(url), url).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
      expect(policyFor(url), url).not.toMatch(/'unsafe-(eval|inline)'/);
    }
    expect(policyFor('app://lumen/vendor/image-decoder/index.worker.min.worker.js')).toBe(DECODE_WORKER_POLICY);
  });

  it('app:// serves the renderer and nothing outside it', async () => {
    const app = session.protocolHandlers.get('app')!;
    const page = await app({ url: 'app://lumen/' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    const worker = await app({ url: 'app://lumen/vendor/image-decoder/index.worker.min.worker.js' });
    expect(worker.headers.get('content-security-policy')).toBe(DECODE_WORKER_POLICY);
    for (const url of ['app://lumen/%2e%2e/secret.txt', 'app://lumen/..%2Fsecret.txt', 'app://lumen/assets/missing.js', 'app://other/index.html']) {
      expect((await app({ url })).status, url).toBe(404);
    }
  });

  it('dicom:// serves an instance by UID and refuses anything that is not one', async () => {
    const dicom = session.protocolHandlers.get('dicom')!;
    const found = await dicom({ url: `dicom://instance/${SOP_UID}` });
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('application/dicom');
    expect(found.headers.get('access-control-allow-origin')).toBe('app://lumen');
    expect(Buffer.from(await found.arrayBuffer()).equals(part10File)).toBe(true);
    // A file stored without a Part-10 header is sent as one: preamble, DICM, meta, then its bytes.
    const bare = Buffer.from(await (await dicom({ url: `dicom://instance/${BARE_SOP_UID}` })).arrayBuffer());
    expect(bare.subarray(128, 132).toString('ascii')).toBe('DICM');
    expect(bare.subarray(bare.length - bareDataset.length).equals(bareDataset)).toBe(true);
    for (const url of ['dicom://instance/..%2F..%2Flibrary.sqlite', 'dicom://instance/1.2.3', 'dicom://instance/%2Fetc%2Fpasswd', `dicom://other/${SOP_UID}`, `dicom://instance/${SOP_UID}/extra`]) {
      expect((await dicom({ url })).status, url).toBe(404);
    }
  });

  it('dicom://bundle/ sends the files asked for in one framed answer, and refuses anything else', async () => {
    const dicom = session.protocolHandlers.get('dicom')!;
    const bundle = (init: RequestInit) => dicom(new Request('dicom://bundle/', init));
    const answer = await bundle({ method: 'POST', body: JSON.stringify({ uids: [SOP_UID, '1.2.999.1'] }) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('app://lumen');
    const files: Array<[string, ArrayBuffer | null]> = [];
    const reader = new BundleReader((uid, file) => files.push([uid, file]));
    reader.push(new Uint8Array(await answer.arrayBuffer()));
    expect(reader.complete).toBe(true);
    expect(files.map(([uid, file]) => [uid, file === null ? null : Buffer.from(file).equals(part10File)])).toEqual([
      [SOP_UID, true],
      ['1.2.999.1', null],
    ]);
    const preflight = await bundle({ method: 'OPTIONS' });
    expect([preflight.status, preflight.headers.get('access-control-allow-methods')]).toEqual([204, 'POST']);
    expect((await bundle({ method: 'GET' })).status).toBe(405);
    for (const body of ['not json', JSON.stringify({ uids: [] }), JSON.stringify({ uids: [SOP_UID], path: '/etc' }), JSON.stringify({ uids: ['with space'] })]) {
      expect((await bundle({ method: 'POST', body })).status, body).toBe(400);
    }
    // A UID is looked up by its hash, never used as a path: a path-like one is simply not here.
    const traversal = await bundle({ method: 'POST', body: JSON.stringify({ uids: ['../../library.sqlite'] }) });
    const found: Array<ArrayBuffer | null> = [];
    new BundleReader((_uid, file) => found.push(file)).push(new Uint8Array(await traversal.arrayBuffer()));
    expect(found).toEqual([null]);
  });
});

describe('IPC', () => {
  const request = () => electron.ipcMain.handlers.get(IPC_CHANNELS.request) as (event: unknown, name: unknown, input: unknown) => Promise<unknown>;
  const eventFrom = (url: string, subframe = false) => {
    const mainFrame = { url };
    return { sender: { mainFrame }, senderFrame: subframe ? { url } : mainFrame };
  };

  it('answers our page through the validating router', async () => {
    expect(await request()(eventFrom('app://lumen/index.html'), 'app.info', {})).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(await request()(eventFrom('app://lumen/index.html'), 'audit.query', { limit: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await request()(eventFrom('app://lumen/index.html'), 'shell.openExternal', {})).toMatchObject({ ok: false, error: { code: 'unknown-request' } });
  });

  it('refuses other origins and sub-frames', async () => {
    expect(await request()(eventFrom('https://evil.example/'), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request()(eventFrom('app://lumen/index.html', true), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request()({ sender: { mainFrame: null }, senderFrame: null }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('sends events to a page once it subscribes, starting with the library counts', async () => {
    const contents = new electron.FakeWebContents();
    electron.ipcMain.emit(IPC_CHANNELS.subscribe, { sender: contents, senderFrame: contents.mainFrame });
    await vi.waitFor(() => expect(contents.sent).toHaveLength(1));
    expect(contents.sent[0]).toMatchObject({ channel: IPC_CHANNELS.event, payload: { name: 'library.changed', payload: { patients: 0, studies: 0, series: 0, instances: 0, bytes: 0, disk: { low: false } } } });

    const stranger = new electron.FakeWebContents();
    stranger.mainFrame.url = 'https://evil.example/';
    electron.ipcMain.emit(IPC_CHANNELS.subscribe, { sender: stranger, senderFrame: stranger.mainFrame });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stranger.sent).toEqual([]);
  });
});

describe('importing from the native dialog', () => {
  it('imports the folder the person chose, and nothing when the dialog is cancelled', async () => {
    const request = electron.ipcMain.handlers.get(IPC_CHANNELS.request) as (event: unknown, name: unknown, input: unknown) => Promise<{ ok: boolean; value: unknown }>;
    const ours = { sender: { mainFrame: { url: 'app://lumen/index.html' } }, senderFrame: null as unknown };
    ours.senderFrame = ours.sender.mainFrame;

    electron.nextOpenDialog.canceled = true;
    expect(await request(ours, 'import.choose', { kind: 'files' })).toEqual({ ok: true, value: null });
    expect(electron.openDialogs.at(-1)?.properties).toEqual(['openFile', 'multiSelections']);

    electron.nextOpenDialog.canceled = false;
    electron.nextOpenDialog.filePaths = [corpusPath('mr-series/cptac-sar-ax-scout')];
    const started = await request(ours, 'import.choose', { kind: 'folder' });
    expect(electron.openDialogs.at(-1)?.properties).toEqual(['openDirectory']);
    expect(started.ok).toBe(true);
    expect(typeof (started.value as { jobId: unknown }).jobId).toBe('string');
    await vi.waitFor(async () => {
      const status = (await request(ours, 'import.status', {})) as { value: { last: { imported: number } | null } };
      expect(status.value.last?.imported).toBe(3);
    }, { timeout: 20_000 });
  });
});

describe('exporting into a folder chosen in the native dialog', () => {
  it('writes the disc into the folder the person chose, and nothing when the dialog is cancelled', async () => {
    const request = electron.ipcMain.handlers.get(IPC_CHANNELS.request) as (event: unknown, name: unknown, input: unknown) => Promise<{ ok: boolean; value: unknown }>;
    const ours = { sender: { mainFrame: { url: 'app://lumen/index.html' } }, senderFrame: null as unknown };
    ours.senderFrame = ours.sender.mainFrame;
    // The study the import above brought in.
    const { value } = (await request(ours, 'library.searchStudies', {})) as { value: { studies: Array<{ studyInstanceUid: string }> } };
    const studyInstanceUids = [value.studies[0]!.studyInstanceUid];

    electron.nextOpenDialog.canceled = true;
    expect(await request(ours, 'library.exportStudiesChoose', { studyInstanceUids })).toEqual({ ok: true, value: null });
    expect(electron.openDialogs.at(-1)?.properties).toEqual(['openDirectory', 'createDirectory']);

    const disc = path.join(temp.dir, 'chosen disc');
    electron.nextOpenDialog.canceled = false;
    electron.nextOpenDialog.filePaths = [disc];
    expect(await request(ours, 'library.exportStudiesChoose', { studyInstanceUids })).toMatchObject({ ok: true, value: { studies: 1, exported: 3, leftOut: [] } });
    expect(readdirSync(disc).sort()).toEqual(['DICOM', 'DICOMDIR']);
  });
});

describe('the application menu', () => {
  const roles = (template: unknown): string[] =>
    JSON.stringify(template)
      .match(/"role":"[a-zA-Z]+"/g)
      ?.map((match) => match.slice(8, -1)) ?? [];

  it('offers developer tools only in development builds', () => {
    buildApplicationMenu({ developer: false, importFrom: () => undefined });
    expect(roles(electron.menus.template)).not.toContain('toggleDevTools');
    expect(roles(electron.menus.template)).toContain('togglefullscreen');
    buildApplicationMenu({ developer: true, importFrom: () => undefined });
    expect(roles(electron.menus.template)).toContain('toggleDevTools');
  });
});
