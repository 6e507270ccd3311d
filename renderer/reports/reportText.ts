/** Words the report UI shows for the report's codes. */
import type { ReportSeverity, ReportStatus, StudySummary } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';

export const SEVERITY_LABELS: Readonly<Record<ReportSeverity, string>> = { normal: 'Normal', minor: 'Minor', significant: 'Significant', critical: 'Critical' };

export const STATUS_LABELS: Readonly<Record<ReportStatus, string>> = { unreported: 'Unreported', draft: 'Draft', final: 'Final', amended: 'Amended' };

/** A signer's name as typed in settings, or as a DICOM person name when it is one. */
export function formatSigner(name: string): string {
  return name.includes('^') ? formatPersonName(name) : name;
}

/** Modalities of a study's documents rather than its imaging: reports, key-object notes, presentation states, registrations. */
const NOT_IMAGING = new Set(['SR', 'KO', 'PR', 'DOC', 'REG']);

/** The line a report starts its comparison with, e.g. "Comparison: CT of 2010-03-15." */
export function comparisonLine(prior: Pick<StudySummary, 'modalities' | 'studyDate' | 'studyDescription'>): string {
  const what = prior.modalities.filter((modality) => !NOT_IMAGING.has(modality)).join('/') || prior.studyDescription || 'study';
  return `Comparison: ${what} ${prior.studyDate ? `of ${prior.studyDate}` : '(date unknown)'}.`;
}
