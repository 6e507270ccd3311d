/**
 * The drawing tools on cornerstone-tools, and the translation between its measurement data and
 * the library's annotations (shared/api.ts AnnotationInput): points in image pixels, the values
 * shown, the calibration they rest on.
 */
import type { MeasurementData } from 'cornerstone-tools';
import type { AnnotationTool, Calibration, StoredAnnotation } from '../../../shared/api';
import { CORNERSTONE_TOOL_NAMES } from '../../../shared/viewer/annotationToolNames';
import type { MouseBindings } from '../bindings';
import type { CornerstoneStack } from './cornerstoneSetup';
import { applyMouseBindings } from './mouseBindings';

export const CORNERSTONE_TOOL = CORNERSTONE_TOOL_NAMES;

export function annotationToolOf(cornerstoneName: string): AnnotationTool | null {
  const entry = (Object.entries(CORNERSTONE_TOOL) as Array<[AnnotationTool, string]>).find(([, name]) => name === cornerstoneName);
  return entry ? entry[0] : null;
}

/** Asks the reader for an arrow's text; null when they cancel. */
export type AskText = (initial: string) => Promise<string | null>;

let askTextImpl: AskText = () => Promise.resolve(null);

/** Where the arrow tool asks for its text (the viewer's text prompt). */
export function setAskText(ask: AskText): void {
  askTextImpl = ask;
}

export function registerAnnotationTools(stack: CornerstoneStack): void {
  const { tools } = stack;
  const askText: AskText = (initial) => askTextImpl(initial);
  tools.addTool(tools.LengthTool);
  tools.addTool(tools.AngleTool);
  tools.addTool(tools.CobbAngleTool);
  tools.addTool(tools.EllipticalRoiTool);
  tools.addTool(tools.RectangleRoiTool);
  tools.addTool(tools.ProbeTool);
  tools.addTool(tools.ArrowAnnotateTool, {
    configuration: {
      // The default uses window.prompt, which Electron does not have.
      getTextCallback: (done: (text: string) => void) => void askText('').then((text) => done(text ?? '')),
      changeTextCallback: (data: MeasurementData, _event: unknown, done: (text: string) => void) => void askText(data.text ?? '').then((text) => done(text ?? data.text ?? '')),
      allowEmptyLabel: true,
    },
  });
  // Passive: drawn annotations can be selected and their handles moved whatever tool is active.
  for (const name of Object.values(CORNERSTONE_TOOL)) tools.setToolPassive(name);
}

/** Puts a drawing tool on the left button, or (null) gives the buttons back to W/L, pan, zoom. */
export function activateDrawingTool(stack: CornerstoneStack, tool: AnnotationTool | null, bindings: MouseBindings): void {
  for (const name of Object.values(CORNERSTONE_TOOL)) stack.tools.setToolPassive(name);
  if (tool) stack.tools.setToolActive(CORNERSTONE_TOOL[tool], { mouseButtonMask: 1 });
  else applyMouseBindings(stack, bindings);
}

type Values = StoredAnnotation['measurement'];

/** The values a tool shows, in the units its calibration allows (never mm without spacing). */
export function measurementValues(tool: AnnotationTool, data: MeasurementData, calibration: Calibration, modalityUnit: string): Values {
  const distance = calibration === 'uncalibrated' ? 'px' : 'mm';
  const stats = data.cachedStats ?? {};
  const number = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : undefined);
  const values: Values = {};
  const put = (name: string, value: number | undefined, unit: string) => {
    const finite = number(value);
    if (finite !== undefined) values[name] = { value: finite, unit };
  };
  switch (tool) {
    case 'length':
      put('length', data.length, distance);
      break;
    case 'angle':
    case 'cobbAngle':
      put('angle', data.rAngle, 'deg');
      break;
    case 'ellipseRoi':
    case 'rectangleRoi':
      put('area', stats['area'], `${distance}²`);
      put('mean', stats['mean'], modalityUnit);
      put('stdDev', stats['stdDev'], modalityUnit);
      put('min', stats['min'], modalityUnit);
      put('max', stats['max'], modalityUnit);
      break;
    case 'probe':
      put('value', stats['mo'], modalityUnit);
      put('x', stats['x'], 'px');
      put('y', stats['y'], 'px');
      break;
    case 'arrow':
      break;
  }
  return values;
}

/** The points of a measurement, without cornerstone's display state. */
export function handlePoints(data: MeasurementData): Record<string, { x: number; y: number }> {
  const points: Record<string, { x: number; y: number }> = {};
  for (const [name, handle] of Object.entries(data.handles)) {
    if (name === 'textBox' || !Number.isFinite(handle.x) || !Number.isFinite(handle.y)) continue;
    points[name] = { x: handle.x, y: handle.y };
  }
  return points;
}

/** A stored annotation as cornerstone-tools measurement data, ready to be drawn again. */
export function toMeasurementData(annotation: StoredAnnotation): MeasurementData {
  const handles: MeasurementData['handles'] = {};
  for (const [name, point] of Object.entries(annotation.handles)) handles[name] = { x: point.x, y: point.y, highlight: true, active: false };
  handles['textBox'] = { x: 0, y: 0, active: false, hasMoved: false, movesIndependently: false, drawnIndependently: true, allowedOutsideImage: true, hasBoundingBox: true };
  return {
    visible: true,
    active: false,
    invalidated: true,
    handles,
    text: annotation.label,
    lumenId: annotation.id,
  };
}

/** Replaces every drawn annotation with the given ones (a study was opened). */
export function replaceAnnotations(stack: CornerstoneStack, entries: ReadonlyArray<{ imageId: string; annotation: StoredAnnotation }>): void {
  const manager = stack.tools.globalImageIdSpecificToolStateManager;
  manager.restoreToolState({});
  for (const { imageId, annotation } of entries) manager.addImageIdToolState(imageId, CORNERSTONE_TOOL[annotation.tool], toMeasurementData(annotation));
}

/** Draws the entries not drawn yet (by id): what was drawn meanwhile stays as it is. */
export function addMissingAnnotations(stack: CornerstoneStack, entries: ReadonlyArray<{ imageId: string; annotation: StoredAnnotation }>): void {
  const manager = stack.tools.globalImageIdSpecificToolStateManager;
  const drawn = new Set(
    Object.values(manager.saveToolState()).flatMap((toolStates) => Object.values(toolStates).flatMap((toolState) => toolState.data.map((data) => data.lumenId))),
  );
  for (const { imageId, annotation } of entries) if (!drawn.has(annotation.id)) manager.addImageIdToolState(imageId, CORNERSTONE_TOOL[annotation.tool], toMeasurementData(annotation));
}

/** What distances on an image rest on, from its metadata (see metadataFixes.ts for Imager Pixel Spacing). */
export function calibrationOf(stack: CornerstoneStack, imageId: string): Calibration {
  const plane = stack.cornerstone.metaData.get('imagePlaneModule', imageId) as { rowPixelSpacing?: number; rowImagePixelSpacing?: number } | undefined;
  if (plane?.rowPixelSpacing) return 'pixel-spacing';
  if (plane?.rowImagePixelSpacing) return 'imager-pixel-spacing';
  return 'uncalibrated';
}

/** Takes a drawn annotation off its image (it was deleted from the list); true if it was drawn. */
export function removeDrawnAnnotation(stack: CornerstoneStack, lumenId: string): boolean {
  const state = stack.tools.globalImageIdSpecificToolStateManager.saveToolState();
  for (const toolStates of Object.values(state)) {
    for (const toolState of Object.values(toolStates)) {
      const index = toolState.data.findIndex((data) => data.lumenId === lumenId);
      if (index !== -1) {
        toolState.data.splice(index, 1);
        return true;
      }
    }
  }
  return false;
}

/** Draws one stored annotation on its image. */
export function drawAnnotation(stack: CornerstoneStack, imageId: string, annotation: StoredAnnotation): void {
  stack.tools.globalImageIdSpecificToolStateManager.addImageIdToolState(imageId, CORNERSTONE_TOOL[annotation.tool], toMeasurementData(annotation));
}
