/** Puts the navigation tools (window/level, pan, zoom) on the mouse buttons the person chose. */
import { BUTTON_MASKS, type MouseBindings, type MouseTool } from '../bindings';
import type { CornerstoneStack } from './cornerstoneSetup';

/** Puts each mouse tool on its button (all viewports, present and future). */
export function applyMouseBindings(stack: CornerstoneStack, bindings: MouseBindings): void {
  for (const tool of Object.keys(bindings) as MouseTool[]) {
    stack.tools.setToolActive(tool, { mouseButtonMask: BUTTON_MASKS[bindings[tool]] });
  }
}
