/**
 * What is drawn over one viewport to say where the others are (referenceLine.ts):
 *   - the reference line: where the slice shown in the active viewport cuts this viewport's
 *     image, in the active viewport's colour (in an MPR, the other viewports' slices too, dashed,
 *     so the three planes cross as a crosshair). None in the active viewport itself, across
 *     frames of reference, or between slices nearer than 30° to parallel;
 *   - the cross-reference point picked with Shift+click (crossReference.ts): a ring where it lies
 *     on this image, with its distance from this slice when it is not on it.
 * Both are redrawn when either image changes and when this viewport is zoomed, panned, turned or
 * flipped (each publishes a snapshot), and are hidden with the overlays or with X.
 */
import { distanceFromPlane, imagePointOf, isOnImage, referenceLine } from './referenceLine';
import { type CrossPoint, useViewer, viewportCount } from './viewerStore';
import type { StackViewport } from './cornerstone/stackViewport';
import { viewportRegistry } from './viewportRegistry';

const round = (value: number) => Math.round(value * 100) / 100;

/** Closer than this to the slice, the point counts as on it (no distance shown). */
const ON_SLICE_MM = 1;

function Line({ target, source, sourceSlot, isActive }: { target: StackViewport; source: StackViewport | undefined; sourceSlot: number; isActive: boolean }) {
  const sourcePlane = source?.shownPlane() ?? null;
  const targetPlane = target.shownPlane();
  const segment = sourcePlane && targetPlane ? referenceLine(targetPlane, sourcePlane) : null;
  const start = segment ? target.canvasPointOf(segment.start) : null;
  const end = segment ? target.canvasPointOf(segment.end) : null;
  if (!segment || !start || !end) return null;
  return (
    <line
      className={`reference-line${isActive ? ' active' : ' other'}`}
      data-testid="reference-line"
      data-image-start={`${round(segment.start.x)},${round(segment.start.y)}`}
      data-image-end={`${round(segment.end.x)},${round(segment.end.y)}`}
      data-source-slot={sourceSlot}
      x1={start.x}
      y1={start.y}
      x2={end.x}
      y2={end.y}
    />
  );
}

function PointMark({ target, point }: { target: StackViewport; point: CrossPoint }) {
  const plane = target.shownPlane();
  if (!plane || plane.frameOfReferenceUid !== point.frameOfReferenceUid) return null;
  const onImage = imagePointOf(plane, point.position);
  if (!isOnImage(plane, onImage)) return null;
  const at = target.canvasPointOf(onImage);
  if (!at) return null;
  const distance = Math.abs(distanceFromPlane(plane, point.position));
  const away = distance >= ON_SLICE_MM;
  return (
    <g className={`cross-point${away ? ' away' : ''}`} data-testid="cross-point" data-distance={distance.toFixed(1)} data-image-point={`${round(onImage.x)},${round(onImage.y)}`}>
      <circle cx={at.x} cy={at.y} r={7} />
      <line x1={at.x - 13} y1={at.y} x2={at.x - 8} y2={at.y} />
      <line x1={at.x + 8} y1={at.y} x2={at.x + 13} y2={at.y} />
      <line x1={at.x} y1={at.y - 13} x2={at.x} y2={at.y - 8} />
      <line x1={at.x} y1={at.y + 8} x2={at.x} y2={at.y + 13} />
      {away && (
        <text x={at.x + 12} y={at.y - 12}>
          {distance.toFixed(distance < 10 ? 1 : 0)} mm away
        </text>
      )}
    </g>
  );
}

export function ReferenceLines({ slot }: { slot: number }) {
  const shown = useViewer((state) => state.referenceLines && state.overlaysVisible);
  const active = useViewer((state) => state.active);
  const crossPoint = useViewer((state) => state.crossPoint);
  // In an MPR every other viewport's slice is drawn (the usual crosshair of three planes); else the active one's.
  const sources = useViewer((state) => (state.mpr ? Array.from({ length: viewportCount(state.layout) }, (_, other) => other).filter((other) => other !== slot) : state.active === slot ? [] : [state.active]).join(','));
  // Read so that a new image in a source viewport, or any change of this one, draws again.
  useViewer((state) => state.snapshots.map((snapshot) => snapshot?.imageId ?? '').join('|'));
  const own = useViewer((state) => state.snapshots[slot] ?? null);
  const target = viewportRegistry.get(slot);
  if (!shown || !own?.imageId || !target) return null;
  const sourceSlots = sources === '' ? [] : sources.split(',').map(Number);
  return (
    <svg className="reference-lines" aria-hidden="true">
      {sourceSlots.map((source) => (
        <Line key={source} target={target} source={viewportRegistry.get(source)} sourceSlot={source} isActive={source === active} />
      ))}
      {crossPoint && <PointMark target={target} point={crossPoint} />}
    </svg>
  );
}
