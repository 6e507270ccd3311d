/** Words the report UI shows for the report's codes. */
import type { ReportSeverity, ReportStatus } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';

export const SEVERITY_LABELS: Readonly<Record<ReportSeverity, string>> = { normal: 'Normal', minor: 'Minor', significant: 'Significant', critical: 'Critical' };

export const STATUS_LABELS: Readonly<Record<ReportStatus, string>> = { unreported: 'Unreported', draft: 'Draft', final: 'Final', amended: 'Amended' };

/** A signer's name as typed in settings, or as a DICOM person name when it is one. */
export function formatSigner(name: string): string {
  return name.includes('^') ? formatPersonName(name) : name;
}
