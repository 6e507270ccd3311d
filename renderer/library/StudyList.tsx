import { useAppStore } from '../state/appStore';
import { REGION_ATTRIBUTE } from '../app/useRegionCycling';

/** The library's study list. Until something is imported it invites an import. */
export function StudyList() {
  const stats = useAppStore((state) => state.stats);
  const empty = stats !== null && stats.studies === 0;

  return (
    <aside className="study-list" aria-labelledby="study-list-title" tabIndex={-1} {...{ [REGION_ATTRIBUTE]: 'study-list' }}>
      <header className="panel-header">
        <h2 id="study-list-title">Studies</h2>
      </header>
      {stats === null ? (
        <p className="muted panel-body" role="status">
          Opening the library…
        </p>
      ) : empty ? (
        <div className="empty-state" data-testid="library-empty">
          <p className="empty-title">No studies in the library yet</p>
          <p className="muted">Bring in a modality export or a patient CD.</p>
          <button type="button" className="primary" disabled aria-describedby="import-unavailable">
            Import folder…
          </button>
          <p id="import-unavailable" className="muted small">
            Importing is not available in this version yet.
          </p>
        </div>
      ) : (
        <p className="panel-body">{stats.studies} studies</p>
      )}
    </aside>
  );
}
