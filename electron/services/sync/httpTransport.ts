/**
 * HTTP exchanges over node:http/https: `httpRequest` with the whole answer in memory (one
 * instance, one batch, one search), `httpStream` with the answer's body as it arrives (a whole
 * study). Not global fetch: against Orthanc, undici's fetch
 * took 45–70 ms per small WADO-RS answer where node:http takes 5 ms (measured side by side),
 * which made a study's prefetch 35× slower than curl.
 * Runs in: the main process (Node).
 */
import http from 'node:http';
import https from 'node:https';
import type { TlsTrust } from './serverCertificates';

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// Connections are kept for the next request to the same server.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Silence allowed on the connection (no byte sent or received) before it is given up. */
  timeoutMs: number;
  /** For https: the server's trust (see serverCertificates.ts); absent, the usual authorities. */
  tls?: TlsTrust;
}

/** An answer whose body is still arriving: read `body` (a stream), or `destroy` it. */
export interface HttpStreamAnswer extends Omit<HttpAnswer, 'body'> {
  body: http.IncomingMessage;
}

export function httpStream(url: URL, options: HttpOptions): Promise<HttpStreamAnswer> {
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  const send = protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: options.method ?? 'GET',
        agent: agents[protocol],
        // Part of the agent's key (ca is): connections made under another trust are not reused.
        ...(protocol === 'https:' ? options.tls : {}),
        headers: { ...options.headers, ...(options.body ? { 'Content-Length': String(options.body.byteLength) } : {}) },
      },
      (response) => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body: response }),
    );
    // An idle timeout (Node's socket timeout): a slow but moving download of a big study goes on.
    request.setTimeout(options.timeoutMs, () => request.destroy(new TimeoutError(`nothing sent or received for ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

export async function httpRequest(url: URL, options: HttpOptions): Promise<HttpAnswer> {
  const answer = await httpStream(url, options);
  const chunks: Buffer[] = [];
  for await (const chunk of answer.body) chunks.push(chunk as Buffer);
  return { ...answer, body: Buffer.concat(chunks) };
}
