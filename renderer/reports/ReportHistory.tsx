/** The saved versions of the part being written, newest first; one can be brought back. */
import { useEffect, useState } from 'react';
import type { ReportContent, ReportVersion } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { messageOf } from '../app/format';
import { EDITOR_ID } from './reportDraftStore';

export function ReportHistory({ partId, onRestore }: { partId: string; onRestore: (content: Partial<ReportContent>) => void }) {
  const client = useClient();
  const [versions, setVersions] = useState<ReportVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(0);
  useEffect(() => {
    client.request('reports.versions', { partId }).then(setVersions, (problem: unknown) => setError(messageOf(problem)));
  }, [client, partId]);
  if (error) return <p className="error">{error}</p>;
  if (!versions) return <p className="muted small">Loading the history…</p>;
  const version = versions[shown];
  return (
    <div className="report-history" data-testid="report-history">
      <label className="field inline">
        <span>Version</span>
        <select value={shown} onChange={(event) => setShown(Number(event.target.value))} data-testid="report-history-select">
          {versions.map((candidate, index) => (
            <option key={candidate.revision} value={index}>
              {new Date(candidate.savedAt).toLocaleString('en-GB')} · {candidate.editor === EDITOR_ID ? 'this window' : 'another window'}
            </option>
          ))}
        </select>
      </label>
      {version && (
        <>
          <p className="report-text muted" data-testid="report-history-findings">
            {version.findings || '—'}
          </p>
          <p className="report-text muted">{version.impression || '—'}</p>
          <button
            type="button"
            className="small"
            onClick={() => onRestore({ findings: version.findings, impression: version.impression, recommendations: version.recommendations, severity: version.severity })}
          >
            Bring this version back
          </button>
        </>
      )}
    </div>
  );
}
