/** Reads binary PGM (P5) and PPM (P6) files as written by DCMTK and OpenJPEG. */
export interface Pnm {
  width: number;
  height: number;
  channels: 1 | 3;
  maxValue: number;
  /** Samples scaled to 0..255 (16-bit files are rounded down to 8 bits). */
  data: Uint8Array;
}

export function parsePnm(bytes: Buffer): Pnm {
  const fields: string[] = [];
  let offset = 0;
  while (fields.length < 4) {
    while (offset < bytes.length && /\s/.test(String.fromCharCode(bytes[offset] ?? 0))) offset += 1;
    if (bytes[offset] === 0x23) {
      while (offset < bytes.length && bytes[offset] !== 0x0a) offset += 1;
      continue;
    }
    let token = '';
    while (offset < bytes.length && !/\s/.test(String.fromCharCode(bytes[offset] ?? 0))) token += String.fromCharCode(bytes[offset++] ?? 0);
    fields.push(token);
  }
  offset += 1; // the single whitespace after maxval
  const [magic, w, h, max] = fields;
  if (magic !== 'P5' && magic !== 'P6') throw new Error(`not a binary PGM/PPM (${magic})`);
  const width = Number(w);
  const height = Number(h);
  const maxValue = Number(max);
  const channels = magic === 'P5' ? 1 : 3;
  const count = width * height * channels;
  const data = new Uint8Array(count);
  if (maxValue < 256) {
    data.set(bytes.subarray(offset, offset + count));
  } else {
    for (let i = 0; i < count; i += 1) data[i] = Math.round((((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0)) * (255 / maxValue));
  }
  return { width, height, channels, maxValue, data };
}
