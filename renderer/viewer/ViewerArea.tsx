import { REGION_ATTRIBUTE } from '../app/useRegionCycling';

/** Where the image viewports will live. Nothing is open yet. */
export function ViewerArea() {
  return (
    <main className="viewer-area" aria-label="Viewer" tabIndex={-1} {...{ [REGION_ATTRIBUTE]: 'viewer' }}>
      <p className="muted" data-testid="viewer-empty">
        No study open
      </p>
    </main>
  );
}
