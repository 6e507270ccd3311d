/**
 * The transfers tab's words: what a line's study is, what the line is doing, and times as the
 * person reads them. Pure, so they are unit-tested.
 */
import type { TransferGroup } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import { plural } from '../app/format';

/** A time as the person reads it: the clock today, the date and clock otherwise. */
export function when(iso: string): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return at.toDateString() === new Date().toDateString() ? time : `${at.toLocaleDateString('en-GB')} ${time}`;
}

export function studyLabel(group: TransferGroup): string {
  const study = group.study;
  // Unnamed: a download of which nothing is here yet (asked for before the server's answer was
  // kept), or a study deleted here since.
  if (!study) return `Study …${group.studyInstanceUid.slice(-12)} (${group.direction === 'download' && group.state !== 'done' ? 'not here yet' : 'no longer in the library'})`;
  const parts = [study.patientId, study.studyDate, study.modalities.join('/'), study.studyDescription].filter((part) => part !== '');
  return `${formatPersonName(study.patientName) || 'No name'}${parts.length > 0 ? ` · ${parts.join(' · ')}` : ''}`;
}

/** What the line is doing, in words. */
export function stateText(group: TransferGroup): string {
  const up = group.direction === 'upload';
  const progress = `${group.completed} of ${group.total} ${up ? 'sent' : 'here'}`;
  switch (group.state) {
    case 'running':
      return `${up ? 'Sending' : 'Downloading'} · ${progress}`;
    case 'waiting':
      return group.nextAttemptAt ? `Waiting · ${progress} · next try ${when(group.nextAttemptAt)}` : `Waiting its turn · ${progress}`;
    case 'refused':
      return `Refused · ${progress} · ${plural(group.refused, 'transfer needs', 'transfers need')} you`;
    case 'done':
      if (group.completed < group.total) return `Incomplete · ${progress}`;
      return `${up ? 'Sent' : 'Here'} · ${plural(group.total, 'image', 'images')} · ${when(group.lastAt)}`;
  }
}
