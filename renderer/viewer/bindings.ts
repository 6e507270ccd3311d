/**
 * Which key and which mouse button does what in the viewer. Defaults follow OHIF and Orthanc
 * Stone; they are data, so a person can remap them (Help → mouse buttons) and the help overlay
 * always lists the bindings in force.
 */
import type { AnnotationTool } from '../../shared/api';

export type ViewerCommand =
  | 'previousImage'
  | 'nextImage'
  | 'firstImage'
  | 'lastImage'
  | 'previousSeries'
  | 'nextSeries'
  | 'toggleCine'
  | 'slowerCine'
  | 'fasterCine'
  | 'invert'
  | 'rotate'
  | 'flipHorizontal'
  | 'flipVertical'
  | 'fit'
  | 'actualPixels'
  | 'reset'
  | 'imageWindow'
  | 'autoWindow'
  | 'toggleOverlays'
  | 'toggleLink'
  | 'toggleReferenceLines'
  | 'toggleMpr'
  | 'toggleHelp'
  | 'toggleStudyList'
  | 'deleteMeasurement'
  | 'toggleKeyImage'
  | `draw-${AnnotationTool}`
  | `preset${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;

export interface KeyBinding {
  /** KeyboardEvent.key values. */
  keys: readonly string[];
  command: ViewerCommand;
  label: string;
}

export const DEFAULT_KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ['ArrowUp'], command: 'previousImage', label: 'Previous image (or mouse wheel up)' },
  { keys: ['ArrowDown'], command: 'nextImage', label: 'Next image (or mouse wheel down)' },
  { keys: ['Home'], command: 'firstImage', label: 'First image' },
  { keys: ['End'], command: 'lastImage', label: 'Last image' },
  { keys: ['PageUp'], command: 'previousSeries', label: 'Previous series' },
  { keys: ['PageDown'], command: 'nextSeries', label: 'Next series' },
  { keys: ['p', 'P'], command: 'toggleCine', label: 'Cine: play / pause' },
  { keys: ['['], command: 'slowerCine', label: 'Cine: slower' },
  { keys: [']'], command: 'fasterCine', label: 'Cine: faster' },
  { keys: ['i', 'I'], command: 'invert', label: 'Invert' },
  { keys: ['r', 'R'], command: 'rotate', label: 'Rotate 90° clockwise' },
  { keys: ['h', 'H'], command: 'flipHorizontal', label: 'Flip horizontal' },
  { keys: ['v', 'V'], command: 'flipVertical', label: 'Flip vertical' },
  { keys: ['f', 'F'], command: 'fit', label: 'Fit to viewport' },
  { keys: ['a', 'A'], command: 'actualPixels', label: 'Actual pixels (1:1)' },
  { keys: ['Escape', ' '], command: 'reset', label: 'Reset the view' },
  { keys: ['0'], command: 'imageWindow', label: "Image's own window (again: the next one)" },
  { keys: ['w', 'W'], command: 'autoWindow', label: 'Automatic window from the pixel range' },
  ...([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((n) => ({ keys: [String(n)], command: `preset${n}` as const, label: `Window preset ${n}` })),
  { keys: ['o', 'O'], command: 'toggleOverlays', label: 'Show / hide overlays' },
  { keys: ['s', 'S'], command: 'toggleLink', label: 'Link / unlink scrolling of the viewports (line up the same anatomy first)' },
  { keys: ['m', 'M'], command: 'toggleMpr', label: 'MPR: the series with its two reformats, 1 × 3 (again: back)' },
  { keys: ['x', 'X'], command: 'toggleReferenceLines', label: 'Show / hide reference lines (the active viewport’s slice across the others)' },
  { keys: ['\\'], command: 'toggleStudyList', label: 'Show / hide the study list (more room for images)' },
  { keys: ['l', 'L'], command: 'draw-length', label: 'Draw: length (again: back to window/level)' },
  { keys: ['g', 'G'], command: 'draw-angle', label: 'Draw: angle' },
  { keys: ['c', 'C'], command: 'draw-cobbAngle', label: 'Draw: Cobb angle' },
  { keys: ['e', 'E'], command: 'draw-ellipseRoi', label: 'Draw: elliptical ROI' },
  { keys: ['t', 'T'], command: 'draw-rectangleRoi', label: 'Draw: rectangle ROI' },
  { keys: ['n', 'N'], command: 'draw-arrow', label: 'Draw: arrow with text' },
  { keys: ['d', 'D'], command: 'draw-probe', label: 'Draw: probe (pixel value)' },
  { keys: ['Delete', 'Backspace'], command: 'deleteMeasurement', label: 'Delete the selected measurement' },
  { keys: ['k', 'K'], command: 'toggleKeyImage', label: 'Flag / unflag the image as key' },
  { keys: ['?', 'F1'], command: 'toggleHelp', label: 'This help' },
];

export function commandForKey(bindings: readonly KeyBinding[], key: string): ViewerCommand | null {
  return bindings.find((binding) => binding.keys.includes(key))?.command ?? null;
}

export type MouseTool = 'Wwwc' | 'Pan' | 'Zoom';
export type MouseButton = 'left' | 'middle' | 'right';

export const MOUSE_TOOL_LABELS: Readonly<Record<MouseTool, string>> = { Wwwc: 'Window / level', Pan: 'Pan', Zoom: 'Zoom' };

/** cornerstone-tools' mouseButtonMask values (MouseEvent.buttons bits). */
export const BUTTON_MASKS: Readonly<Record<MouseButton, number>> = { left: 1, right: 2, middle: 4 };

export type MouseBindings = Readonly<Record<MouseTool, MouseButton>>;

export const DEFAULT_MOUSE_BINDINGS: MouseBindings = { Wwwc: 'left', Pan: 'middle', Zoom: 'right' };

/** Binds `tool` to `button`; the tool that had that button takes the freed one. */
export function rebindMouse(bindings: MouseBindings, tool: MouseTool, button: MouseButton): MouseBindings {
  const displaced = (Object.keys(bindings) as MouseTool[]).find((other) => other !== tool && bindings[other] === button);
  const next = { ...bindings, [tool]: button };
  if (displaced) next[displaced] = bindings[tool];
  return next;
}
