/**
 * The open study's series (a thumbnail, number, description and image count each), the same
 * patient's other studies to compare with, and the series of the prior opened beside it.
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { StudySummary, ViewerSeries, ViewerStudy } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { formatPersonName } from '../../shared/dicom/personName';
import { imageIdsFor } from './cornerstone/imageLoading';
import { AnnotationPanel } from './annotations/AnnotationPanel';
import { renderThumbnail } from './cornerstone/renderImage';
import { useViewer } from './viewerStore';

export const SERIES_DRAG_TYPE = 'application/x-lumen-series';

function imageCount(series: ViewerSeries): number {
  return series.instances.reduce((sum, instance) => sum + instance.frames, 0);
}

function Thumbnail({ series, start }: { series: ViewerSeries; start: boolean }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const canvas = canvasRef.current;
    const ids = imageIdsFor(series.instances);
    // The middle image says more about a series than its first (often a scout edge).
    const id = ids[Math.floor(ids.length / 2)];
    if (!start || !canvas || !id) return;
    renderThumbnail(canvas, id).catch(() => setFailed(true));
  }, [series, start]);
  return (
    <div className="thumbnail">
      <canvas ref={canvasRef} width={96} height={96} aria-hidden="true" />
      {failed && <span className="thumbnail-note">no preview</span>}
    </div>
  );
}

function onDragStart(event: DragEvent<HTMLLIElement>, uid: string): void {
  event.dataTransfer.setData(SERIES_DRAG_TYPE, uid);
  event.dataTransfer.effectAllowed = 'copy';
}

/** A study's series as strip items. */
function SeriesItems({ study, testId }: { study: ViewerStudy; testId: string }) {
  const active = useViewer((state) => state.active);
  const shown = useViewer((state) => state.viewportSeries[active] ?? null);
  // Thumbnails wait for the first viewport's first image, which the reader is waiting for.
  const firstShown = useViewer((state) => (state.snapshots[0]?.info ?? null) !== null || (state.snapshots[0]?.error ?? null) !== null);
  return (
    <ul>
      {study.series.map((series) => {
          const count = imageCount(series);
          const viewable = count > 0;
          return (
            <li
              key={series.seriesInstanceUid}
              className={`series-item${series.seriesInstanceUid === shown ? ' shown' : ''}${viewable ? '' : ' not-viewable'}`}
              data-testid={testId}
              draggable={viewable}
              onDragStart={(event) => onDragStart(event, series.seriesInstanceUid)}
              onClick={() => viewable && useViewer.getState().showSeries(active, series.seriesInstanceUid)}
              title={viewable ? 'Click to show in the active viewport, or drag onto a viewport' : 'This series has no images (e.g. a report)'}
            >
              {viewable ? <Thumbnail series={series} start={firstShown} /> : <div className="thumbnail empty">{series.modality}</div>}
              <div className="series-label">
                <span>
                  {series.seriesNumber ?? '–'} · {series.modality}
                </span>
                <span className="muted">{series.description || 'No description'}</span>
                <span className="muted" data-testid="series-count">
                  {viewable ? `${count} ${count === 1 ? 'image' : 'images'}` : `${series.instances.length} objects, no images`}
                </span>
              </div>
            </li>
          );
        })}
    </ul>
  );
}

/** The name as the prior has it, when it is not spelled as in the study being read. */
function differentName(prior: StudySummary, reading: StudySummary): string | null {
  const normal = (name: string) => formatPersonName(name).toUpperCase().replace(/\s+/g, ' ').trim();
  return normal(prior.patientName) === normal(reading.patientName) ? null : formatPersonName(prior.patientName) || 'no name';
}

/** The same patient's other studies: one click opens one beside the study being read. */
function Priors({ study }: { study: ViewerStudy }) {
  const client = useClient();
  const priors = useViewer((state) => state.priors);
  const comparison = useViewer((state) => state.comparison);
  const opening = useViewer((state) => state.openingComparison);
  const error = useViewer((state) => state.comparisonError);
  if (!priors || priors.length === 0) return null;
  return (
    <section className="priors" aria-label="Priors" data-testid="priors">
      <h3>Priors ({priors.length})</h3>
      <ul>
        {priors.map((prior) => {
          const isOpen = comparison?.study.studyInstanceUid === prior.studyInstanceUid;
          const otherName = differentName(prior, study.study);
          return (
            <li key={prior.studyInstanceUid}>
              <button
                type="button"
                className={`prior-item${isOpen ? ' shown' : ''}`}
                data-testid="prior-study"
                aria-pressed={isOpen}
                disabled={opening === prior.studyInstanceUid}
                title="Open beside the study being read"
                onClick={() => (isOpen ? useViewer.getState().closeComparison() : void useViewer.getState().openComparison(client, prior.studyInstanceUid))}
              >
                <span className="prior-date">{prior.studyDate || 'No date'}</span>
                <span className="muted">
                  {prior.modalities.join(', ')} · {prior.instanceCount} {prior.instanceCount === 1 ? 'image' : 'images'}
                </span>
                {prior.studyDescription && <span className="muted">{prior.studyDescription}</span>}
                {otherName && (
                  <span className="prior-name-warning" data-testid="prior-name-warning">
                    Name here: {otherName}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

export function SeriesStrip() {
  const study = useViewer((state) => state.study);
  const comparison = useViewer((state) => state.comparison);
  if (!study) return null;
  return (
    <nav className="series-strip" aria-label="Series">
      <SeriesItems study={study} testId="series-item" />
      {comparison && (
        <section className="comparison" aria-label="Prior opened beside" data-testid="comparison">
          <h3>
            <span>Prior {comparison.study.studyDate || '(no date)'}</span>
            <button type="button" className="small" data-testid="comparison-close" aria-label="Close the prior" title="Close the prior" onClick={() => useViewer.getState().closeComparison()}>
              ×
            </button>
          </h3>
          <SeriesItems study={comparison} testId="comparison-series-item" />
        </section>
      )}
      <Priors study={study} />
      <AnnotationPanel />
    </nav>
  );
}
