/** The live StackViewport of each slot, so keyboard commands and the toolbar can reach them. */
import type { StackViewport } from './cornerstone/stackViewport';

const viewports = new Map<number, StackViewport>();

export const viewportRegistry = {
  set: (slot: number, viewport: StackViewport): void => void viewports.set(slot, viewport),
  delete: (slot: number, viewport: StackViewport): void => {
    if (viewports.get(slot) === viewport) viewports.delete(slot);
  },
  get: (slot: number): StackViewport | undefined => viewports.get(slot),
};
