/**
 * The open study's series (a thumbnail, number, description and image count each), the same
 * patient's other studies to compare with, and the series of the prior opened beside it.
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { RemoteStudy, StudySummary, ViewerSeries, ViewerStudy } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { plural } from '../app/format';
import { formatPersonName } from '../../shared/dicom/personName';
import { imageIdsFor } from './cornerstone/imageLoading';
import { AnnotationPanel } from './annotations/AnnotationPanel';
import { renderThumbnail } from './cornerstone/renderImage';
import { type ServerPriorList, useViewer } from './viewerStore';

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
  const listed = useViewer((state) => state.serverPriors);
  const serverError = useViewer((state) => state.serverPriorsError);
  if (!priors) return null;
  const remote = notWhollyHere(listed, priors);
  if (priors.length === 0 && remote.length === 0 && !serverError) return null;
  return (
    <section className="priors" aria-label="Priors" data-testid="priors">
      {priors.length > 0 && <h3>Priors ({priors.length})</h3>}
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
                  {prior.modalities.join(', ')} · {plural(prior.instanceCount, 'image', 'images')}
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
      <ServerPriors listed={listed} remote={remote} error={serverError} />
    </section>
  );
}

/** The server's priors not wholly here, counted from the library's priors (which follow a download as it lands). */
function notWhollyHere(listed: ServerPriorList | null, priors: StudySummary[]): RemoteStudy[] {
  const instancesHere = new Map(priors.map((prior) => [prior.studyInstanceUid, prior.instanceCount]));
  return (listed?.studies ?? [])
    .map((remoteStudy) => ({ ...remoteStudy, instancesHere: instancesHere.get(remoteStudy.studyInstanceUid) ?? remoteStudy.instancesHere }))
    .filter((remoteStudy) => remoteStudy.instancesHere === 0 || (remoteStudy.instanceCount !== null && remoteStudy.instancesHere < remoteStudy.instanceCount));
}

/**
 * The patient's studies on the server that are not here yet, with a Download each: once in the
 * library they move up into the priors (a study partly here shows in both until it is whole).
 */
function ServerPriors({ listed, remote, error }: { listed: ServerPriorList | null; remote: RemoteStudy[]; error: string | null }) {
  const client = useClient();
  if (error) {
    return (
      <p className="muted small" role="status" data-testid="server-priors-error">
        Priors on the server could not be listed: {error}
      </p>
    );
  }
  if (!listed || remote.length === 0) return null;
  return (
    <div className="server-priors" data-testid="server-priors">
      <h4>
        On {listed.server.name} ({remote.length})
      </h4>
      <ul>
        {remote.map((prior) => {
          const queued = listed.queued.includes(prior.studyInstanceUid);
          return (
            <li key={prior.studyInstanceUid} className="server-prior" data-testid="server-prior">
              <span className="prior-date">{prior.studyDate || 'No date'}</span>
              <span className="muted">
                {prior.modalities.join(', ')}
                {prior.instanceCount !== null && ` · ${plural(prior.instanceCount, 'image', 'images')}`}
                {prior.instancesHere > 0 && ` (${prior.instancesHere} here)`}
              </span>
              {prior.studyDescription && <span className="muted">{prior.studyDescription}</span>}
              <button type="button" className="small" disabled={queued} data-testid="server-prior-download" onClick={() => void useViewer.getState().downloadPrior(client, prior.studyInstanceUid)}>
                {queued ? 'Downloading…' : 'Download'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
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
