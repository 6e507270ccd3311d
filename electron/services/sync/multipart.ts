/**
 * multipart/related framing (RFC 2387) for DICOMweb: building a STOW-RS body and splitting a
 * WADO-RS answer into its parts. Each part's bytes are kept exactly as sent.
 * Runs in: every Node runtime.
 */
import { randomUUID } from 'node:crypto';

export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

export function buildMultipartRelated(parts: readonly Uint8Array[], type: string): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `lumen-${randomUUID()}`;
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`, 'latin1'), part, Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  // Copied into a plain ArrayBuffer: what fetch takes as a body.
  const body = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body, contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}

function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new Error(`not a multipart answer (Content-Type: ${contentType || 'none'})`);
  return boundary;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADERS_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Splits a multipart/related body into its parts as the bytes arrive, so a study's WADO-RS
 * answer (hundreds of MB) is handed on instance by instance instead of held whole. Each part's
 * bytes are copied once, into one Buffer of their own.
 *
 * Every delimiter is taken as CRLF "--" boundary: the CRLF before a delimiter belongs to it
 * (RFC 2046 §5.1.1), and the first one is found by starting the stream with a virtual CRLF.
 */
export class MultipartSplitter {
  private readonly delimiter: Buffer;
  private state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'closed' = 'preamble';
  /** Bytes not yet consumed in the preamble, delimiter line and header states (small). */
  private pending: Buffer = CRLF;
  /** The current part: its headers, the body chunks so far, and the tail that might start a delimiter. */
  private headers: Record<string, string> = {};
  private bodyChunks: Buffer[] = [];
  private carry: Buffer = Buffer.alloc(0);

  constructor(contentType: string) {
    this.delimiter = Buffer.from(`\r\n--${boundaryOf(contentType)}`, 'latin1');
  }

  /** The parts completed by this chunk, in order. */
  push(chunk: Buffer): MultipartPart[] {
    const parts: MultipartPart[] = [];
    if (this.state === 'body') this.body(chunk, parts);
    else {
      this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
      this.advance(parts);
    }
    return parts;
  }

  /** The body ended: throws unless the closing delimiter was seen. */
  end(): void {
    if (this.state === 'preamble') throw new Error('the multipart answer has no part');
    if (this.state !== 'closed') throw new Error('the multipart answer is cut short');
  }

  private advance(parts: MultipartPart[]): void {
    for (;;) {
      if (this.state === 'preamble') {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          // Keep only what could still begin the delimiter.
          this.pending = this.pending.subarray(Math.max(0, this.pending.length - this.delimiter.length + 1));
          return;
        }
        this.pending = this.pending.subarray(at + this.delimiter.length);
        this.state = 'after-delimiter';
      }
      if (this.state === 'after-delimiter') {
        if (this.pending.length < 2) return;
        // "--" after the delimiter closes the body; what follows is epilogue.
        if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
          this.state = 'closed';
          this.pending = Buffer.alloc(0);
          return;
        }
        this.state = 'headers';
      }
      if (this.state === 'headers') {
        // The rest of the delimiter line (transport padding), then header lines, then an empty line.
        const lineEnd = this.pending.indexOf(CRLF);
        if (lineEnd < 0) return;
        const headersEnd = this.pending.indexOf(HEADERS_END, lineEnd);
        if (headersEnd < 0) return;
        this.headers = {};
        const text = headersEnd > lineEnd ? this.pending.subarray(lineEnd + 2, headersEnd).toString('latin1') : '';
        for (const line of text.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const rest = this.pending.subarray(headersEnd + HEADERS_END.length);
        this.pending = Buffer.alloc(0);
        this.state = 'body';
        this.body(rest, parts);
        return;
      }
      if (this.state === 'closed' || this.state === 'body') return;
    }
  }

  private body(chunk: Buffer, parts: MultipartPart[]): void {
    // Only the held-back tail and the chunk's first bytes are joined to look for a delimiter
    // cut in two: the chunk itself is searched where it lies, never copied.
    if (this.carry.length > 0 && chunk.length < this.delimiter.length - 1) {
      // A tiny chunk: joined whole, the old way.
      const data = Buffer.concat([this.carry, chunk]);
      this.carry = Buffer.alloc(0);
      this.body(data, parts);
      return;
    }
    if (this.carry.length > 0) {
      const joint = Buffer.concat([this.carry, chunk.subarray(0, this.delimiter.length - 1)]);
      const at = joint.indexOf(this.delimiter);
      if (at >= 0) {
        this.bodyChunks.push(this.carry.subarray(0, at));
        this.endPart(chunk.subarray(at + this.delimiter.length - this.carry.length), parts);
        return;
      }
      this.bodyChunks.push(this.carry);
      this.carry = Buffer.alloc(0);
    }
    const at = chunk.indexOf(this.delimiter);
    if (at < 0) {
      // The last bytes may be the start of a delimiter split across chunks: held back.
      const keep = Math.min(chunk.length, this.delimiter.length - 1);
      if (chunk.length > keep) this.bodyChunks.push(chunk.subarray(0, chunk.length - keep));
      this.carry = chunk.subarray(chunk.length - keep);
      return;
    }
    this.bodyChunks.push(chunk.subarray(0, at));
    this.endPart(chunk.subarray(at + this.delimiter.length), parts);
  }

  /** The current part is complete; `rest` follows its closing delimiter. */
  private endPart(rest: Buffer, parts: MultipartPart[]): void {
    parts.push({ headers: this.headers, body: Buffer.concat(this.bodyChunks) });
    this.bodyChunks = [];
    this.carry = Buffer.alloc(0);
    this.pending = rest;
    this.state = 'after-delimiter';
    this.advance(parts);
  }
}

/** Splits a whole multipart/related body into its parts. */
export function parseMultipartRelated(body: Buffer, contentType: string): MultipartPart[] {
  const splitter = new MultipartSplitter(contentType);
  const parts = splitter.push(body);
  splitter.end();
  return parts;
}
