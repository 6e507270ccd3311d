/**
 * The two schemes the window loads from:
 * - `app://lumen/…` — the built renderer, only files inside dist/renderer;
 * - `dicom://instance/<uid>` — an instance's file, only from the data directory's instances
 *   folder, looked up by UID (services/instanceFiles.ts), never by a path from the page.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { protocol, type Session } from 'electron';
import { policyForRendererPath } from '../../shared/security/contentSecurityPolicy';
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

export async function handleDicomRequest(instancesDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const file = url.host === 'instance' && segments.length === 1 && segments[0] ? resolveInstanceRequest(instancesDir, segments[0]) : null;
  const response =
    file === null
      ? null
      : await fileResponse(file, {
          'Content-Type': 'application/dicom',
          'Access-Control-Allow-Origin': APP_ORIGIN,
          'X-Content-Type-Options': 'nosniff',
        });
  return response ?? notFound('instance');
}

export function registerProtocols(session: Session, options: { rendererDir: string; instancesDir: string }): void {
  session.protocol.handle(APP_SCHEME, (request) => handleAppRequest(options.rendererDir, request.url));
  session.protocol.handle(DICOM_SCHEME, (request) => handleDicomRequest(options.instancesDir, request.url));
}
