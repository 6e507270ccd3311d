/** The text and markers drawn over a viewport: who, what, where, and how it is displayed. */
import type { ViewerSeries, ViewerStudy } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import type { ViewportSnapshot } from './cornerstone/stackViewport';
import { edgeMarkers } from './orientation';
import { formatScaleBar, formatWindowValue, patientAge, scaleBarLength } from './overlayText';
import { useAnnotations } from './annotations/annotationStore';
import { imageRefOf } from './annotations/annotationSync';
import { useViewer } from './viewerStore';

function Loading({ snapshot }: { snapshot: ViewportSnapshot }) {
  if (snapshot.imageCount === 0 || snapshot.onDemand) return null;
  const done = snapshot.loadedCount + snapshot.failedCount >= snapshot.imageCount;
  if (done && snapshot.failedCount === 0) return null;
  return (
    <div className="viewport-loading" role="status" data-testid="viewport-loading">
      {done ? `${snapshot.failedCount} of ${snapshot.imageCount} images failed to load` : `Loading ${snapshot.loadedCount} / ${snapshot.imageCount}`}
      {!done && <progress max={snapshot.imageCount} value={snapshot.loadedCount} />}
    </div>
  );
}

function ScaleBar({ snapshot }: { snapshot: ViewportSnapshot }) {
  const spacing = snapshot.info?.pixelSpacing;
  if (!spacing || snapshot.scale <= 0) return null;
  // Across the screen lies the image's row direction, or its column direction when turned 90°.
  const sideways = snapshot.rotation % 180 !== 0;
  const mmPerPixel = (sideways ? spacing.row : spacing.column) / snapshot.scale;
  const bar = scaleBarLength(mmPerPixel, snapshot.canvas.width / 4);
  if (!bar) return null;
  return (
    <div className="scale-bar" data-testid="scale-bar" style={{ width: `${bar.pixels}px` }}>
      <span>{formatScaleBar(bar.mm)}</span>
    </div>
  );
}

/**
 * `study` is the study the shown series belongs to: the one being read, or a prior beside it,
 * which is marked as such so the two are never taken for each other.
 */
export function ViewportOverlay({ slot, series, study: fullStudy, snapshot }: { slot: number; series: ViewerSeries | null; study: ViewerStudy | null; snapshot: ViewportSnapshot | null }) {
  const study = fullStudy?.study ?? null;
  const isPrior = useViewer((state) => fullStudy !== null && state.comparison === fullStudy);
  const keyImages = useAnnotations((state) => state.keyImages);
  const visible = useViewer((state) => state.overlaysVisible);
  if (!snapshot) return null;
  const info = snapshot.info;
  const markers = info?.rowCosines && info.columnCosines ? edgeMarkers(info.rowCosines, info.columnCosines, snapshot) : null;
  const age = study ? patientAge(info?.patientAge ?? '', study.patientBirthDate, study.studyDate) : '';
  const image = info?.frameNumber ? `Frame ${info.frameNumber}/${info.frames}` : null;
  const ref = fullStudy && snapshot.imageId ? imageRefOf(fullStudy, snapshot.imageId) : null;
  const isKey = ref !== null && keyImages.some((k) => k.sopInstanceUid === ref.instance.sopInstanceUid && k.frame === ref.frame);

  return (
    <div className="viewport-overlay" data-testid={`viewport-overlay-${slot}`}>
      {snapshot.error && (
        <div className="viewport-error" role="alert">
          {snapshot.error}
        </div>
      )}
      {snapshot.waiting && !snapshot.error && <div className="viewport-waiting">Loading image…</div>}
      <Loading snapshot={snapshot} />
      {visible && study && (
        <>
          <div className="corner top-left">
            <div className="patient-name">{formatPersonName(study.patientName) || 'No name'}</div>
            <div>{study.patientId}</div>
            <div>{[study.patientSex, age].filter(Boolean).join(' · ')}</div>
          </div>
          <div className="corner top-right">
            {isPrior && (
              <div className="prior-tag" data-testid="prior-tag">
                Prior
              </div>
            )}
            <div>{study.studyDescription}</div>
            <div className={isPrior ? 'prior-date' : undefined}>{study.studyDate || 'No study date'}</div>
            <div>
              {series ? `Se ${series.seriesNumber ?? '–'}${series.description ? ` · ${series.description}` : ''}` : ''}
            </div>
            {info?.reformat && (
              <div className="reformat-tag" data-testid="reformat-tag">
                {info.reformat}
              </div>
            )}
          </div>
          <div className="corner bottom-left">
            <div data-testid="image-position">
              Im {snapshot.imageCount === 0 ? 0 : snapshot.imageIndex + 1} / {snapshot.imageCount}
              {image ? ` · ${image}` : ''}
            </div>
            {info?.sliceLocation !== null && info?.sliceLocation !== undefined && <div>Loc {info.sliceLocation.toFixed(1)} mm</div>}
            {info?.sliceThickness ? <div>Thk {info.sliceThickness.toFixed(1)} mm</div> : null}
            {snapshot.cine.playing && <div>Cine {snapshot.cine.fps} fps</div>}
            {isKey && <div className="key-image">★ Key image</div>}
            {info?.calibration === 'uncalibrated' && (
              <div className="calibration-warning" data-testid="calibration">
                Uncalibrated: distances in pixels
              </div>
            )}
            {info?.calibration === 'imager-pixel-spacing' && (
              <div className="calibration-warning" data-testid="calibration">
                Imager Pixel Spacing: distances at the detector
              </div>
            )}
          </div>
          <div className="corner bottom-right">
            {snapshot.voi && (
              <div data-testid="window-readout">
                W {formatWindowValue(snapshot.voi.windowWidth)} L {formatWindowValue(snapshot.voi.windowCenter)}
                {snapshot.windowName ? ` · ${snapshot.windowName}` : ''}
              </div>
            )}
            <div>Zoom {Math.round(snapshot.scale * 100)}%</div>
            {snapshot.invert && <div>Inverted</div>}
          </div>
          {markers && (
            <>
              <div className="marker top">{markers.top}</div>
              <div className="marker bottom">{markers.bottom}</div>
              <div className="marker left" data-testid="marker-left">
                {markers.left}
              </div>
              <div className="marker right" data-testid="marker-right">
                {markers.right}
              </div>
            </>
          )}
          <ScaleBar snapshot={snapshot} />
        </>
      )}
    </div>
  );
}
