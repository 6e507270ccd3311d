/**
 * The report beside the images: signed parts as the record (read-only), the part being written
 * with its autosave state, sign-off, addenda, the version history, templates and printing.
 */
import { type FocusEvent, type SyntheticEvent, useEffect, useState } from 'react';
import type { ReportSeverity, SrDocument, ViewerStudy } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { useViewer } from '../viewer/viewerStore';
import { PriorReport } from './PriorReport';
import { ReportHistory } from './ReportHistory';
import { type ReportField, useReport } from './reportDraftStore';
import { FIELDS, formatTime, SignedPart, SrDocumentView } from './ReportParts';
import { formatSigner, SEVERITY_LABELS, STATUS_LABELS } from './reportText';
import { TemplatePicker } from './TemplatePicker';

/** Reports of this study written elsewhere: kept and shown beside ours, never merged into it. */
function ReportsElsewhere({ documents }: { documents: readonly SrDocument[] }) {
  if (documents.length === 0) return null;
  return (
    <section className="report-elsewhere" data-testid="report-elsewhere" role="note">
      <p>
        <strong>
          {documents.length === 1 ? 'Another report of this study exists' : `${documents.length} other reports of this study exist`}
        </strong>{' '}
        — not written on this workstation (received with the study). Both are kept; neither replaces the other.
      </p>
      {documents.map((document) => (
        <SrDocumentView key={document.sopInstanceUid} document={document} testId="report-elsewhere-item" />
      ))}
    </section>
  );
}

function SignerSettings() {
  const client = useClient();
  const settings = useReport((state) => state.settings);
  const saveSettings = useReport((state) => state.saveSettings);
  const [name, setName] = useState<string | null>(null);
  if (!settings) return null;
  if (name === null && settings.radiologistName) {
    return (
      <p className="muted small">
        Signing as <strong data-testid="signer-name">{formatSigner(settings.radiologistName)}</strong>{' '}
        <button type="button" className="link" onClick={() => setName(settings.radiologistName)}>
          change
        </button>
      </p>
    );
  }
  return (
    <form
      className="signer-form"
      onSubmit={(event) => {
        event.preventDefault();
        void saveSettings(client, { radiologistName: (name ?? '').trim() }).then(() => setName(null));
      }}
    >
      <label className="field inline">
        <span>Your name (signs reports)</span>
        <input value={name ?? ''} onChange={(event) => setName(event.target.value)} placeholder="e.g. Dr Jane Roe" data-testid="signer-input" />
      </label>
      <button type="submit" className="small" disabled={!(name ?? '').trim()}>
        Save
      </button>
    </form>
  );
}

function DraftEditor({ study }: { study: ViewerStudy }) {
  const client = useClient();
  const draft = useReport((state) => state.draft);
  const conflict = useReport((state) => state.conflict);
  const settings = useReport((state) => state.settings);
  const { edit, flush, setFocus, sign, resolveConflict } = useReport.getState();
  const [confirming, setConfirming] = useState(false);
  const [history, setHistory] = useState(false);
  if (!draft) return null;
  const rememberCursor = (field: ReportField) => (event: SyntheticEvent<HTMLTextAreaElement>) =>
    setFocus({ field, start: event.currentTarget.selectionStart, end: event.currentTarget.selectionEnd });
  const onBlur = (field: ReportField) => (event: FocusEvent<HTMLTextAreaElement>) => {
    rememberCursor(field)(event);
    void flush(client);
  };
  const hasText = Boolean(draft.content.findings.trim() || draft.content.impression.trim());
  return (
    <div className="report-part editing" data-testid="report-editor">
      <h4>{draft.sequence === 0 ? 'Report (draft)' : `Addendum ${draft.sequence} (draft)`}</h4>
      {conflict && (
        <div className="report-conflict" role="alert" data-testid="report-conflict">
          <p>
            This report was saved from another window ({formatTime(conflict.updatedAt)}) while you were writing here. Nothing has been overwritten.
          </p>
          <details>
            <summary>Their findings</summary>
            <p className="report-text">{conflict.findings || '—'}</p>
          </details>
          <button type="button" className="small" onClick={() => void resolveConflict(client, 'theirs')}>
            Use theirs
          </button>{' '}
          <button type="button" className="small" onClick={() => void resolveConflict(client, 'mine')}>
            Keep mine
          </button>
        </div>
      )}
      <div className="report-row">
        <TemplatePicker study={study} />
        <label className="field inline">
          <span>Severity</span>
          <select value={draft.content.severity} onChange={(event) => edit(client, { severity: event.target.value as ReportSeverity | '' })} data-testid="report-severity">
            <option value="">—</option>
            {Object.entries(SEVERITY_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {FIELDS.map(([field, label, rows]) => (
        <label key={field} className="field report-field">
          <span>{label}</span>
          <textarea
            rows={rows}
            value={draft.content[field]}
            spellCheck
            data-testid={`report-${field}`}
            onChange={(event) => {
              edit(client, { [field]: event.target.value });
              rememberCursor(field)(event);
            }}
            onSelect={rememberCursor(field)}
            onBlur={onBlur(field)}
          />
        </label>
      ))}
      <div className="report-actions">
        <button type="button" className="small" onClick={() => setHistory(!history)} disabled={draft.baseRevision === 0} aria-expanded={history}>
          History
        </button>
        {!confirming && (
          <button type="button" className="small primary" disabled={!hasText || Boolean(conflict)} onClick={() => setConfirming(true)} data-testid="report-sign">
            Sign…
          </button>
        )}
      </div>
      {confirming && (
        <div className="report-confirm" role="dialog" aria-label="Sign the report" data-testid="report-sign-confirm">
          {settings?.radiologistName ? (
            <>
              <p>
                Sign as <strong>{formatSigner(settings.radiologistName)}</strong>? The signed text is final; later changes go into an addendum.
              </p>
              <button
                type="button"
                className="small primary"
                data-testid="report-sign-confirm-button"
                onClick={() => {
                  setConfirming(false);
                  void sign(client);
                }}
              >
                Sign
              </button>{' '}
            </>
          ) : (
            <p>Enter your name below first: it signs the report.</p>
          )}
          <button type="button" className="small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {history && <ReportHistory partId={draft.partId} onRestore={(content) => edit(client, content)} />}
    </div>
  );
}

function SaveState() {
  const draft = useReport((state) => state.draft);
  const saving = useReport((state) => state.saving);
  const savedAt = useReport((state) => state.savedAt);
  if (!draft) return null;
  const text = saving ? 'Saving…' : draft.dirtySince !== null ? 'Unsaved changes' : savedAt ? `Saved ${new Date(savedAt).toLocaleTimeString('en-GB')}` : 'Not started';
  return (
    <span className="muted small" data-testid="report-save-state" role="status">
      {text}
    </span>
  );
}

export function ReportPanel() {
  const client = useClient();
  const study = useViewer((state) => state.study);
  const report = useReport((state) => state.report);
  const draft = useReport((state) => state.draft);
  const error = useReport((state) => state.error);
  const notice = useReport((state) => state.notice);
  const { load, clear, flush, addAddendum } = useReport.getState();
  const studyUid = study?.study.studyInstanceUid ?? null;

  useEffect(() => {
    if (!studyUid) {
      clear();
      return;
    }
    void load(client, studyUid).catch((problem: unknown) => useReport.setState({ error: `The report could not be loaded: ${String(problem)}` }));
    // Leaving the study saves what was typed.
    return () => void flush(client);
  }, [client, studyUid, load, clear, flush]);

  // Closing the window saves what it can; the localStorage copy covers the rest.
  useEffect(() => {
    const onLeave = () => void flush(client);
    const onHidden = () => {
      if (document.visibilityState === 'hidden') onLeave();
    };
    window.addEventListener('pagehide', onLeave);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('pagehide', onLeave);
      document.removeEventListener('visibilitychange', onHidden);
    };
  }, [client, flush]);

  if (!study) return null;
  const signed = report?.parts.filter((part) => part.signedAt !== null) ?? [];
  return (
    <aside className="report-panel" aria-label="Report" data-testid="report-panel">
      <header className="report-header">
        <h3>Report</h3>
        <span className={`report-status ${report?.status ?? 'unreported'}`} data-testid="report-status-badge">
          {STATUS_LABELS[report?.status ?? 'unreported']}
        </span>
        <span className="spacer" />
        <SaveState />
        <button type="button" className="small" onClick={() => window.print()} disabled={signed.length === 0 && !draft?.content.findings} title="Print the report, or save it as PDF from the print dialog">
          Print / PDF
        </button>
      </header>
      {notice && (
        <p className="report-notice" role="status" data-testid="report-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      <PriorReport />
      {!report && <p className="muted">Loading the report…</p>}
      {report && <ReportsElsewhere documents={report.elsewhere} />}
      {signed.map((part) => (
        <SignedPart key={part.id} part={part} ofStudyBeingRead />
      ))}
      <DraftEditor study={study} />
      {report && !draft && (
        <button type="button" className="small" onClick={() => void addAddendum(client)} data-testid="report-add-addendum">
          Add addendum
        </button>
      )}
      <SignerSettings />
    </aside>
  );
}
