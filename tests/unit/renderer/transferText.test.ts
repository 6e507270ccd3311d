import { describe, expect, it } from 'vitest';
import type { TransferGroup } from '../../../shared/api';
import { stateText, studyLabel, when } from '../../../renderer/sync/transferText';

const today = new Date();
today.setHours(14, 5, 0, 0);
const TODAY = today.toISOString();

const line = (changes: Partial<TransferGroup> = {}): TransferGroup => ({
  serverId: '00000000-0000-4000-8000-000000000001',
  serverName: 'Archive',
  direction: 'upload',
  studyInstanceUid: '1.2.826.0.1.3680043.8.498.123456789012',
  study: { patientName: 'DOE^JANE', patientId: 'P-8', studyDate: '2012-07-06', studyDescription: 'CT ABDOMEN', modalities: ['CT', 'SR'] },
  inLibrary: true,
  state: 'done',
  completed: 134,
  total: 134,
  waiting: 0,
  running: 0,
  refused: 0,
  nextAttemptAt: null,
  problems: [],
  firstAt: TODAY,
  lastAt: TODAY,
  ...changes,
});

describe('what a line of the transfers tab says', () => {
  it('names the study, or says why it cannot', () => {
    expect(studyLabel(line())).toBe('DOE, JANE · P-8 · 2012-07-06 · CT/SR · CT ABDOMEN');
    expect(studyLabel(line({ study: { patientName: '', patientId: '', studyDate: '', studyDescription: '', modalities: [] } }))).toBe('No name');
    expect(studyLabel(line({ study: null, direction: 'download', state: 'running' }))).toBe('Study …123456789012 (not here yet)');
    expect(studyLabel(line({ study: null }))).toBe('Study …123456789012 (no longer in the library)');
  });

  it('says what the line is doing and how far it got', () => {
    expect(stateText(line())).toBe('Sent · 134 images · 14:05');
    expect(stateText(line({ direction: 'download' }))).toBe('Here · 134 images · 14:05');
    expect(stateText(line({ state: 'done', direction: 'download', completed: 46 }))).toBe('Incomplete · 46 of 134 here');
    expect(stateText(line({ state: 'running', direction: 'download', completed: 46, running: 1 }))).toBe('Downloading · 46 of 134 here');
    expect(stateText(line({ state: 'waiting', completed: 0, waiting: 134 }))).toBe('Waiting its turn · 0 of 134 sent');
    expect(stateText(line({ state: 'waiting', completed: 10, waiting: 124, nextAttemptAt: TODAY }))).toBe('Waiting · 10 of 134 sent · next try 14:05');
    expect(stateText(line({ state: 'refused', completed: 0, refused: 1 }))).toBe('Refused · 0 of 134 sent · 1 transfer needs you');
  });

  it('gives the clock for today and the date before it', () => {
    expect(when(TODAY)).toBe('14:05');
    const earlier = new Date(today);
    earlier.setDate(earlier.getDate() - 3);
    expect(when(earlier.toISOString())).toBe(`${earlier.toLocaleDateString('en-GB')} 14:05`);
  });
});
