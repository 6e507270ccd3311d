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

export function parseMultipartRelated(body: Buffer, contentType: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`, 'latin1');
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('the multipart answer has no part');
  for (;;) {
    position += delimiter.length;
    // "--" after the delimiter closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break;
    // Skip the rest of the delimiter line.
    const lineEnd = body.indexOf('\r\n', position, 'latin1');
    if (lineEnd < 0) throw new Error('the multipart answer is cut short');
    const headersEnd = body.indexOf('\r\n\r\n', lineEnd, 'latin1');
    if (headersEnd < 0) throw new Error('a part of the multipart answer has no end of headers');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(lineEnd + 2, headersEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = headersEnd + 4;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('the multipart answer is cut short');
    // The CRLF before the next delimiter belongs to the delimiter, not to the part.
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    parts.push({ headers, body: body.subarray(start, end) });
    position = next;
  }
  return parts;
}
