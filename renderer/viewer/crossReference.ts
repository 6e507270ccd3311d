/**
 * Cross-reference: Shift+click (or Shift+drag) on an image picks the point under the pointer in
 * the patient; every other viewport in the same frame of reference goes to its slice through
 * that point (sliceThrough in referenceLine.ts), and each marks it (ReferenceLines.tsx). The
 * reader clicks a disc on the sagittal, and the axial shows that disc.
 */
import { useAnnotations } from './annotations/annotationStore';
import { patientPointOf, type ImagePoint, sliceThrough } from './referenceLine';
import { useViewer, viewportCount } from './viewerStore';
import { viewportRegistry } from './viewportRegistry';

/**
 * Picks the point under `canvasPoint` (CSS pixels from the viewport's top left) in `slot`'s
 * image and moves the other viewports to it; says why when the image cannot place it.
 */
export function crossReferenceAt(slot: number, canvasPoint: ImagePoint): void {
  const viewport = viewportRegistry.get(slot);
  const plane = viewport?.shownPlane() ?? null;
  const imagePoint = viewport?.imagePointAt(canvasPoint) ?? null;
  if (!viewport || !imagePoint) return;
  if (!plane) {
    useAnnotations.setState({ error: 'This image has no place in the patient (no Image Position, Orientation, Pixel Spacing or Frame of Reference): nothing to cross-reference.' });
    return;
  }
  const position = patientPointOf(plane, imagePoint);
  const state = useViewer.getState();
  state.setCrossPoint({ position, frameOfReferenceUid: plane.frameOfReferenceUid });
  for (let other = 0; other < viewportCount(state.layout); other += 1) {
    const target = other === slot ? undefined : viewportRegistry.get(other);
    if (!target) continue;
    const planes = Array.from({ length: target.imageCount }, (_, index) => target.imagePlaneAt(index));
    const found = sliceThrough(planes, plane.frameOfReferenceUid, position);
    if (found && found.index !== target.imageIndex) void target.showImage(found.index);
  }
}

/**
 * Shift+press on the viewport's element: cross-reference at the pointer, and again as it moves
 * until released (once per frame). Listens in the capture phase on the pane, so the mouse tools
 * on the element below never see the press: a Shift+click is not also a window/level drag.
 * Returns the function that stops listening.
 */
export function listenForCrossReference(pane: HTMLElement, element: HTMLElement, slot: number): () => void {
  const pointAt = (event: MouseEvent): ImagePoint => {
    const box = element.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  let stopDrag: (() => void) | null = null;
  const onMouseDown = (event: MouseEvent) => {
    if (!event.shiftKey || event.button !== 0 || !element.contains(event.target as Node)) return;
    event.preventDefault();
    event.stopPropagation();
    useViewer.getState().setActive(slot);
    crossReferenceAt(slot, pointAt(event));
    let pending: MouseEvent | null = null;
    const onMove = (move: MouseEvent) => {
      if (pending === null) {
        requestAnimationFrame(() => {
          if (pending) crossReferenceAt(slot, pointAt(pending));
          pending = null;
        });
      }
      pending = move;
    };
    const onUp = () => stopDrag?.();
    stopDrag = () => {
      window.removeEventListener('mousemove', onMove, true);
      window.removeEventListener('mouseup', onUp, true);
      stopDrag = null;
    };
    window.addEventListener('mousemove', onMove, true);
    window.addEventListener('mouseup', onUp, true);
  };
  pane.addEventListener('mousedown', onMouseDown, true);
  return () => {
    pane.removeEventListener('mousedown', onMouseDown, true);
    stopDrag?.();
  };
}
