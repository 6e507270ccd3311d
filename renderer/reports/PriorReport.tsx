/**
 * The report of the prior opened beside the study being read, above the report being written:
 * what was said last time is what the new report compares against ("Comparison: CT of …").
 * Read-only: its signed parts and the reports that came with it from elsewhere. A draft of the
 * prior is not shown — unsigned text is not the record.
 */
import { useEffect, useState } from 'react';
import type { StudyReport } from '../../shared/api';
import { messageOf } from '../app/format';
import { useClient } from '../api/clientContext';
import { useViewer } from '../viewer/viewerStore';
import { useReport } from './reportDraftStore';
import { SignedPart, SrDocumentView } from './ReportParts';
import { comparisonLine, STATUS_LABELS } from './reportText';

type Loaded = { studyInstanceUid: string; report: StudyReport } | { studyInstanceUid: string; error: string };

export function PriorReport() {
  const client = useClient();
  const prior = useViewer((state) => state.comparison?.study ?? null);
  const hasDraft = useReport((state) => state.draft !== null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const priorUid = prior?.studyInstanceUid ?? null;

  useEffect(() => {
    if (!priorUid) return;
    let current = true;
    client.request('reports.get', { studyInstanceUid: priorUid }).then(
      (report) => current && setLoaded({ studyInstanceUid: priorUid, report }),
      (error: unknown) => current && setLoaded({ studyInstanceUid: priorUid, error: messageOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, priorUid]);

  if (!prior) return null;
  const state = loaded?.studyInstanceUid === prior.studyInstanceUid ? loaded : null;
  const report = state && 'report' in state ? state.report : null;
  const signed = report?.parts.filter((part) => part.signedAt !== null) ?? [];
  const nothingSigned = report !== null && signed.length === 0 && report.elsewhere.length === 0;
  return (
    <details className="prior-report" open data-testid="prior-report">
      <summary>
        <span className="prior-report-title">Prior report · {prior.studyDate || 'no date'}</span>
        {report && (
          <span className={`report-status ${report.status}`} data-testid="prior-report-status">
            {STATUS_LABELS[report.status]}
          </span>
        )}
      </summary>
      <div className="prior-report-body">
        {!state && <p className="muted small">Loading the prior’s report…</p>}
        {state && 'error' in state && (
          <p className="error" role="alert">
            The prior’s report could not be loaded: {state.error}
          </p>
        )}
        {signed.map((part) => (
          <SignedPart key={part.id} part={part} ofStudyBeingRead={false} />
        ))}
        {report?.elsewhere.map((document) => (
          <SrDocumentView key={document.sopInstanceUid} document={document} testId="prior-report-elsewhere" />
        ))}
        {nothingSigned && (
          <p className="muted small" data-testid="prior-report-none">
            {report.status === 'draft' ? 'Its report is a draft, not signed yet: not shown.' : 'No report of this prior in the library.'}
          </p>
        )}
        <button
          type="button"
          className="small"
          disabled={!hasDraft}
          title={hasDraft ? 'Adds the line where the cursor was in the report, or at the end of the findings' : 'The report is signed: add an addendum to write in it'}
          data-testid="prior-report-insert-comparison"
          onClick={() => useReport.getState().insertText(client, comparisonLine(prior))}
        >
          Insert “{comparisonLine(prior)}”
        </button>
      </div>
    </details>
  );
}
