/** One viewport: a cornerstone-enabled element, its overlays, and series dropped onto it. */
import { type DragEvent, useEffect, useRef } from 'react';
import { useClient } from '../api/clientContext';
import { persistMeasurement } from './annotations/annotationSync';
import { imageIdFor, imageIdsFor, urlOfImageId } from './cornerstone/imageLoading';
import { StackViewport } from './cornerstone/stackViewport';
import { SERIES_DRAG_TYPE } from './SeriesStrip';
import { listenForCrossReference } from './crossReference';
import { ReferenceLines } from './ReferenceLines';
import { ViewportOverlay } from './ViewportOverlay';
import { findSeries, useViewer } from './viewerStore';
import { imageShown } from './linkedScrolling';
import { viewportRegistry } from './viewportRegistry';

export function ViewportPane({ slot }: { slot: number }) {
  const client = useClient();
  const paneRef = useRef<HTMLDivElement>(null);
  const elementRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<{ viewport: StackViewport; ready: Promise<void> } | null>(null);
  const seriesUid = useViewer((state) => state.viewportSeries[slot] ?? null);
  // Each picked alone: a selector must answer the same object while nothing changed.
  const series = useViewer((state) => findSeries(state, seriesUid)?.series ?? null);
  const ownerStudy = useViewer((state) => findSeries(state, seriesUid)?.study ?? null);
  const isActive = useViewer((state) => state.active === slot);
  const snapshot = useViewer((state) => state.snapshots[slot] ?? null);

  useEffect(() => {
    const element = elementRef.current;
    const pane = paneRef.current;
    if (!element || !pane) return;
    const viewport = new StackViewport(element);
    const ready = viewport.attach();
    viewportRef.current = { viewport, ready };
    viewportRegistry.set(slot, viewport);
    let shownIndex = -1;
    const unsubscribe = viewport.subscribe((next) => {
      useViewer.getState().setSnapshot(slot, next);
      // Linked viewports follow a move to another image (linkedScrolling.ts).
      if (next.imageIndex !== shownIndex) {
        shownIndex = next.imageIndex;
        imageShown(slot, next.imageIndex);
      }
    });
    const stopMeasurements = viewport.onMeasurement((change, toolName, data, imageId) => {
      // Saved with the study the image belongs to: a measurement on the prior is the prior's.
      const state = useViewer.getState();
      const study = findSeries(state, state.viewportSeries[slot] ?? null)?.study ?? state.study;
      if (study) void persistMeasurement(client, study, change, toolName, data, imageId);
    });
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      if (event.deltaY !== 0) void viewport.step(event.deltaY > 0 ? 1 : -1);
    };
    // The mouse tools use every button; the browser's menu must not take the right one.
    const onContextMenu = (event: MouseEvent) => event.preventDefault();
    element.addEventListener('wheel', onWheel, { passive: false });
    element.addEventListener('contextmenu', onContextMenu);
    const stopCrossReference = listenForCrossReference(pane, element, slot);
    return () => {
      stopCrossReference();
      element.removeEventListener('wheel', onWheel);
      element.removeEventListener('contextmenu', onContextMenu);
      unsubscribe();
      stopMeasurements();
      viewportRegistry.delete(slot, viewport);
      viewport.destroy();
      useViewer.getState().setSnapshot(slot, null);
      viewportRef.current = null;
    };
  }, [slot, client]);

  const reformat = useViewer((state) => state.reformats[slot] ?? null);
  useEffect(() => {
    const current = viewportRef.current;
    if (!current || !series) return;
    const { viewport, ready } = current;
    if (reformat) {
      // A reformat of the series (MPR): from the slice through the centre of what is shown now
      // (the acquired slice, or the same reformat with another slab), else from the middle.
      void ready.then(() => {
        const near = viewport.indexNearShown(reformat.imageIds);
        return viewport.setImages({ key: reformat.imageIds[0] ?? reformat.name, imageIds: reformat.imageIds, onDemand: true }, near >= 0 ? near : Math.floor(reformat.imageIds.length / 2));
      });
      return;
    }
    const imageIds = imageIdsFor(series.instances);
    const jump = useViewer.getState().jump;
    // Back from a reformat of this series (a slab removed): the acquired slice it was showing.
    const near = viewport.showsReformat ? viewport.indexNearShown(imageIds) : -1;
    const start = jump?.slot === slot ? Math.max(0, imageIds.indexOf(jump.imageId)) : Math.max(0, near);
    const bundleUrl = findSeries(useViewer.getState(), series.seriesInstanceUid)?.study.bundleUrl;
    const bundle = bundleUrl ? { url: bundleUrl, files: series.instances.map((instance) => ({ url: urlOfImageId(imageIdFor(instance, 0)), sopInstanceUid: instance.sopInstanceUid })) } : undefined;
    void ready.then(() => viewport.setImages({ key: series.seriesInstanceUid, imageIds, bundle }, start));
  }, [series, slot, reformat]);

  // A jump within the series already shown (from the measurement list).
  const jump = useViewer((state) => (state.jump?.slot === slot ? state.jump : null));
  useEffect(() => {
    const current = viewportRef.current;
    if (!current || !jump) return;
    const index = current.viewport.indexOfImage(jump.imageId);
    if (index >= 0) void current.viewport.showImage(index);
  }, [jump]);

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (event.dataTransfer.types.includes(SERIES_DRAG_TYPE)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    const uid = event.dataTransfer.getData(SERIES_DRAG_TYPE);
    if (!uid) return;
    event.preventDefault();
    event.stopPropagation();
    useViewer.getState().showSeries(slot, uid);
  };

  return (
    <div
      ref={paneRef}
      className={`viewport${isActive ? ' active' : ''}`}
      data-testid={`viewport-${slot}`}
      data-image-index={snapshot?.imageIndex ?? ''}
      data-image-count={snapshot?.imageCount ?? ''}
      data-loaded-count={snapshot?.loadedCount ?? ''}
      data-ww={snapshot?.voi?.windowWidth ?? ''}
      data-wc={snapshot?.voi?.windowCenter ?? ''}
      data-scale={snapshot?.scale ?? ''}
      data-pan-x={snapshot?.translation.x ?? ''}
      data-pan-y={snapshot?.translation.y ?? ''}
      data-rotation={snapshot?.rotation ?? ''}
      data-hflip={snapshot?.hflip ?? ''}
      data-vflip={snapshot?.vflip ?? ''}
      data-invert={snapshot?.invert ?? ''}
      data-cine={snapshot?.cine.playing ? 'playing' : 'stopped'}
      data-series={seriesUid ?? ''}
      onMouseDown={(event) => {
        const state = useViewer.getState();
        state.setActive(slot);
        // A pan or zoom by hand ends "fit to window": resizing the window keeps the chosen view.
        const button = (['left', 'middle', 'right'] as const)[event.button];
        if (button && (state.mouseBindings.Pan === button || state.mouseBindings.Zoom === button)) viewportRef.current?.viewport.markZoomed();
      }}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <div ref={elementRef} className="viewport-element" tabIndex={0} aria-label={`Viewport ${slot + 1}`} />
      <ReferenceLines slot={slot} />
      <ViewportOverlay slot={slot} series={series} study={ownerStudy} snapshot={snapshot} />
    </div>
  );
}
