/** What each viewer command does, on the active viewport. */
import type { AnnotationTool } from '../../shared/api';
import { presetsFor } from '../../shared/viewer/windowPresets';
import type { WorkstationClient } from '../api/workstationClient';
import { useAnnotations } from './annotations/annotationStore';
import { imageRefOf } from './annotations/annotationSync';
import type { ViewerCommand } from './bindings';
import { findSeries, useViewer, viewableSeries, viewportCount } from './viewerStore';
import { linkStacks } from './linkedScrolling';
import { viewportRegistry } from './viewportRegistry';

function activeViewport() {
  return viewportRegistry.get(useViewer.getState().active);
}

/** Applies preset `n` (1-based) of the shown image's modality; answers whether one existed. */
export function applyPreset(n: number): boolean {
  const viewport = activeViewport();
  const preset = presetsFor(viewport?.currentInfo?.modality ?? '')[n - 1];
  if (!viewport || !preset) return false;
  viewport.setWindow(preset.width, preset.center, preset.name);
  return true;
}

/** The next or previous series of the study the active viewport shows (the prior's, beside it). */
function moveSeries(delta: number): void {
  const state = useViewer.getState();
  const shown = findSeries(state, state.viewportSeries[state.active] ?? null);
  const series = viewableSeries(shown?.study ?? state.study);
  if (series.length === 0) return;
  const current = series.findIndex((s) => s.seriesInstanceUid === state.viewportSeries[state.active]);
  const next = series[Math.min(series.length - 1, Math.max(0, current + delta))];
  if (next) state.showSeries(state.active, next.seriesInstanceUid);
}

/** Flags or unflags the active viewport's image as key (of the study being read, not a prior). */
function toggleKeyImage(client: WorkstationClient): boolean {
  const state = useViewer.getState();
  if (findSeries(state, state.viewportSeries[state.active] ?? null)?.isComparison) {
    useAnnotations.setState({ error: 'Key images are flagged in the study being read; this viewport shows a prior.' });
    return true;
  }
  const imageId = state.snapshots[state.active]?.imageId;
  const ref = state.study && imageId ? imageRefOf(state.study, imageId) : null;
  if (!ref) return false;
  const annotations = useAnnotations.getState();
  const isKey = annotations.keyImages.some((k) => k.sopInstanceUid === ref.instance.sopInstanceUid && k.frame === ref.frame);
  void annotations.setKeyImage(client, { sopInstanceUid: ref.instance.sopInstanceUid, frame: ref.frame }, !isKey);
  return true;
}

/**
 * Links the visible viewports' scrolling (each keeps the offset it has now), or unlinks them.
 * Nothing to link (one stack, or none whose slices have positions) says so.
 */
export function toggleLink(): void {
  const state = useViewer.getState();
  if (state.linked) {
    state.setLinked(false);
    return;
  }
  const slots = Array.from({ length: viewportCount(state.layout) }, (_, slot) => slot);
  const linked = linkStacks(slots);
  state.setLinked(linked);
  if (!linked) useAnnotations.setState({ error: 'Nothing to link: scrolling is linked between two or more viewports showing stacks of the same orientation.' });
}

/**
 * MPR: the active viewport's series beside its two orthogonal reformats (1 × 3), or, when
 * reformats are shown, back to its acquired slices. A series that makes no volume says why.
 */
export async function toggleMpr(): Promise<void> {
  const state = useViewer.getState();
  if (state.mpr) {
    state.closeMpr();
    return;
  }
  const seriesInstanceUid = state.viewportSeries[state.active];
  const viewport = activeViewport();
  if (!viewport || !seriesInstanceUid) return;
  const result = await viewport.reformats();
  if (!result.ok) {
    useAnnotations.setState({ error: `No MPR of this series: ${result.reason}.` });
    return;
  }
  // The person may have moved on while the images loaded.
  if (useViewer.getState().viewportSeries[useViewer.getState().active] === seriesInstanceUid) useViewer.getState().openMpr(seriesInstanceUid, result.reformats);
}

/** Runs a command; answers false when it did not apply (so the key can do its usual thing). */
export function runViewerCommand(command: ViewerCommand, client?: WorkstationClient): boolean {
  const state = useViewer.getState();
  const drawing = /^draw-(.+)$/.exec(command);
  if (drawing?.[1]) {
    const tool = drawing[1] as AnnotationTool;
    const annotations = useAnnotations.getState();
    annotations.setDrawingTool(annotations.drawingTool === tool ? null : tool);
    return true;
  }
  if (command === 'toggleKeyImage') return client ? toggleKeyImage(client) : false;
  if (command === 'reset' && useAnnotations.getState().drawingTool) {
    // Escape first leaves drawing; the next one resets the view.
    useAnnotations.getState().setDrawingTool(null);
    return true;
  }
  if (command === 'toggleHelp') {
    state.setHelpOpen(!state.helpOpen);
    return true;
  }
  if (command === 'toggleLink') {
    toggleLink();
    return true;
  }
  if (command === 'toggleMpr') {
    void toggleMpr();
    return true;
  }
  if (command === 'toggleReferenceLines') {
    state.setReferenceLines(!state.referenceLines);
    return true;
  }
  if (command === 'toggleOverlays') {
    state.toggleOverlays();
    return true;
  }
  if (command === 'toggleStudyList') {
    state.toggleStudyList();
    return true;
  }
  if (command === 'previousSeries' || command === 'nextSeries') {
    moveSeries(command === 'nextSeries' ? 1 : -1);
    return true;
  }
  const viewport = activeViewport();
  if (!viewport) return false;
  switch (command) {
    case 'previousImage':
      void viewport.step(-1);
      return true;
    case 'nextImage':
      void viewport.step(1);
      return true;
    case 'firstImage':
      void viewport.showImage(0);
      return true;
    case 'lastImage':
      void viewport.showImage(viewport.imageCount - 1);
      return true;
    case 'toggleCine':
      viewport.toggleCine();
      return true;
    case 'slowerCine':
      viewport.setCineRate(viewport.cineFramesPerSecond - 1);
      return true;
    case 'fasterCine':
      viewport.setCineRate(viewport.cineFramesPerSecond + 1);
      return true;
    case 'invert':
      viewport.toggleInvert();
      return true;
    case 'rotate':
      viewport.rotateClockwise();
      return true;
    case 'flipHorizontal':
      viewport.flipHorizontal();
      return true;
    case 'flipVertical':
      viewport.flipVertical();
      return true;
    case 'fit':
      viewport.fit();
      return true;
    case 'actualPixels':
      viewport.actualPixels();
      return true;
    case 'reset':
      viewport.stopCine();
      viewport.reset();
      return true;
    case 'imageWindow':
      viewport.useImageWindow();
      return true;
    case 'autoWindow':
      viewport.useAutoWindow();
      return true;
    case 'deleteMeasurement':
      return viewport.removeSelectedMeasurement();
    default: {
      const preset = /^preset(\d)$/.exec(command);
      return preset?.[1] ? applyPreset(Number(preset[1])) : false;
    }
  }
}
