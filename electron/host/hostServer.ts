/**
 * The browser host's HTTP server: the built renderer, the typed API, the event stream and pixel
 * data, on 127.0.0.1 only, every route behind the launch token (see hostAuth.ts).
 *
 * Routes
 *   GET  /, /assets/…, /vendor/…    the renderer (dist/renderer)
 *   POST /api/request/<name>        a request of shared/api.ts; JSON in, { ok, value | error } out
 *   GET  /api/events                server-sent events: one `data:` line per WorkstationEvent
 *   GET  /dicom/instance/<uid>      an instance's file, as the Electron shell's dicom:// serves it
 *   POST /dicom/bundle              many instances' files in one answer (shared/instanceBundle.ts)
 *   PUT  /api/upload/<id>/<path>    one file dropped onto the page (after import.beginUpload)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CONTENT_SECURITY_POLICY_HEADER, policyForRendererPath } from '../../shared/security/contentSecurityPolicy';
import { describeError, log } from '../logging/log';
import { BundleRequest } from '../../shared/instanceBundle';
import { instanceBundleStream } from '../services/instanceBundleStream';
import { instanceContent } from '../services/instanceContent';
import { resolveInstanceRequest } from '../services/instanceFiles';
import { ensureRoomFor, libraryDiskProblem } from '../services/diskSpace';
import { decodeUrlPart } from '../services/urlParts';
import type { WorkstationServices } from '../services/workstationServices';
import { checkRequest, newLaunchToken, sessionCookie } from './hostAuth';
import { resolveStaticPath, sendFile } from '../services/rendererFiles';

export interface HostOptions {
  services: WorkstationServices;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
}

export interface RunningHost {
  /** The address to open, carrying the token. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const statusForError: Record<string, number> = {
  'unknown-request': 404,
  'invalid-input': 400,
  forbidden: 403,
  conflict: 409,
  'not-found': 404,
  internal: 500,
};

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? {} : (JSON.parse(text) as unknown);
}

export async function startHostServer(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? newLaunchToken();
  const eventStreams = new Set<ServerResponse>();
  let port = options.port;

  async function handleApiRequest(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    if (request.method !== 'POST') return sendText(response, 405, 'API requests are POST');
    // JSON only: a cross-site <form> cannot send it, one more wall besides SameSite and Origin.
    if (!request.headers['content-type']?.startsWith('application/json')) {
      return sendText(response, 415, 'API requests are application/json');
    }
    let input: unknown;
    try {
      input = await readJsonBody(request);
    } catch (error) {
      return sendJson(response, 400, { ok: false, error: { code: 'invalid-input', message: `body: ${error instanceof Error ? error.message : 'unreadable'}` } });
    }
    const result = await options.services.router.handle(name, input);
    sendJson(response, result.ok ? 200 : (statusForError[result.error.code] ?? 500), result);
  }

  async function handleEvents(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    response.write('retry: 2000\n\n');
    eventStreams.add(response);
    const unsubscribe = await options.services.subscribe((event) => response.write(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      eventStreams.delete(response);
    });
  }

  async function handleUpload(request: IncomingMessage, response: ServerResponse, rest: string): Promise<void> {
    if (request.method !== 'PUT') return sendText(response, 405, 'uploads are PUT');
    const slash = rest.indexOf('/');
    const relative = decodeUrlPart(rest.slice(slash + 1));
    if (relative === null) return sendText(response, 400, 'bad file name');
    const uploadId = rest.slice(0, slash);
    const uploads = options.services.uploads;
    const refusal = uploads?.refusalOf(uploadId);
    if (refusal) {
      request.resume();
      return sendText(response, 507, refusal);
    }
    const target = slash > 0 && uploads ? uploads.pathFor(uploadId, relative) : null;
    if (!uploads || !target) return sendText(response, 404, 'no such upload, or a file name that leaves it');
    try {
      // A dropped file takes room twice until its import is over: here, and in the library.
      await ensureRoomFor(uploads.root, 2 * Number(request.headers['content-length'] ?? 0));
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(request, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      const problem = libraryDiskProblem(error);
      if (problem === null) throw error;
      // The drop cannot be taken whole: what it sent so far goes, and its other files are refused.
      await uploads.refuse(uploadId, problem);
      await uploads.discardIfRefused(uploadId);
      request.resume();
      return sendText(response, 507, uploads.refusalOf(uploadId) ?? problem);
    }
    // Given up while this file was on its way: it goes too.
    if (await uploads.discardIfRefused(uploadId)) return sendText(response, 507, uploads.refusalOf(uploadId) ?? 'the upload was given up');
    sendText(response, 201, 'stored');
  }

  async function handleBundle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return sendText(response, 405, 'bundles are POST');
    if (!request.headers['content-type']?.startsWith('application/json')) return sendText(response, 415, 'bundle requests are application/json');
    let parsed: ReturnType<typeof BundleRequest.safeParse>;
    try {
      parsed = BundleRequest.safeParse(await readJsonBody(request));
    } catch (error) {
      return sendText(response, 400, `body: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
    if (!parsed.success) return sendText(response, 400, `not a bundle request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' });
    // A file that cannot be read mid-answer ends it early; the page fetches what is missing one by one.
    await pipeline(instanceBundleStream(options.services.layout.instancesDir, parsed.data.uids), response).catch((error: unknown) => {
      log.warn('host.bundle-cut', describeError(error));
      response.destroy();
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);

    const verdict = checkRequest(request, url, port, token);
    if (!verdict.allowed) return sendText(response, verdict.status, `${verdict.status}: ${verdict.reason}`);

    if (verdict.tokenFromQuery && request.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Swap the URL's token for a cookie and take it out of the address bar.
      url.searchParams.delete('token');
      response.writeHead(303, { 'Set-Cookie': sessionCookie(port, token), Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store' });
      return void response.end();
    }

    const urlPath = url.pathname;
    if (urlPath.startsWith('/api/request/')) {
      // A malformed name is still just a name outside the contract: the router answers it.
      const name = urlPath.slice('/api/request/'.length);
      return handleApiRequest(request, response, decodeUrlPart(name) ?? name);
    }
    if (urlPath.startsWith('/api/upload/')) return handleUpload(request, response, urlPath.slice('/api/upload/'.length));
    if (urlPath === '/dicom/bundle') return handleBundle(request, response);
    if (urlPath === '/api/events' && request.method === 'GET') return handleEvents(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');

    if (urlPath.startsWith('/dicom/instance/')) {
      const file = resolveInstanceRequest(options.services.layout.instancesDir, urlPath.slice('/dicom/instance/'.length));
      const content = file === null ? null : await instanceContent(file);
      if (!content) return sendText(response, 404, 'no such instance in the library');
      response.writeHead(200, { 'Content-Type': 'application/dicom', 'Content-Length': String(content.length), 'Cache-Control': 'private, max-age=31536000, immutable' });
      if (content.prefix) response.write(content.prefix);
      await pipeline(createReadStream(content.file), response);
      return;
    }

    const file = resolveStaticPath(options.rendererDir, urlPath);
    const isHashedAsset = urlPath.startsWith('/assets/');
    const headers = { 'Cache-Control': isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-store', 'Content-Security-Policy': policyForRendererPath(urlPath) };
    const sent = file !== null && (await sendFile(response, file, headers));
    if (!sent) sendText(response, 404, 'not found');
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log.error('host.request-failed', describeError(error));
      if (!response.headersSent) sendText(response, 500, 'internal error; see the host log');
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the host is for this machine's user, never for the network.
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const stream of eventStreams) stream.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
