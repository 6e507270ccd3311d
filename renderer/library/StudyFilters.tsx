import { useStudyList, type SortKey, type StudyFilters as Filters } from './studyListStore';

const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'XA', 'RF', 'NM', 'PT', 'OT', 'SR', 'SEG'];
/** The worklist: which studies still need reading. */
const WORKLIST: Array<['' | 'unreported' | 'draft' | 'final', string]> = [
  ['', 'All'],
  ['unreported', 'Unreported'],
  ['draft', 'Draft'],
  ['final', 'Final'],
];
const SORTS: Array<[SortKey, string]> = [
  ['date', 'Study date'],
  ['name', 'Patient name'],
  ['patientId', 'Patient ID'],
  ['accession', 'Accession'],
  ['description', 'Description'],
  ['modality', 'Modality'],
  ['instances', 'Images'],
  ['size', 'Size on disk'],
  ['added', 'Imported'],
];

function TextFilter({ name, label, placeholder }: { name: keyof Filters; label: string; placeholder?: string }) {
  const value = useStudyList((state) => state.filters[name] ?? '');
  const setFilter = useStudyList((state) => state.setFilter);
  return (
    <label className="field">
      <span>{label}</span>
      <input type="search" value={value} placeholder={placeholder} onChange={(event) => setFilter(name, event.target.value)} data-testid={`filter-${name}`} />
    </label>
  );
}

/** Search by name at the top; the other filters one click away; sort below them. */
export function StudyFilters() {
  const { filters, sort, direction, setFilter, setSort, clearFilters } = useStudyList();
  const active = Object.values(filters).filter(Boolean).length;
  return (
    <div className="study-filters">
      <TextFilter name="patientName" label="Patient name" placeholder="Beginning of any name…" />
      <div className="worklist-filter" role="radiogroup" aria-label="Report status">
        {WORKLIST.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={(filters.reportStatus ?? '') === value}
            className={`small${(filters.reportStatus ?? '') === value ? ' pressed' : ''}`}
            onClick={() => setFilter('reportStatus', value)}
            data-testid={`worklist-${value || 'all'}`}
          >
            {label}
          </button>
        ))}
      </div>
      <details open={active > (filters.patientName ? 1 : 0) + (filters.reportStatus ? 1 : 0) || undefined}>
        <summary>More filters{active > 0 ? ` (${active} active)` : ''}</summary>
        <div className="filter-grid">
          <TextFilter name="patientId" label="Patient ID" />
          <TextFilter name="accession" label="Accession" />
          <label className="field">
            <span>From</span>
            <input type="date" value={filters.dateFrom ?? ''} onChange={(event) => setFilter('dateFrom', event.target.value)} data-testid="filter-dateFrom" />
          </label>
          <label className="field">
            <span>To</span>
            <input type="date" value={filters.dateTo ?? ''} onChange={(event) => setFilter('dateTo', event.target.value)} data-testid="filter-dateTo" />
          </label>
          <label className="field">
            <span>Modality</span>
            <select value={filters.modality ?? ''} onChange={(event) => setFilter('modality', event.target.value)} data-testid="filter-modality">
              <option value="">Any</option>
              {MODALITIES.map((modality) => (
                <option key={modality} value={modality}>
                  {modality}
                </option>
              ))}
            </select>
          </label>
          <TextFilter name="description" label="Description" />
        </div>
        {active > 0 && (
          <button type="button" className="link" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </details>
      <div className="sort-row">
        <label className="field inline">
          <span>Sort by</span>
          <select value={sort} onChange={(event) => setSort(event.target.value as SortKey)} data-testid="sort">
            {SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="small" onClick={() => setSort(sort)} aria-label={direction === 'desc' ? 'Descending; switch to ascending' : 'Ascending; switch to descending'}>
          {direction === 'desc' ? '↓' : '↑'}
        </button>
      </div>
    </div>
  );
}
