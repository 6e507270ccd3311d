/**
 * Read-only views of report text: a signed part (report or addendum) of a study's report, and a
 * report SR written elsewhere. Used for the study being read and for the prior beside it.
 */
import type { ReportPart, SrDocument } from '../../shared/api';
import { useClient } from '../api/clientContext';
import type { ReportField } from './reportDraftStore';
import { useReport } from './reportDraftStore';
import { formatSigner, SEVERITY_LABELS } from './reportText';

export const FIELDS: Array<[ReportField, string, number]> = [
  ['findings', 'Findings', 10],
  ['impression', 'Impression', 4],
  ['recommendations', 'Recommendations', 3],
];

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A signed part as the record. `ofStudyBeingRead`: it can be written as DICOM SR again when
 * that failed (a prior's report is only read here).
 */
export function SignedPart({ part, ofStudyBeingRead }: { part: ReportPart; ofStudyBeingRead: boolean }) {
  const client = useClient();
  const exportSr = useReport((state) => state.exportSr);
  return (
    <article className="report-part signed" data-testid="report-signed-part" aria-label={part.sequence === 0 ? 'Signed report' : `Addendum ${part.sequence}`}>
      <h4>{part.sequence === 0 ? 'Report' : `Addendum ${part.sequence}`}</h4>
      {part.severity && <p className={`severity ${part.severity}`}>Severity: {SEVERITY_LABELS[part.severity]}</p>}
      {FIELDS.map(([field, label]) =>
        part[field] ? (
          <section key={field}>
            <h5>{label}</h5>
            <p className="report-text" data-testid={`signed-${field}`}>
              {part[field]}
            </p>
          </section>
        ) : null,
      )}
      <p className="muted small" data-testid="report-signature">
        Signed by {formatSigner(part.signedBy ?? '')} · {part.signedAt ? formatTime(part.signedAt) : ''}
        {part.srSopInstanceUid ? ' · stored as DICOM SR' : ''}
      </p>
      {ofStudyBeingRead && !part.srSopInstanceUid && (
        <button type="button" className="small" onClick={() => void exportSr(client, part.id)}>
          Write the DICOM SR again
        </button>
      )}
    </article>
  );
}

/** A report SR this workstation did not write: its title, author, date and text by section. */
export function SrDocumentView({ document, testId }: { document: SrDocument; testId: string }) {
  return (
    <article className="report-part signed" data-testid={testId}>
      <h4>{document.title}</h4>
      <p className="muted small">
        {[document.observer ? formatSigner(document.observer) : 'author unknown', document.contentDate, document.verified ? 'verified' : 'not verified'].filter(Boolean).join(' · ')}
      </p>
      {document.sections.map((section, index) => (
        <section key={index}>
          <h5>{section.title}</h5>
          <p className="report-text">{section.text}</p>
        </section>
      ))}
    </article>
  );
}
