/**
 * The reference line over one viewport: where the slice shown in the active viewport cuts this
 * viewport's image (referenceLine.ts), in the active viewport's colour. Redrawn when either
 * image changes and when this viewport is zoomed, panned, turned or flipped (each publishes a
 * snapshot). None in the active viewport itself, across frames of reference, between slices
 * nearer than 30° to parallel, or while the overlays are hidden.
 */
import { referenceLine } from './referenceLine';
import { useViewer } from './viewerStore';
import { viewportRegistry } from './viewportRegistry';

const round = (value: number) => Math.round(value * 100) / 100;

export function ReferenceLines({ slot }: { slot: number }) {
  const shown = useViewer((state) => state.referenceLines && state.overlaysVisible);
  const active = useViewer((state) => state.active);
  // Read so that a new image in the active viewport, or any change of this one, draws again.
  const sourceImage = useViewer((state) => state.snapshots[state.active]?.imageId ?? null);
  const own = useViewer((state) => state.snapshots[slot] ?? null);
  if (!shown || active === slot || !sourceImage || !own?.imageId) return null;
  const target = viewportRegistry.get(slot);
  const sourcePlane = viewportRegistry.get(active)?.shownPlane() ?? null;
  const targetPlane = target?.shownPlane() ?? null;
  const segment = sourcePlane && targetPlane ? referenceLine(targetPlane, sourcePlane) : null;
  const start = segment ? target?.canvasPointOf(segment.start) : null;
  const end = segment ? target?.canvasPointOf(segment.end) : null;
  if (!segment || !start || !end) return null;
  return (
    <svg className="reference-lines" aria-hidden="true">
      <line
        data-testid="reference-line"
        data-image-start={`${round(segment.start.x)},${round(segment.start.y)}`}
        data-image-end={`${round(segment.end.x)},${round(segment.end.y)}`}
        data-source-slot={active}
        x1={start.x}
        y1={start.y}
        x2={end.x}
        y2={end.y}
      />
    </svg>
  );
}
