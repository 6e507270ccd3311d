import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, plural } from '../../../renderer/app/format';
import { formatPersonName } from '../../../shared/dicom/personName';
import { comparisonLine } from '../../../renderer/reports/reportText';

describe('what the study list shows', () => {
  it('writes DICOM person names as people read them, keeping every written form', () => {
    expect(formatPersonName('DOE^JOHN^Q^DR^JR')).toBe('DOE, DR JOHN Q JR');
    expect(formatPersonName('Müller^José')).toBe('Müller, José');
    expect(formatPersonName('Anonymized')).toBe('Anonymized');
    expect(formatPersonName('OB^^^^')).toBe('OB');
    expect(formatPersonName('ﾌﾙﾊｼ^ﾀｲﾁ=古橋^大地')).toBe('ﾌﾙﾊｼ, ﾀｲﾁ (古橋, 大地)');
    expect(formatPersonName('Yamada^Tarou=山田^太郎=やまだ^たろう')).toBe('Yamada, Tarou (山田, 太郎 · やまだ, たろう)');
    expect(formatPersonName('=山田^太郎')).toBe('山田, 太郎');
    expect(formatPersonName('')).toBe('');
  });

  it('formats sizes, counts and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(526_708)).toBe('527 KB');
    expect(formatBytes(70_580_000)).toBe('71 MB');
    expect(formatBytes(1_050_000_000)).toBe('1.1 GB');
    expect(plural(1, 'study', 'studies')).toBe('1 study');
    expect(plural(1234, 'image', 'images')).toBe('1,234 images');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3900)).toBe('1 h 5 min');
  });
});

describe('the comparison line of a report', () => {
  it('names the prior’s imaging and date, never its report or notes', () => {
    expect(comparisonLine({ modalities: ['CT', 'SR'], studyDate: '2010-03-15', studyDescription: 'CT ABDOMEN' })).toBe('Comparison: CT of 2010-03-15.');
    expect(comparisonLine({ modalities: ['PT', 'CT', 'KO'], studyDate: '2019-01-02', studyDescription: '' })).toBe('Comparison: PT/CT of 2019-01-02.');
    expect(comparisonLine({ modalities: ['SR'], studyDate: '', studyDescription: 'Outside report' })).toBe('Comparison: Outside report (date unknown).');
    expect(comparisonLine({ modalities: [], studyDate: '2001-05-06', studyDescription: '' })).toBe('Comparison: study of 2001-05-06.');
  });
});
