/** The open study's series: a thumbnail, number, description and image count each. */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { ViewerSeries } from '../../shared/api';
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

export function SeriesStrip() {
  const study = useViewer((state) => state.study);
  const active = useViewer((state) => state.active);
  const shown = useViewer((state) => state.viewportSeries[active] ?? null);
  // Thumbnails wait for the first viewport's first image, which the reader is waiting for.
  const firstShown = useViewer((state) => (state.snapshots[0]?.info ?? null) !== null || (state.snapshots[0]?.error ?? null) !== null);
  if (!study) return null;

  const onDragStart = (event: DragEvent<HTMLLIElement>, uid: string) => {
    event.dataTransfer.setData(SERIES_DRAG_TYPE, uid);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <nav className="series-strip" aria-label="Series">
      <ul>
        {study.series.map((series) => {
          const count = imageCount(series);
          const viewable = count > 0;
          return (
            <li
              key={series.seriesInstanceUid}
              className={`series-item${series.seriesInstanceUid === shown ? ' shown' : ''}${viewable ? '' : ' not-viewable'}`}
              data-testid="series-item"
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
      <AnnotationPanel />
    </nav>
  );
}
