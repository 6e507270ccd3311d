/** The viewer: toolbar, series strip and the viewport grid of the open study. */
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { useClient } from '../api/clientContext';
import { messageOf, plural } from '../app/format';
import { REGION_ATTRIBUTE } from '../app/useRegionCycling';
import { useAnnotations } from './annotations/annotationStore';
import { drawPriorAnnotations, loadStudyAnnotations, undoAnnotationChange } from './annotations/annotationSync';
import { TextPrompt } from './annotations/TextPrompt';
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
  const client = useClient();
  useMouseBindings();

  // A newly opened study takes the keyboard, so arrows scroll images straight away; its
  // annotations are loaded and drawn.
  useEffect(() => {
    if (!study) {
      useAnnotations.getState().clear();
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('.viewport-element')?.focus();
    loadStudyAnnotations(client, study).catch((error: unknown) => useAnnotations.setState({ error: `Measurements could not be loaded: ${messageOf(error)}` }));
  }, [study, client]);

  // A prior opened beside it shows what was measured on it before.
  const comparison = useViewer((state) => state.comparison);
  useEffect(() => {
    if (!comparison) return;
    drawPriorAnnotations(client, comparison).catch((error: unknown) => useAnnotations.setState({ error: `The prior’s measurements could not be loaded: ${messageOf(error)}` }));
  }, [comparison, client]);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!study || isTextEntry(event.target)) return;
    // Ctrl/⌘+Z undoes the last change to the measurements; Ctrl+Y or Ctrl/⌘+Shift+Z redoes it.
    if ((event.ctrlKey || event.metaKey) && !event.altKey) {
      const key = event.key.toLowerCase();
      const direction = key === 'z' ? (event.shiftKey ? 'redo' : 'undo') : key === 'y' ? 'redo' : null;
      if (direction && undoAnnotationChange(client, study, direction)) event.preventDefault();
      return;
    }
    if (event.altKey) return;
    if (helpOpen && event.key === 'Escape') {
      useViewer.getState().setHelpOpen(false);
      event.preventDefault();
      return;
    }
    const command = commandForKey(useViewer.getState().keyBindings, event.key);
    if (command && runViewerCommand(command, client)) event.preventDefault();
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
          {study.study.missingInstances > 0 && (
            <p className="incomplete-notice" role="alert" data-testid="viewer-incomplete">
              Incomplete study: {plural(study.study.missingInstances, 'image', 'images')} of {study.study.instanceCount + study.study.missingInstances} {study.study.missingInstances === 1 ? 'is' : 'are'} not on this workstation yet: its download is still under way or waiting (for the link, or for room on the disk), or it was cut off or cancelled. The sync panel’s transfers tab says which; Download fetches the rest.
            </p>
          )}
          <SeriesStrip />
          <div className="viewport-grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` }}>
            {Array.from({ length: viewportCount(layout) }, (_, slot) => (
              <ViewportPane key={slot} slot={slot} />
            ))}
          </div>
          <HelpOverlay />
          <TextPrompt />
        </>
      )}
    </main>
  );
}
