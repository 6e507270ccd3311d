/**
 * Keeps the library in step with what is drawn: a finished measurement is saved, a moved one
 * is saved again once the drag pauses, a removed one is deleted; opening a study draws its
 * stored annotations again.
 */
import type { AnnotationInput, StoredAnnotation, ViewerInstance, ViewerStudy } from '../../../shared/api';
import type { WorkstationClient } from '../../api/workstationClient';
import { addMissingAnnotations, annotationToolOf, calibrationOf, drawAnnotation, handlePoints, measurementValues, removeDrawnAnnotation, replaceAnnotations, setAskText } from '../cornerstone/annotationTools';
import { cornerstoneStack } from '../cornerstone/cornerstoneSetup';
import { frameOfImageId, imageIdFor, urlOfImageId } from '../cornerstone/imageLoading';
import { isMprImageId } from '../cornerstone/mprImages';
import type { DrawnMeasurement, MeasurementChange } from '../cornerstone/stackViewport';
import { viewportRegistry } from '../viewportRegistry';
import { MAX_VIEWPORTS } from '../viewerStore';
import { useAnnotations } from './annotationStore';

// The arrow tool asks for its text through the viewer's prompt (TextPrompt.tsx).
setAskText((initial) => useAnnotations.getState().askText(initial));

/** Saves during a handle drag wait for the drag to pause this long. */
const MODIFY_SAVE_DELAY_MS = 400;
const pendingSaves = new Map<string, ReturnType<typeof setTimeout>>();

export interface ImageRef {
  seriesInstanceUid: string;
  instance: ViewerInstance;
  frame: number;
}

/** The instance and frame an image id shows, within the open study. */
export function imageRefOf(study: ViewerStudy, imageId: string): ImageRef | null {
  const url = urlOfImageId(imageId);
  for (const series of study.series) {
    const instance = series.instances.find((candidate) => candidate.url === url);
    if (instance) return { seriesInstanceUid: series.seriesInstanceUid, instance, frame: frameOfImageId(imageId) };
  }
  return null;
}

function newId(): string {
  return crypto.randomUUID();
}

export async function persistMeasurement(client: WorkstationClient, study: ViewerStudy, change: MeasurementChange, toolName: string, data: DrawnMeasurement, imageId: string): Promise<void> {
  const tool = annotationToolOf(toolName);
  if (!tool) return;
  const store = useAnnotations.getState();
  if (change === 'removed') {
    if (data.lumenId) await store.remove(client, data.lumenId);
    return;
  }
  const ref = imageRefOf(study, imageId);
  if (!ref) {
    // A reformatted image is no file of the study: what is drawn on it cannot be kept with it.
    if (isMprImageId(imageId) && change === 'completed') useAnnotations.setState({ error: 'Measurements on a reformat (MPR) are not saved: they go when the study closes. Measure on the acquired slices to keep them.' });
    return;
  }
  data.lumenId ??= newId();
  const id = data.lumenId;
  const stack = await cornerstoneStack();
  const calibration = calibrationOf(stack, imageId);
  const modality = study.series.find((s) => s.seriesInstanceUid === ref.seriesInstanceUid)?.modality ?? '';
  const input: AnnotationInput = {
    id,
    studyInstanceUid: study.study.studyInstanceUid,
    seriesInstanceUid: ref.seriesInstanceUid,
    sopInstanceUid: ref.instance.sopInstanceUid,
    frame: ref.frame,
    tool,
    handles: handlePoints(data),
    label: (data.text ?? '').slice(0, 1024),
    measurement: measurementValues(tool, data, calibration, modality === 'CT' ? 'HU' : ''),
    calibration,
  };
  const previous = pendingSaves.get(id);
  if (previous) clearTimeout(previous);
  if (change === 'completed') {
    pendingSaves.delete(id);
    await store.save(client, input);
    return;
  }
  pendingSaves.set(
    id,
    setTimeout(() => {
      pendingSaves.delete(id);
      void useAnnotations.getState().save(client, input);
    }, MODIFY_SAVE_DELAY_MS),
  );
}

/** Loads the study's annotations and draws them on their images. */
export async function loadStudyAnnotations(client: WorkstationClient, study: ViewerStudy): Promise<void> {
  // The previous study's drawings go now; the stored ones are added when they arrive, next to
  // anything drawn in the meantime (reading a study's SRs first can take a moment).
  const stack = await cornerstoneStack();
  replaceAnnotations(stack, []);
  const annotations = await useAnnotations.getState().load(client, study.study.studyInstanceUid);
  addMissingAnnotations(stack, onTheirImages(study, annotations));
  redrawAll();
}

/** Stored annotations with the image each is drawn on (those whose image is not here left out). */
function onTheirImages(study: ViewerStudy, annotations: readonly StoredAnnotation[]): Array<{ imageId: string; annotation: StoredAnnotation }> {
  const instances = new Map(study.series.flatMap((series) => series.instances.map((instance) => [instance.sopInstanceUid, instance] as const)));
  return annotations.flatMap((annotation) => {
    const instance = instances.get(annotation.sopInstanceUid);
    return instance ? [{ imageId: imageIdFor(instance, annotation.frame), annotation }] : [];
  });
}

/**
 * Draws a prior's stored annotations on its images, opened beside the study being read. They
 * are not listed: the list is the read study's (a measurement made on the prior is saved with
 * the prior, and is drawn there next time).
 */
export async function drawPriorAnnotations(client: WorkstationClient, prior: ViewerStudy): Promise<void> {
  const stack = await cornerstoneStack();
  const { annotations } = await client.request('annotations.list', { studyInstanceUid: prior.study.studyInstanceUid });
  addMissingAnnotations(stack, onTheirImages(prior, annotations));
  redrawAll();
}

/** Deletes an annotation from the list: off its image and out of the library. */
export async function deleteAnnotation(client: WorkstationClient, id: string): Promise<void> {
  const stack = await cornerstoneStack();
  removeDrawnAnnotation(stack, id);
  redrawAll();
  await useAnnotations.getState().remove(client, id);
}

function redrawAll(): void {
  for (let slot = 0; slot < MAX_VIEWPORTS; slot += 1) viewportRegistry.get(slot)?.redraw();
}

/** Puts an annotation back as it was (`state`), or takes it away (null), drawn and stored. */
async function restore(client: WorkstationClient, study: ViewerStudy, id: string, state: StoredAnnotation | null): Promise<void> {
  const stack = await cornerstoneStack();
  removeDrawnAnnotation(stack, id);
  const store = useAnnotations.getState();
  if (state) {
    const instance = study.series.flatMap((series) => series.instances).find((candidate) => candidate.sopInstanceUid === state.sopInstanceUid);
    if (instance) drawAnnotation(stack, imageIdFor(instance, state.frame), state);
    await store.put(client, {
      id: state.id,
      studyInstanceUid: state.studyInstanceUid,
      seriesInstanceUid: state.seriesInstanceUid,
      sopInstanceUid: state.sopInstanceUid,
      frame: state.frame,
      tool: state.tool,
      handles: state.handles,
      label: state.label,
      measurement: state.measurement,
      calibration: state.calibration,
    });
  } else {
    try {
      await client.request('annotations.delete', { id });
      useAnnotations.setState((current) => ({ annotations: current.annotations.filter((a) => a.id !== id) }));
    } catch (error) {
      useAnnotations.setState({ error: `Undo failed: ${String(error)}` });
    }
  }
  redrawAll();
}

/** Undoes (or redoes) the last change to the study's annotations; false when there is none. */
export function undoAnnotationChange(client: WorkstationClient, study: ViewerStudy, direction: 'undo' | 'redo'): boolean {
  const store = useAnnotations.getState();
  const change = direction === 'undo' ? store.takeUndo() : store.takeRedo();
  if (!change) return false;
  const id = (change.before ?? change.after)?.id;
  if (!id) return false;
  void restore(client, study, id, direction === 'undo' ? change.before : change.after);
  return true;
}
