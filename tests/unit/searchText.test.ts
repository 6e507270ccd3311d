import { describe, expect, it } from 'vitest';
import { prefixQuery, searchText } from '../../electron/services/store/searchText';

describe('study search text', () => {
  it('folds half-width forms and turns DICOM separators into spaces', () => {
    expect(searchText('ﾌﾙﾊｼ^ﾀｲﾁ=古橋^大地')).toBe('フルハシ タイチ 古橋 大地');
    expect(searchText('DOE^JOHN^^DR')).toBe('DOE JOHN  DR');
  });

  it('builds a quoted prefix query, so nothing typed is taken as FTS syntax', () => {
    expect(prefixQuery('smi jo')).toBe('"smi"* AND "jo"*');
    expect(prefixQuery('o"brien')).toBe('"o""brien"*');
    expect(prefixQuery('NEAR(a b) OR *')).toBe('"NEAR(a"* AND "b)"* AND "OR"* AND "*"*');
    expect(prefixQuery('  ^^ ')).toBeNull();
  });
});
