/** Text decoding per Specific Character Set, with the examples of PS3.5 Annexes H and I. */
import { describe, expect, it } from 'vitest';
import { characterSetOf, decodeText } from '../../electron/services/dicom/characterSets';

const decode = (bytes: number[] | Uint8Array, specificCharacterSet: string) => decodeText(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), characterSetOf(specificCharacterSet));
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const ESC = 0x1b;

describe('Specific Character Set decoding', () => {
  it('decodes single-byte and UTF-8 character sets', () => {
    expect(decode(Buffer.from('Müller^José', 'latin1'), 'ISO_IR 100')).toBe('Müller^José');
    expect(decode(Buffer.from('Müller^José', 'utf8'), 'ISO_IR 192')).toBe('Müller^José');
    expect(decode([0xb4, 0xd5, 0xd1, 0xdd], 'ISO_IR 144')).toBe('Дебн');
    expect(decode(ascii('DOE^JOHN'), '')).toBe('DOE^JOHN');
  });

  it('decodes PS3.5 H.3.1: ASCII, then JIS X 0208 by escape sequences, group by group', () => {
    const bytes = [
      ...ascii('Yamada^Tarou='),
      ESC, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44, ESC, 0x28, 0x42, 0x5e,
      ESC, 0x24, 0x42, 0x42, 0x40, 0x4f, 0x3a, ESC, 0x28, 0x42, 0x3d,
      ESC, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5e, 0x24, 0x40, ESC, 0x28, 0x42, 0x5e,
      ESC, 0x24, 0x42, 0x24, 0x3f, 0x24, 0x6d, 0x24, 0x26, ESC, 0x28, 0x42,
    ];
    expect(decode(bytes, '\\ISO 2022 IR 87')).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  it('decodes half-width katakana (ISO 2022 IR 13) mixed with JIS X 0208, as on the patient CD', () => {
    const bytes = Buffer.from('ccd9cabc5ec0b2c13d1b2442384536361b284a5e1b24424267434f1b284a', 'hex');
    expect(decode(bytes, 'ISO 2022 IR 13\\ISO 2022 IR 87')).toBe('ﾌﾙﾊｼ^ﾀｲﾁ=古橋^大地');
  });

  it('decodes PS3.5 I.2: Korean KS X 1001 in G1', () => {
    const bytes = [
      ...ascii('Hong^Gildong='),
      ESC, 0x24, 0x29, 0x43, 0xfb, 0xf3, 0x5e, ESC, 0x24, 0x29, 0x43, 0xd1, 0xce, 0xd4, 0xd7, 0x3d,
      ESC, 0x24, 0x29, 0x43, 0xc8, 0xab, 0x5e, ESC, 0x24, 0x29, 0x43, 0xb1, 0xe6, 0xb5, 0xbf,
    ];
    expect(decode(bytes, '\\ISO 2022 IR 149')).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('never throws on unknown terms or stray escapes', () => {
    expect(decode(ascii('PLAIN'), 'ISO_IR 999')).toBe('PLAIN');
    expect(decode([...ascii('A'), ESC, 0x21, ...ascii('B')], 'ISO 2022 IR 6')).toContain('B');
  });
});
