/**
 * Decoding DICOM text per Specific Character Set (0008,0005), PS3.5 §6.1 and Annex H–K.
 *
 * Written here because neither dicom-parser (which reads strings byte-per-character) nor
 * dcmjs (which maps each defined term to one decoder and so cannot switch mid-value) decodes
 * ISO 2022 code extensions, which Japanese, Korean and Chinese clinics use every day: a value
 * may start in JIS X 0201 and switch to JIS X 0208 with an escape sequence, component group by
 * component group. The byte-level decoding itself is left to the platform's TextDecoder (ICU).
 */

/** Defined term → WHATWG encoding label for the character set of a whole value. */
const singleCodeSets: Record<string, string> = {
  '': 'windows-1252', // default repertoire (ASCII); windows-1252 is a superset that never fails
  ISO_IR_6: 'windows-1252',
  ISO_IR_100: 'windows-1252', // WHATWG maps ISO 8859-1 to windows-1252, identical on 0xA0–0xFF
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'windows-1254',
  ISO_IR_203: 'iso-8859-15',
  ISO_IR_13: 'shift_jis', // JIS X 0201: ASCII-like G0, half-width katakana 0xA1–0xDF
  ISO_IR_166: 'windows-874',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** ISO 2022 terms: the same code sets, reachable by escape sequences. */
const iso2022Terms: Record<string, string> = {
  'ISO 2022 IR 6': 'windows-1252',
  'ISO 2022 IR 100': 'windows-1252',
  'ISO 2022 IR 101': 'iso-8859-2',
  'ISO 2022 IR 109': 'iso-8859-3',
  'ISO 2022 IR 110': 'iso-8859-4',
  'ISO 2022 IR 144': 'iso-8859-5',
  'ISO 2022 IR 127': 'iso-8859-6',
  'ISO 2022 IR 126': 'iso-8859-7',
  'ISO 2022 IR 138': 'iso-8859-8',
  'ISO 2022 IR 148': 'windows-1254',
  'ISO 2022 IR 203': 'iso-8859-15',
  'ISO 2022 IR 13': 'shift_jis',
  'ISO 2022 IR 166': 'windows-874',
  'ISO 2022 IR 87': 'iso-2022-jp',
  'ISO 2022 IR 159': 'iso-2022-jp',
  'ISO 2022 IR 149': 'euc-kr',
  'ISO 2022 IR 58': 'gb18030',
};

const ESC = 0x1b;

/**
 * Escape sequences (bytes after ESC) → how to decode what follows. Two-byte Japanese sets are
 * decoded by handing the segment, escape included, to the iso-2022-jp decoder; G1 sets (high
 * bytes) by their EUC/ISO 8859 decoder.
 */
const escapes: Array<{ bytes: number[]; encoding: string; keepEscape: boolean }> = [
  { bytes: [0x28, 0x42], encoding: 'windows-1252', keepEscape: false }, // ESC ( B  ASCII
  { bytes: [0x28, 0x4a], encoding: 'shift_jis', keepEscape: false }, // ESC ( J  JIS X 0201 romaji
  { bytes: [0x29, 0x49], encoding: 'shift_jis', keepEscape: false }, // ESC ) I  JIS X 0201 katakana
  { bytes: [0x24, 0x42], encoding: 'iso-2022-jp', keepEscape: true }, // ESC $ B  JIS X 0208
  { bytes: [0x24, 0x28, 0x44], encoding: 'iso-2022-jp', keepEscape: true }, // ESC $ ( D  JIS X 0212
  { bytes: [0x24, 0x29, 0x43], encoding: 'euc-kr', keepEscape: false }, // ESC $ ) C  KS X 1001
  { bytes: [0x24, 0x29, 0x41], encoding: 'gb18030', keepEscape: false }, // ESC $ ) A  GB 2312
  { bytes: [0x2d, 0x41], encoding: 'windows-1252', keepEscape: false }, // ESC - A  ISO 8859-1
  { bytes: [0x2d, 0x42], encoding: 'iso-8859-2', keepEscape: false },
  { bytes: [0x2d, 0x43], encoding: 'iso-8859-3', keepEscape: false },
  { bytes: [0x2d, 0x44], encoding: 'iso-8859-4', keepEscape: false },
  { bytes: [0x2d, 0x4c], encoding: 'iso-8859-5', keepEscape: false },
  { bytes: [0x2d, 0x47], encoding: 'iso-8859-6', keepEscape: false },
  { bytes: [0x2d, 0x46], encoding: 'iso-8859-7', keepEscape: false },
  { bytes: [0x2d, 0x48], encoding: 'iso-8859-8', keepEscape: false },
  { bytes: [0x2d, 0x4d], encoding: 'windows-1254', keepEscape: false },
  { bytes: [0x2d, 0x54], encoding: 'windows-874', keepEscape: false },
  { bytes: [0x2d, 0x62], encoding: 'iso-8859-15', keepEscape: false },
];

/** In a single-byte G0 set these bytes end a component or value and reset to the default set. */
const delimiters = new Set([0x5e /* ^ */, 0x3d /* = */, 0x5c /* \ */, 0x0a, 0x0c, 0x0d]);

const decoders = new Map<string, TextDecoder>();
function decoder(encoding: string): TextDecoder {
  let found = decoders.get(encoding);
  if (!found) {
    found = new TextDecoder(encoding);
    decoders.set(encoding, found);
  }
  return found;
}

export interface CharacterSet {
  /** The encoding of text before any escape sequence. */
  readonly initial: string;
  /** Whether the value may contain ISO 2022 escape sequences. */
  readonly extensions: boolean;
}

/** Reads the Specific Character Set value(s); unknown terms fall back to the default repertoire. */
export function characterSetOf(specificCharacterSet: string | undefined): CharacterSet {
  const terms = (specificCharacterSet ?? '').split('\\').map((term) => term.trim().toUpperCase());
  const first = terms[0] ?? '';
  const extensions = terms.some((term) => term.startsWith('ISO 2022'));
  // A first value left empty with extensions means ISO-IR 6 (ASCII) as the default.
  const initial = iso2022Terms[first] ?? singleCodeSets[first.replace(/[- ]/g, '_')] ?? 'windows-1252';
  return { initial, extensions };
}

function matchEscape(bytes: Uint8Array, at: number) {
  return escapes.find((candidate) => candidate.bytes.every((byte, i) => bytes[at + 1 + i] === byte));
}

/** Decodes one text value (PN, LO, SH, ST, LT, UT, UC) in its character set. */
export function decodeText(bytes: Uint8Array, characterSet: CharacterSet): string {
  if (!characterSet.extensions || !bytes.includes(ESC)) return decoder(characterSet.initial).decode(bytes);

  let text = '';
  let encoding = characterSet.initial;
  let twoByte = false;
  let segmentStart = 0;
  let escapeBytes: Uint8Array | null = null;
  const flush = (end: number) => {
    if (end <= segmentStart) return;
    const segment = bytes.subarray(segmentStart, end);
    // iso-2022-jp needs to see its escape to know it is in a two-byte set.
    text += decoder(encoding).decode(escapeBytes ? concat(escapeBytes, segment) : segment);
  };

  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === ESC) {
      const escape = matchEscape(bytes, i);
      if (!escape) continue;
      flush(i);
      encoding = escape.encoding;
      twoByte = escape.keepEscape;
      escapeBytes = escape.keepEscape ? bytes.subarray(i, i + 1 + escape.bytes.length) : null;
      i += escape.bytes.length;
      segmentStart = i + 1;
    } else if (!twoByte && byte !== undefined && delimiters.has(byte) && encoding !== characterSet.initial) {
      flush(i);
      encoding = characterSet.initial;
      escapeBytes = null;
      segmentStart = i;
    }
  }
  flush(bytes.length);
  return text;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
