import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { DicomWebClient, DicomWebError, readStoreResponse, retryAfterMs } from '../../electron/services/sync/dicomwebClient';
import { buildMultipartRelated, MultipartSplitter, parseMultipartRelated } from '../../electron/services/sync/multipart';
import { backoffMs } from '../../electron/services/sync/syncEngine';

describe('retry timing', () => {
  it('backs off exponentially with jitter, capped at ten minutes', () => {
    expect(backoffMs(0, null, () => 0.5)).toBe(2_000);
    expect(backoffMs(3, null, () => 0.5)).toBe(16_000);
    expect(backoffMs(0, null, () => 0)).toBe(1_000);
    expect(backoffMs(0, null, () => 0.999)).toBeCloseTo(2_998, 0);
    expect(backoffMs(30, null, () => 0.999)).toBe(600_000);
    expect(backoffMs(30, null, () => 0)).toBe(300_000);
  });

  it('never retries sooner than the server’s Retry-After', () => {
    expect(backoffMs(0, 120_000, () => 0.5)).toBe(120_000);
    expect(retryAfterMs('30')).toBe(30_000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('parks refusals that retrying cannot change, and retries the rest', () => {
    expect(new DicomWebError('auth', '401', 401).permanent).toBe(true);
    expect(new DicomWebError('http', 'bad request', 400).permanent).toBe(true);
    expect(new DicomWebError('http', 'too many', 429).permanent).toBe(false);
    expect(new DicomWebError('http', 'timeout', 408).permanent).toBe(false);
    expect(new DicomWebError('http', 'unavailable', 503).permanent).toBe(false);
    expect(new DicomWebError('refused', 'down').permanent).toBe(false);
    // A certificate this workstation does not trust stays untrusted until a person acts.
    expect(new DicomWebError('tls', 'self-signed').permanent).toBe(true);
  });
});

describe('multipart/related', () => {
  it('keeps every part’s bytes exactly, including CRLFs and boundary-like text inside them', () => {
    const parts = [Buffer.from('DICM\r\n--not-the-boundary\r\n\0\x01'), Buffer.alloc(0), Buffer.from([0x0d, 0x0a, 0x0d, 0x0a])];
    const { body, contentType } = buildMultipartRelated(parts, 'application/dicom');
    expect(contentType).toMatch(/^multipart\/related; type="application\/dicom"; boundary=lumen-/);
    const parsed = parseMultipartRelated(Buffer.from(body), contentType);
    expect(parsed.map((part) => Buffer.compare(part.body, parts[parsed.indexOf(part)]!))).toEqual([0, 0, 0]);
    expect(parsed[0]!.headers['content-type']).toBe('application/dicom');
  });

  it('reads a quoted boundary and refuses an answer cut short', () => {
    const body = Buffer.from('--b1\r\nContent-Type: application/dicom\r\n\r\nabc\r\n--b1--\r\n');
    expect(parseMultipartRelated(body, 'multipart/related; type="application/dicom"; boundary="b1"').map((part) => part.body.toString())).toEqual(['abc']);
    expect(() => parseMultipartRelated(Buffer.from('--b1\r\nContent-Type: x\r\n\r\nabc'), 'multipart/related; boundary=b1')).toThrow(/cut short/);
    expect(() => parseMultipartRelated(body, 'application/dicom')).toThrow(/not a multipart answer/);
  });

  it('splits the same parts whatever the chunks the answer arrives in (delimiters cut anywhere)', () => {
    const parts = [Buffer.from('first\r\n--lumen'), Buffer.from('\r\n\r\nsecond'), Buffer.alloc(0), Buffer.from('x'.repeat(300))];
    const { body, contentType } = buildMultipartRelated(parts, 'application/dicom');
    const whole = Buffer.concat([Buffer.from('preamble text\r\n'), Buffer.from(body), Buffer.from('epilogue')]);
    for (const size of [1, 2, 3, 7, 16, 45, 46, 47, 100, whole.length]) {
      const splitter = new MultipartSplitter(contentType);
      const received: Buffer[] = [];
      for (let offset = 0; offset < whole.length; offset += size) received.push(...splitter.push(whole.subarray(offset, offset + size)).map((part) => part.body));
      splitter.end();
      expect(received.map((part) => part.toString('latin1')), `chunks of ${size}`).toEqual(parts.map((part) => part.toString('latin1')));
    }
    const cut = new MultipartSplitter(contentType);
    cut.push(whole.subarray(0, whole.length - 30));
    expect(() => cut.end()).toThrow(/cut short/);
  });
});

describe('STOW-RS answers', () => {
  it('reads stored and refused instances, with the refusal’s reason', () => {
    const outcome = readStoreResponse({
      '00081199': { Value: [{ '00081155': { Value: ['1.2.3'] } }] },
      '00081198': { Value: [{ '00081155': { Value: ['1.2.4'] }, '00081197': { Value: [0xa900] } }] },
    });
    expect([...outcome.stored]).toEqual(['1.2.3']);
    expect(outcome.failed.get('1.2.4')).toBe('refused by the server: data set does not match SOP class (0xA900)');
  });
});

describe('a study download cancelled before it started', () => {
  it('sends no request once its signal is aborted (cancelled between being claimed and starting)', async () => {
    let requests = 0;
    const server = http.createServer((_request, response) => {
      requests += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const client = new DicomWebClient({ baseUrl: `http://127.0.0.1:${address.port}/dicom-web`, auth: { kind: 'none' } });
      const cancel = new AbortController();
      cancel.abort();
      await expect(client.retrieveStudy('1.2.3', () => undefined, cancel.signal)).rejects.toThrow('the download was cancelled');
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
