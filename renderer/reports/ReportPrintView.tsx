/**
 * The report as it prints (and as "Save as PDF" writes it): only this is shown on paper, the
 * workstation's screen is hidden by the print style sheet. A draft prints marked as one.
 */
import { formatPersonName } from '../../shared/dicom/personName';
import { useViewer } from '../viewer/viewerStore';
import { useReport } from './reportDraftStore';
import { formatSigner, SEVERITY_LABELS, STATUS_LABELS } from './reportText';

const SECTIONS = [
  ['findings', 'Findings'],
  ['impression', 'Impression'],
  ['recommendations', 'Recommendations'],
] as const;

export function ReportPrintView() {
  const study = useViewer((state) => state.study);
  const report = useReport((state) => state.report);
  const draft = useReport((state) => state.draft);
  if (!study || !report) return null;
  const { study: summary } = study;
  const signed = report.parts.filter((part) => part.signedAt !== null);
  const pieces = [
    ...signed.map((part) => ({ key: part.id, title: part.sequence === 0 ? 'Report' : `Addendum ${part.sequence}`, content: part, signature: `Signed by ${formatSigner(part.signedBy ?? '')}, ${new Date(part.signedAt ?? '').toLocaleString('en-GB')}` })),
    ...(draft && (draft.content.findings || draft.content.impression) ? [{ key: draft.partId, title: `${draft.sequence === 0 ? 'Report' : `Addendum ${draft.sequence}`} — DRAFT, NOT SIGNED`, content: draft.content, signature: '' }] : []),
  ];
  return (
    <div className="report-print" data-testid="report-print">
      <h1>Diagnostic imaging report</h1>
      <table>
        <tbody>
          <tr>
            <th>Patient</th>
            <td>{formatPersonName(summary.patientName)}</td>
            <th>Patient ID</th>
            <td>{summary.patientId}</td>
          </tr>
          <tr>
            <th>Born</th>
            <td>{summary.patientBirthDate}</td>
            <th>Sex</th>
            <td>{summary.patientSex}</td>
          </tr>
          <tr>
            <th>Study</th>
            <td>
              {summary.studyDescription} ({summary.modalities.join('/')})
            </td>
            <th>Date</th>
            <td>{summary.studyDate}</td>
          </tr>
          <tr>
            <th>Accession</th>
            <td>{summary.accessionNumber}</td>
            <th>Status</th>
            <td>{STATUS_LABELS[report.status]}</td>
          </tr>
        </tbody>
      </table>
      {pieces.map((piece) => (
        <section key={piece.key}>
          <h2>{piece.title}</h2>
          {piece.content.severity && <p>Severity: {SEVERITY_LABELS[piece.content.severity]}</p>}
          {SECTIONS.map(([field, label]) =>
            piece.content[field] ? (
              <div key={field}>
                <h3>{label}</h3>
                <p className="report-text">{piece.content[field]}</p>
              </div>
            ) : null,
          )}
          {piece.signature && <p className="signature">{piece.signature}</p>}
        </section>
      ))}
    </div>
  );
}
