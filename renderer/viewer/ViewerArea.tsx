/** The viewer: toolbar, series strip and the viewport grid of the open study. */
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { REGION_ATTRIBUTE } from '../app/useRegionCycling';
import { commandForKey } from './bindings';
import { HelpOverlay, useMouseBindings } from './HelpOverlay';
import { SeriesStrip } from './SeriesStrip';
import { runViewerCommand } from './viewerCommands';
import { ViewerToolbar } from './ViewerToolbar';
import { LAYOUTS, useViewer, viewportCount } from './viewerStore';
import { ViewportPane } from './ViewportPane';

function isTextEntry(target: EventTarget): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export function ViewerArea() {
  const study = useViewer((state) => state.study);
  const opening = useViewer((state) => state.opening);
  const error = useViewer((state) => state.error);
  const layout = useViewer((state) => state.layout);
  const helpOpen = useViewer((state) => state.helpOpen);
  const mainRef = useRef<HTMLElement>(null);
  useMouseBindings();

  // A newly opened study takes the keyboard, so arrows scroll images straight away.
  useEffect(() => {
    if (study) mainRef.current?.querySelector<HTMLElement>('.viewport-element')?.focus();
  }, [study]);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!study || event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return;
    if (helpOpen && event.key === 'Escape') {
      useViewer.getState().setHelpOpen(false);
      event.preventDefault();
      return;
    }
    const command = commandForKey(useViewer.getState().keyBindings, event.key);
    if (command && runViewerCommand(command)) event.preventDefault();
  };

  const { columns, rows } = LAYOUTS[layout];
  return (
    <main ref={mainRef} className={`viewer-area${study ? ' has-study' : ''}`} aria-label="Viewer" tabIndex={-1} onKeyDown={onKeyDown} {...{ [REGION_ATTRIBUTE]: 'viewer' }}>
      {!study && (
        <p className="muted" data-testid="viewer-empty">
          {opening ? 'Opening study…' : (error ?? 'No study open — double-click a study or press Enter on it')}
        </p>
      )}
      {study && (
        <>
          <ViewerToolbar />
          <SeriesStrip />
          <div className="viewport-grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` }}>
            {Array.from({ length: viewportCount(layout) }, (_, slot) => (
              <ViewportPane key={slot} slot={slot} />
            ))}
          </div>
          <HelpOverlay />
        </>
      )}
    </main>
  );
}
