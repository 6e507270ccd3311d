import { type KeyboardEvent, useEffect } from 'react';
import type { StudySummary } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import { STATUS_LABELS } from '../reports/reportText';
import { useClient } from '../api/clientContext';
import { formatBytes, messageOf, plural } from '../app/format';
import { REGION_ATTRIBUTE } from '../app/useRegionCycling';
import { showImportPanel } from '../app/panels';
import { useAppStore } from '../state/appStore';
import { useViewer } from '../viewer/viewerStore';
import { StudyDetailPanel } from './StudyDetailPanel';
import { StudyFilters } from './StudyFilters';
import { PAGE_SIZE, useStudyList } from './studyListStore';

/** Typing in a filter waits this long before asking, so each keystroke does not search. */
const SEARCH_DELAY_MS = 120;

/**
 * The row a double-click began on. The first click selects a row, which can collapse the detail
 * panel of a row above it and move this one; the second click then lands on a different row.
 */
let firstClick: { uid: string; at: number } | null = null;
const DOUBLE_CLICK_MS = 600;

function StudyRow({ study, selected }: { study: StudySummary; selected: boolean }) {
  const select = useStudyList((state) => state.select);
  const client = useClient();
  return (
    <div
      role="option"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      className={`study-row${selected ? ' selected' : ''}`}
      data-study-uid={study.studyInstanceUid}
      data-testid="study-row"
      onClick={(event) => {
        if (event.detail >= 2) return;
        firstClick = { uid: study.studyInstanceUid, at: performance.now() };
        // A click selects (clicking the selected study again keeps it, so Enter opens it);
        // Ctrl/⌘+click or Escape clears the selection.
        select(selected && (event.ctrlKey || event.metaKey) ? null : study.studyInstanceUid);
      }}
      onDoubleClick={() => {
        const uid = firstClick && performance.now() - firstClick.at < DOUBLE_CLICK_MS ? firstClick.uid : study.studyInstanceUid;
        select(uid);
        void useViewer.getState().openStudy(client, uid);
      }}
      title="Double-click or Enter to open"
    >
      <div className="row-line">
        <span className="patient-name">{formatPersonName(study.patientName) || <span className="muted">No name</span>}</span>
        <span className="study-date">{study.studyDate || '—'}</span>
      </div>
      <div className="row-line muted small">
        <span>
          {study.patientId || 'no ID'} · {study.modalities.join('/') || '?'} · {study.studyDescription || 'no description'}
        </span>
        <span>
          {study.reportStatus !== 'unreported' && (
            <span className={`report-badge ${study.reportStatus}`} data-testid="study-report-status">
              {STATUS_LABELS[study.reportStatus]}
            </span>
          )}
          {study.keyImages > 0 && (
            <span className="key-images" title="Studies with key images" data-testid="key-image-count">
              ★ {study.keyImages}{' '}
            </span>
          )}
          {plural(study.instanceCount, 'image', 'images')} · <span data-testid="study-size">{formatBytes(study.bytes)}</span>
          {study.missingInstances > 0 && (
            <span className="incomplete" title="Its download is under way or waiting (for the link, or for room on the disk), or was cut off or cancelled: the sync panel’s transfers tab says which" data-testid="study-incomplete">
              {' '}
              (incomplete: {study.missingInstances} not here)
            </span>
          )}
        </span>
      </div>
    </div>
  );
}

export function StudyList() {
  const client = useClient();
  const stats = useAppStore((state) => state.stats);
  const { filters, sort, direction, offset, total, studies, loading, error, selectedUid, setResults, setLoading, setError, setOffset, select } = useStudyList();
  const filtering = Object.values(filters).some(Boolean);

  useEffect(() => {
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      client.request('library.searchStudies', { ...filters, sort, direction, offset, limit: PAGE_SIZE }).then(
        (page) => current && setResults(page.total, page.studies),
        (problem: unknown) => current && setError(messageOf(problem)),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `stats` changes when the library does (import, deletion): search again.
  }, [client, filters, sort, direction, offset, stats, setResults, setLoading, setError]);

  /** ↑/↓ move through the list, Home/End jump, Escape clears the selection. */
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const index = studies.findIndex((study) => study.studyInstanceUid === selectedUid);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: Math.max(0, index - 1), Home: 0, End: studies.length - 1 };
    if (event.key === 'Escape') return select(null);
    if (event.key === 'Enter' && selectedUid) {
      event.preventDefault();
      void useViewer.getState().openStudy(client, selectedUid);
      return;
    }
    const target = moves[event.key];
    if (target === undefined || studies.length === 0) return;
    event.preventDefault();
    const next = studies[Math.min(studies.length - 1, Math.max(0, target))];
    if (!next) return;
    select(next.studyInstanceUid);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-study-uid="${CSS.escape(next.studyInstanceUid)}"]`)?.focus());
  };

  const libraryEmpty = stats !== null && stats.studies === 0;
  return (
    <aside className="study-list" aria-labelledby="study-list-title" tabIndex={-1} {...{ [REGION_ATTRIBUTE]: 'study-list' }}>
      <header className="panel-header">
        <h2 id="study-list-title">Studies</h2>
        <button type="button" className="small" onClick={showImportPanel} title="Import (Ctrl+O)">
          Import…
        </button>
      </header>
      {libraryEmpty ? (
        <div className="empty-state" data-testid="library-empty">
          <p className="empty-title">No studies in the library yet</p>
          <p className="muted">Bring in a modality export or a patient CD.</p>
          <button type="button" className="primary" onClick={showImportPanel}>
            Import folder…
          </button>
          <p className="muted small">Or drop files and folders onto this window.</p>
        </div>
      ) : (
        <>
          <StudyFilters />
          <p className="result-count muted small" role="status" data-testid="study-count">
            {loading && studies.length === 0 ? 'Searching…' : `${plural(total, 'study', 'studies')}${filtering ? ' match' : ''}`}
          </p>
          {error && (
            <p className="problem panel-body" role="alert">
              {error}
            </p>
          )}
          {!loading && total === 0 && filtering && <p className="muted panel-body">No study matches these filters.</p>}
          <ul className="studies" role="listbox" aria-label="Studies" onKeyDown={onKeyDown}>
            {studies.map((study) => (
              <li key={study.studyInstanceUid} role="presentation">
                <StudyRow study={study} selected={study.studyInstanceUid === selectedUid} />
                {study.studyInstanceUid === selectedUid && <StudyDetailPanel studyInstanceUid={study.studyInstanceUid} />}
              </li>
            ))}
          </ul>
          {total > PAGE_SIZE && (
            <nav className="pager" aria-label="Pages">
              <button type="button" className="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                Previous
              </button>
              <span className="muted small">
                {offset + 1}–{Math.min(total, offset + PAGE_SIZE)} of {total.toLocaleString('en')}
              </span>
              <button type="button" className="small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </aside>
  );
}
