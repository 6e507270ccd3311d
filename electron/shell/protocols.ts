/**
 * The two schemes the window loads from:
 * - `app://lumen/…` — the built renderer, only files inside dist/renderer;
 * - `dicom://instance/<uid>` — an instance's file, only from the data directory's instances
 *   folder, looked up by UID (services/instanceFiles.ts), never by a path from the page;
 * - `dicom://bundle/` (POST, JSON) — many instances' files in one answer (shared/instanceBundle.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { protocol, type Session } from 'electron';
import { policyForRendererPath } from '../../shared/security/contentSecurityPolicy';
import { BundleRequest } from '../../shared/instanceBundle';
import { instanceBundleStream } from '../services/instanceBundleStream';
import { instanceContent } from '../services/instanceContent';
import { resolveInstanceRequest } from '../services/instanceFiles';
import { contentTypes, resolveStaticPath } from '../services/rendererFiles';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, DICOM_SCHEME } from './appOrigin';

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: DICOM_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
  ]);
}

async function fileResponse(file: string, headers: Record<string, string>): Promise<Response | null> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { 'Content-Length': String(info.size), ...headers } });
}

function notFound(what: string): Response {
  return new Response(`${what} not found`, { status: 404, headers: { 'Content-Type': 'text/plain' } });
}

export async function handleAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return notFound('page');
  const file = resolveStaticPath(rendererDir, url.pathname);
  const response =
    file === null
      ? null
      : await fileResponse(file, {
          'Content-Type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': policyForRendererPath(url.pathname),
          'X-Content-Type-Options': 'nosniff',
        });
  return response ?? notFound('page');
}

/** POST dicom://bundle/ with { uids }: the files in one streamed answer. Input validated here. */
export async function handleBundleRequest(instancesDir: string, request: Pick<Request, 'method' | 'json'>): Promise<Response> {
  // The page (app://lumen) asks across schemes with a JSON body: the browser checks first.
  if (request.method === 'OPTIONS') {
    return new Response(null, { status: 204, headers: { 'Access-Control-Allow-Origin': APP_ORIGIN, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type' } });
  }
  if (request.method !== 'POST') return new Response('bundles are POST', { status: 405 });
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return new Response('bundle requests are JSON', { status: 400 });
  }
  const parsed = BundleRequest.safeParse(body);
  if (!parsed.success) return new Response('not a bundle request', { status: 400 });
  return new Response(Readable.toWeb(instanceBundleStream(instancesDir, parsed.data.uids)) as ReadableStream<Uint8Array>, {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream', 'Access-Control-Allow-Origin': APP_ORIGIN, 'X-Content-Type-Options': 'nosniff' },
  });
}

export async function handleDicomRequest(instancesDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const file = url.host === 'instance' && segments.length === 1 && segments[0] ? resolveInstanceRequest(instancesDir, segments[0]) : null;
  const content = file === null ? null : await instanceContent(file);
  if (!content) return notFound('instance');
  const fileStream = Readable.toWeb(createReadStream(content.file)) as ReadableStream<Uint8Array>;
  const body = content.prefix ? prependBytes(content.prefix, fileStream) : fileStream;
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Length': String(content.length),
      'Content-Type': 'application/dicom',
      'Access-Control-Allow-Origin': APP_ORIGIN,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** A stream of `first`, then everything `rest` yields. */
function prependBytes(first: Uint8Array, rest: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = rest.getReader();
  let sentFirst = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        controller.enqueue(first);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function registerProtocols(session: Session, options: { rendererDir: string; instancesDir: string }): void {
  session.protocol.handle(APP_SCHEME, (request) => handleAppRequest(options.rendererDir, request.url));
  session.protocol.handle(DICOM_SCHEME, (request) => (new URL(request.url).host === 'bundle' ? handleBundleRequest(options.instancesDir, request) : handleDicomRequest(options.instancesDir, request.url)));
}
