/**
 * The DICOMweb calls sync makes (QIDO-RS search, WADO-RS retrieve, STOW-RS store), over Node's
 * http client, with every failure sorted into what the person and the outbox need to know: could
 * not resolve the name, nothing listening, TLS refused, timed out, refused credentials, not a
 * DICOMweb service, or the server's own error with its Retry-After.
 *
 * Written by hand rather than with dicomweb-client: that library is XHR-based (in Node it
 * needs the xhr2 polyfill), buffers whole responses without a way to see status codes and
 * Retry-After before it throws, and has no deadlines. The multipart/related framing it would
 * have handled is the few lines in multipart.ts; the transport is node:http (httpTransport.ts).
 * Runs in: the main process (Node).
 */
import { type HttpAnswer, httpRequest, httpStream } from './httpTransport';
import { buildMultipartRelated, MultipartSplitter, parseMultipartRelated } from './multipart';
import { certificateProblem, isCertificateRefusal, type TlsTrust, trustOptions } from './serverCertificates';
import { errorCode } from '../errorCode';

export type ServerAuth = { kind: 'none' } | { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface DicomWebServer {
  /** The DICOMweb root, e.g. http://pacs.example/dicom-web (no trailing slash needed). */
  baseUrl: string;
  auth: ServerAuth;
  /** A certificate the person trusted for this server (PEM), beside the usual authorities. */
  trustedCertificatePem?: string | null;
}

export type FailureKind = 'dns' | 'refused' | 'tls' | 'timeout' | 'network' | 'auth' | 'not-dicomweb' | 'http';

/** A failed call, sorted: `permanent` ones are parked, the rest retried with backoff. */
export class DicomWebError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /**
   * Refusals that trying again will not change: credentials, a certificate this workstation does
   * not trust (until someone trusts it or the server's is fixed), and 4xx with a reason.
   */
  get permanent(): boolean {
    if (this.kind === 'auth' || this.kind === 'not-dicomweb' || this.kind === 'tls') return true;
    return this.kind === 'http' && this.status !== null && this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }

  /** The server did not answer at all (the link or the server is down), rather than refusing. */
  get unreachable(): boolean {
    return this.kind === 'dns' || this.kind === 'refused' || this.kind === 'timeout' || this.kind === 'network';
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
export const DICOM_PART10_TYPE = 'application/dicom';

function authorization(auth: ServerAuth): Record<string, string> {
  if (auth.kind === 'basic') return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  if (auth.kind === 'bearer') return { Authorization: `Bearer ${auth.token}` };
  return {};
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function networkFailure(error: unknown, url: URL): DicomWebError {
  const code = errorCode(error) ?? '';
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'TimeoutError' || name === 'AbortError') return new DicomWebError('timeout', `${url.host} did not answer in time.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DicomWebError('dns', `The name ${url.hostname} could not be resolved (DNS).`);
  if (code === 'ECONNREFUSED') return new DicomWebError('refused', `Nothing is listening at ${url.host} (connection refused).`);
  const certificateRefused = isCertificateRefusal(code);
  if (certificateRefused || code.startsWith('ERR_TLS') || code.includes('SSL')) {
    const problem = certificateRefused ? `its certificate is not trusted: ${certificateProblem(code, null)} (${code})` : `the TLS connection failed (${code}; is it an https server?)`;
    return new DicomWebError('tls', `${url.host}: ${problem}. Test the connection in the sync settings to see the certificate.`);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new DicomWebError('network', `The connection to ${url.host} was cut (${code}).`);
  return new DicomWebError('network', `${url.host} could not be reached${code ? ` (${code})` : ''}.`);
}

function failureOf(response: HttpAnswer, url: URL): DicomWebError {
  const body = response.body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim();
  const retryAfter = retryAfterMs(headerValue(response, 'retry-after'));
  if (response.status === 401 || response.status === 403) {
    return new DicomWebError('auth', `${url.host} refused the credentials (${response.status}${response.status === 401 ? ' Unauthorized' : ' Forbidden'}).`, response.status);
  }
  return new DicomWebError('http', `${url.host} answered ${response.status} ${response.statusText}${body ? `: ${body}` : ''}`, response.status, retryAfter);
}

function headerValue(response: Pick<HttpAnswer, 'headers'>, name: string): string | null {
  const value = response.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** A DICOM JSON attribute's first value as text ('' when absent); a person name as its alphabetic form. */
export function jsonString(item: Record<string, { Value?: unknown[] } | undefined>, tag: string): string {
  const value = item[tag]?.Value?.[0];
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'Alphabetic' in value && typeof value.Alphabetic === 'string') return value.Alphabetic;
  return '';
}

const ok = (response: Pick<HttpAnswer, 'status'>) => response.status >= 200 && response.status < 300;

/** A QIDO-RS query: a list repeats its key. */
export type QueryParameters = Record<string, string | number | readonly string[] | undefined>;

export class DicomWebClient {
  private readonly tls: TlsTrust;

  constructor(
    private readonly server: DicomWebServer,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.tls = trustOptions(server.trustedCertificatePem ?? null);
  }

  /**
   * A list value becomes the key repeated (includefield=A&includefield=B), which PS3.18 allows
   * and every server reads; a comma-separated one would be sent as %2C, which Orthanc does not
   * split.
   */
  private url(path: string, query: QueryParameters = {}): URL {
    const url = new URL(`${this.server.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== '') url.searchParams.append(key, String(item));
    }
    return url;
  }

  private async send(url: URL, options: { method?: string; headers?: Record<string, string>; body?: Uint8Array; accept409?: boolean }): Promise<HttpAnswer> {
    let response: HttpAnswer;
    try {
      response = await httpRequest(url, { method: options.method, body: options.body, headers: { ...authorization(this.server.auth), ...options.headers }, timeoutMs: this.timeoutMs, tls: this.tls });
    } catch (error) {
      throw networkFailure(error, url);
    }
    // 409 to a store: every instance refused; the body still says which and why.
    if (!ok(response) && !(options.accept409 && response.status === 409)) throw failureOf(response, url);
    return response;
  }

  /** QIDO-RS: matching objects as DICOM JSON (an empty list for 204 No Content). */
  async search(path: string, query: QueryParameters): Promise<Array<Record<string, { Value?: unknown[] }>>> {
    const url = this.url(path, query);
    const response = await this.send(url, { headers: { Accept: 'application/dicom+json' } });
    if (response.status === 204) return [];
    const text = response.body.toString('utf8');
    try {
      const parsed: unknown = text ? JSON.parse(text) : [];
      if (!Array.isArray(parsed)) throw new Error('not a list');
      return parsed as Array<Record<string, { Value?: unknown[] }>>;
    } catch {
      throw new DicomWebError('not-dicomweb', `${url.host} answered, but not with DICOM JSON: is ${this.server.baseUrl} a DICOMweb root?`);
    }
  }

  /** WADO-RS: one instance as stored (transfer-syntax=*: no transcoding, byte for byte). */
  async retrieveInstance(studyUid: string, seriesUid: string, sopInstanceUid: string): Promise<Buffer> {
    const url = this.url(`studies/${studyUid}/series/${seriesUid}/instances/${sopInstanceUid}`);
    const response = await this.send(url, { headers: { Accept: `multipart/related; type="${DICOM_PART10_TYPE}"; transfer-syntax=*` } });
    const parts = parseMultipartRelated(response.body, headerValue(response, 'content-type') ?? '');
    const first = parts[0];
    if (parts.length !== 1 || !first) throw new DicomWebError('not-dicomweb', `${url.host} sent ${parts.length} parts for one instance.`);
    return first.body;
  }

  /**
   * WADO-RS of a whole study in one answer, each instance as stored, handed to `onPart` as it
   * arrives (a study can be gigabytes: never held whole). When `onPart` returns a promise, the
   * connection waits for it (the importer is behind). Rejects if the answer breaks off; the
   * parts handed on until then are whole.
   */
  async retrieveStudy(studyUid: string, onPart: (bytes: Buffer) => Promise<void> | undefined, signal?: AbortSignal): Promise<number> {
    const url = this.url(`studies/${studyUid}`);
    const headers = { ...authorization(this.server.auth), Accept: `multipart/related; type="${DICOM_PART10_TYPE}"; transfer-syntax=*` };
    const cancelled = () => new Error('the download was cancelled');
    if (signal?.aborted) throw cancelled();
    let answer: Awaited<ReturnType<typeof httpStream>>;
    try {
      answer = await httpStream(url, { headers, timeoutMs: this.timeoutMs, tls: this.tls });
    } catch (error) {
      throw networkFailure(error, url);
    }
    const { body } = answer;
    const stop = () => body.destroy(new Error('cancelled'));
    signal?.addEventListener('abort', stop, { once: true });
    // Stopped while the request was on its way: its answer is dropped unread.
    if (signal?.aborted) stop();
    try {
      if (!ok(answer)) {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk as Buffer);
        throw failureOf({ ...answer, body: Buffer.concat(chunks) }, url);
      }
      let splitter: MultipartSplitter;
      try {
        splitter = new MultipartSplitter(headerValue(answer, 'content-type') ?? '');
      } catch (error) {
        body.destroy();
        throw new DicomWebError('not-dicomweb', `${url.host} did not answer a study retrieval with multipart/related (${error instanceof Error ? error.message : String(error)}).`);
      }
      let parts = 0;
      /** A failure of the receiving side (the importer): passed on as it is, not as a network one. */
      const receiver: { failure: { error: unknown } | null } = { failure: null };
      try {
        // 'data' events rather than an async iterator: a study is thousands of chunks, and
        // the iterator's promise per chunk cost more than the splitting itself (measured).
        await new Promise<void>((resolve, reject) => {
          body.on('data', (chunk: Buffer) => {
            try {
              for (const part of splitter.push(chunk)) {
                parts += 1;
                const wait = onPart(part.body);
                if (wait) {
                  body.pause();
                  wait.then(() => body.resume(), (error: unknown) => fail(error));
                }
              }
            } catch (error) {
              fail(error);
            }
          });
          const fail = (error: unknown) => {
            receiver.failure = { error };
            body.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
          };
          body.on('error', reject);
          body.on('end', resolve);
          body.on('close', () => reject(new Error('the connection closed before the answer ended')));
        });
      } catch (error) {
        if (receiver.failure) throw receiver.failure.error;
        if (signal?.aborted) throw cancelled();
        // The connection broke mid-answer, went silent, or the server cut it off.
        throw networkFailure(error, url);
      }
      try {
        splitter.end();
      } catch (error) {
        throw new DicomWebError('network', `The study from ${url.host} was cut short after ${parts} instances (${error instanceof Error ? error.message : String(error)}).`);
      }
      return parts;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * STOW-RS: stores Part-10 files; the answer says per instance what was stored and what was
   * refused and why (200, 202 with some refused, 409 with all refused).
   */
  async store(files: readonly Buffer[], studyUid?: string): Promise<StoreOutcome> {
    const url = this.url(studyUid ? `studies/${studyUid}` : 'studies');
    const { body, contentType } = buildMultipartRelated(files, DICOM_PART10_TYPE);
    const response = await this.send(url, { method: 'POST', body, headers: { 'Content-Type': contentType, Accept: 'application/dicom+json' }, accept409: true });
    const text = response.body.toString('utf8');
    let json: Record<string, { Value?: unknown[] }> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, { Value?: unknown[] }>) : {};
    } catch {
      throw new DicomWebError('not-dicomweb', `${url.host} answered the store without a DICOM JSON response.`);
    }
    return readStoreResponse(json);
  }
}

export interface StoreOutcome {
  stored: Set<string>;
  /** SOP Instance UID → the server's Failure Reason (PS3.18 table I.2-1 codes) as text. */
  failed: Map<string, string>;
}

type JsonItem = Record<string, { Value?: unknown[] } | undefined>;

const FAILURE_REASONS: Record<number, string> = {
  0xa700: 'out of resources',
  0xa900: 'data set does not match SOP class',
  0xc000: 'cannot understand',
  0xc122: 'referenced transfer syntax not supported',
  0x0110: 'processing failure',
  0x0122: 'SOP class not supported',
};

/** Reads the ReferencedSOPSequence (stored) and FailedSOPSequence (refused, with reasons). */
export function readStoreResponse(json: JsonItem): StoreOutcome {
  const stored = new Set<string>();
  const failed = new Map<string, string>();
  const items = (tag: string) => (json[tag]?.Value ?? []) as JsonItem[];
  const uid = (item: JsonItem) => {
    const value = item['00081155']?.Value?.[0];
    return typeof value === 'string' ? value : '';
  };
  for (const item of items('00081199')) if (uid(item)) stored.add(uid(item));
  for (const item of items('00081198')) {
    const code = Number(item['00081197']?.Value?.[0]);
    failed.set(uid(item), Number.isFinite(code) ? `refused by the server: ${FAILURE_REASONS[code] ?? 'reason'} (0x${code.toString(16).toUpperCase().padStart(4, '0')})` : 'refused by the server');
  }
  return { stored, failed };
}
