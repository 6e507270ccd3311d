/**
 * The browser host as `npm run host` starts it: a real child process on a real data directory.
 * Every route needs the launch token, only loopback is listened on, foreign Host and Origin
 * headers are refused, and SIGTERM stops it cleanly.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleReader } from '../../shared/instanceBundle';
import { instanceFilePath } from '../../electron/services/instanceFiles';
import { LATEST_SCHEMA_VERSION } from '../../electron/services/store/database';
import { DECODE_WORKER_POLICY } from '../../shared/security/contentSecurityPolicy';
import { corpusPath } from '../helpers/corpus';
import { freeLoopbackPort } from '../helpers/freePort';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { makeTempDir } from '../helpers/tempDir';

/** A raw HTTP request, so that Host and Origin can be set to anything. */
function rawRequest(port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

function rawRequestBytes(port: number, requestPath: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: requestPath, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const SOP_UID = '1.2.826.0.1.3680043.8.498.1';
const BARE_SOP_UID = '1.2.826.0.1.3680043.8.498.2';
/** A Part-10 file, and a bare dataset (no preamble, no DICM, no file meta) as old files are. */
const part10File = readFileSync(corpusPath('color/color-px.dcm'));
const bareDataset = readFileSync(corpusPath('color/OT-PAL-8-face.dcm'));

describe('the browser host', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  const bearer = () => ({ Authorization: `Bearer ${host.token}`, Host: `127.0.0.1:${host.port}` });

  beforeAll(async () => {
    temp = makeTempDir('host');
    host = await startHostProcess(temp.dir);
    for (const [uid, bytes] of [[SOP_UID, part10File], [BARE_SOP_UID, bareDataset]] as const) {
      const file = instanceFilePath(path.join(temp.dir, 'instances'), uid);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('prints a URL on 127.0.0.1 that carries a long random token', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 on every route without the token, and with a wrong one', async () => {
    const routes = [
      { path: '/' },
      { path: '/index.html' },
      { path: '/assets/anything.js' },
      { path: '/api/events' },
      { path: `/dicom/instance/${SOP_UID}` },
      { path: '/dicom/bundle', method: 'POST', body: JSON.stringify({ uids: [SOP_UID] }), headers: { 'Content-Type': 'application/json' } },
      { path: '/api/request/app.info', method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } },
    ];
    for (const route of routes) {
      const anonymous = await rawRequest(host.port, { ...route, headers: { ...route.headers, Host: `127.0.0.1:${host.port}` } });
      expect(anonymous.status, route.path).toBe(401);
      const wrong = await rawRequest(host.port, { ...route, headers: { ...route.headers, Host: `127.0.0.1:${host.port}`, Authorization: 'Bearer not-the-token' } });
      expect(wrong.status, route.path).toBe(401);
      const wrongQuery = await rawRequest(host.port, { ...route, path: `${route.path}?token=${host.token.slice(1)}x`, headers: { ...route.headers, Host: `127.0.0.1:${host.port}` } });
      expect(wrongQuery.status, route.path).toBe(401);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin, even with the token', async () => {
    const foreignHost = await rawRequest(host.port, { path: '/', headers: { ...bearer(), Host: `evil.example:${host.port}` } });
    expect(foreignHost.status).toBe(403);
    const foreignOrigin = await rawRequest(host.port, {
      path: '/api/request/app.info',
      method: 'POST',
      body: '{}',
      headers: { ...bearer(), 'Content-Type': 'application/json', Origin: 'http://evil.example' },
    });
    expect(foreignOrigin.status).toBe(403);
    const ownOrigin = await rawRequest(host.port, {
      path: '/api/request/app.info',
      method: 'POST',
      body: '{}',
      headers: { ...bearer(), 'Content-Type': 'application/json', Origin: host.origin },
    });
    expect(ownOrigin.status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(await canConnect('127.0.0.1', host.port)).toBe(true);
    // Another loopback address and every non-loopback address of this machine are refused:
    // a socket bound to 0.0.0.0 would accept them.
    const others = ['127.0.0.2', ...Object.values(os.networkInterfaces()).flatMap((addresses) => (addresses ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address))];
    for (const address of others) expect(await canConnect(address, host.port), address).toBe(false);
    expect(await canConnect('::1', host.port)).toBe(false);
  });

  it('swaps the URL token for an HttpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    const first = await rawRequest(host.port, { path: `/?token=${host.token}`, headers: { Host: `127.0.0.1:${host.port}` } });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await rawRequest(host.port, { path: '/', headers: { Host: `127.0.0.1:${host.port}`, Cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toMatch(/'unsafe-(eval|inline)'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers the typed API and validates its input', async () => {
    const call = (name: string, body: string, contentType = 'application/json') =>
      rawRequest(host.port, { path: `/api/request/${name}`, method: 'POST', body, headers: { ...bearer(), 'Content-Type': contentType } });

    const info = await call('app.info', '{}');
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { mode: 'host', schemaVersion: LATEST_SCHEMA_VERSION, name: 'Lumen Workstation' } });

    const stats = JSON.parse((await call('library.stats', '{}')).body) as { ok: boolean; value: { disk: { freeBytes: number; low: boolean } | null } };
    expect(stats).toMatchObject({ ok: true, value: { patients: 0, studies: 0, series: 0, instances: 0, bytes: 0 } });
    // The library's disk has room (this machine's temp folder).
    expect(stats.value.disk?.low).toBe(false);
    expect(stats.value.disk?.freeBytes).toBeGreaterThan(0);

    const audit = JSON.parse((await call('audit.query', '{"action":"app.start"}')).body) as { value: { entries: Array<{ action: string }> } };
    expect(audit.value.entries.map((entry) => entry.action)).toEqual(['app.start']);

    const invalid = await call('audit.query', '{"limit":100000}');
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const extra = await call('app.info', '{"path":"/etc/passwd"}');
    expect(JSON.parse(extra.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const unknown = await call('fs.readFile', '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown-request' } });

    expect((await call('app.info', 'a=b', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await call('app.info', '{not json')).status).toBe(400);
  });

  it('streams events, starting with the library counts', async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.origin}/api/events`, { headers: { Authorization: `Bearer ${host.token}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('data: ')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const line = text.split('\n').find((l) => l.startsWith('data: ')) ?? '';
    expect(JSON.parse(line.slice('data: '.length))).toMatchObject({ name: 'library.changed', payload: { patients: 0, studies: 0, series: 0, instances: 0, bytes: 0, disk: { low: false } } });
  });

  it('serves an instance file by its UID and nothing by a path', async () => {
    const file = await rawRequestBytes(host.port, `/dicom/instance/${SOP_UID}`, bearer());
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/dicom');
    expect(file.body.equals(part10File)).toBe(true);
    for (const attempt of ['/dicom/instance/..%2F..%2Flibrary.sqlite', '/dicom/instance/1.2.3.4', '/dicom/instance/%2Fetc%2Fpasswd', '/../library.sqlite', '/assets/..%2F..%2Flibrary.sqlite']) {
      const refused = await rawRequest(host.port, { path: attempt, headers: bearer() });
      expect(refused.status, attempt).toBe(404);
      expect(refused.body).not.toContain('SQLite');
    }
  });

  it('serves many instances in one framed answer by their UIDs, and refuses anything else', async () => {
    const json = { ...bearer(), 'Content-Type': 'application/json' };
    const answer = await bundleRequest(host.port, JSON.stringify({ uids: [SOP_UID, '1.2.999.7', '../../library.sqlite'] }), json);
    expect(answer.status).toBe(200);
    const files: Array<[string, Buffer | null]> = [];
    const reader = new BundleReader((uid, file) => files.push([uid, file === null ? null : Buffer.from(file)]));
    reader.push(new Uint8Array(answer.body));
    expect(reader.complete).toBe(true);
    expect(files.map(([uid, file]) => [uid, file?.equals(part10File) ?? null])).toEqual([
      [SOP_UID, true],
      ['1.2.999.7', null],
      ['../../library.sqlite', null],
    ]);
    expect((await bundleRequest(host.port, JSON.stringify({ uids: [SOP_UID] }), { ...bearer(), 'Content-Type': 'text/plain' })).status).toBe(415);
    for (const body of ['not json', JSON.stringify({ uids: [] }), JSON.stringify({ uids: [SOP_UID], path: '/etc/passwd' })]) {
      expect((await bundleRequest(host.port, body, json)).status, body).toBe(400);
    }
    expect((await rawRequest(host.port, { path: '/dicom/bundle', headers: bearer() })).status).toBe(405);
  });
});

function bundleRequest(port: number, body: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/dicom/bundle', method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('the browser host serving the viewer', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  const bearer = () => ({ Authorization: `Bearer ${host.token}`, Host: `127.0.0.1:${host.port}` });
  beforeAll(async () => {
    temp = makeTempDir('host-viewer');
    host = await startHostProcess(temp.dir);
    const file = instanceFilePath(path.join(temp.dir, 'instances'), BARE_SOP_UID);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bareDataset);
  });
  afterAll(async () => {
    await host?.stop();
    temp?.remove();
  });

  it('serves a file stored without a Part-10 header as one: preamble, DICM, file meta, then the stored bytes', async () => {
    const served = await rawRequestBytes(host.port, `/dicom/instance/${BARE_SOP_UID}`, bearer());
    expect(served.status).toBe(200);
    expect(served.body.subarray(128, 132).toString('ascii')).toBe('DICM');
    const metaLength = served.body.readUInt32LE(132 + 8);
    const metaEnd = 132 + 12 + metaLength;
    const meta = served.body.subarray(132, metaEnd).toString('latin1');
    expect(meta).toContain('1.2.840.10008.1.2\0');
    expect(served.body.subarray(metaEnd).equals(bareDataset)).toBe(true);
    expect(Number(served.headers['content-length'])).toBe(served.body.length);
  });

  it('gives the decode worker its own policy and the page none of it', async () => {
    const worker = await rawRequest(host.port, { path: '/vendor/image-decoder/index.worker.min.worker.js', headers: bearer() });
    expect(worker.status).toBe(200);
    expect(worker.headers['content-security-policy']).toBe(DECODE_WORKER_POLICY);
    const loader = await rawRequest(host.port, { path: '/vendor/image-decoder/cornerstoneWADOImageLoader.min.js', headers: bearer() });
    expect(loader.status).toBe(200);
    expect(loader.headers['content-security-policy']).not.toContain("'unsafe-eval'");
    const page = await rawRequest(host.port, { path: '/display-check.html', headers: bearer() });
    expect(page.headers['content-security-policy']).not.toContain("'unsafe-eval'");
  });
});

describe('starting and stopping the host', () => {
  it('uses the port it is given and stops cleanly on SIGTERM, closing the library', async () => {
    const temp = makeTempDir('host-stop');
    try {
      const port = await freeLoopbackPort();
      const host = await startHostProcess(temp.dir, ['--port', String(port)]);
      expect(host.port).toBe(port);
      const exitCode = await host.stop();
      expect(exitCode, host.stderr()).toBe(0);
      const db = new Database(path.join(temp.dir, 'library.sqlite'), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const actions = db.prepare<[], { action: string }>('SELECT action FROM audit_log ORDER BY id').all().map((row) => row.action);
      expect(actions).toEqual(['app.start', 'app.stop']);
      db.close();
      expect(host.stderr()).not.toMatch(/"level":"error"/);
    } finally {
      temp.remove();
    }
  });

  it('refuses to start on a library from a newer version, saying why', async () => {
    const temp = makeTempDir('host-newer');
    try {
      const db = new Database(path.join(temp.dir, 'library.sqlite'));
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 3}`);
      db.close();
      await expect(startHostProcess(temp.dir)).rejects.toThrow(/newer version of Lumen Workstation/);
    } finally {
      temp.remove();
    }
  });
});
